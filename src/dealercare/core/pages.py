"""What every staff page shares: login, allowed methods, domain errors as HTTP answers."""

from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods

from dealercare.core.errors import DomainError, NotFound, PermissionDenied
from dealercare.core.http import kept_search


def staff_page(*methods: str):
    """Log-in required, only ``methods`` allowed (405 otherwise), and the services' errors
    answered once for every page: not found → 404, permission denied → 403, any other
    domain error → an error page with its status."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            try:
                return view(request, *args, **kwargs)
            except NotFound:
                raise Http404() from None
            except PermissionDenied as exc:
                raise DjangoPermissionDenied(str(exc.message)) from None
            except DomainError as exc:
                return render(request, "core/error.html", {"error": exc}, status=exc.status)

        return login_required(require_http_methods(list(methods))(wrapper))

    return decorate


def render_page(request, template: str, partial: str, context: dict):
    """The whole page, or only ``partial`` when htmx asked for a piece of it."""
    swap = request.htmx and not request.htmx.history_restore_request
    response = render(request, partial if swap else template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def list_page(request, template: str, partial: str, *, check_url, context_for):
    """A list page with its search form, whose terms stay out of URLs (``kept_search``).

    A posted search answers, for htmx, the results with ``HX-Push-Url: ?s=<token>``, and
    otherwise a redirect there; ``check_url(q)`` refuses a search term of a plain query
    string that must not be in one; ``context_for(params)`` builds the page from the filters."""
    params, token = kept_search(request)
    here = f"{request.path}?s={token}"
    if request.method == "POST" and not request.htmx:
        return redirect(here)
    if token is None:
        check_url(params.get("q", ""))
    response = render_page(request, template, partial, context_for(params) | {"search": token})
    if request.method == "POST":
        response["HX-Push-Url"] = here
    return response


def bound(request, form_class, **kwargs):
    """The form filled from the POST, or empty on GET (an empty POST still gets validated)."""
    return form_class(request.POST if request.method == "POST" else None, **kwargs)


@dataclass(frozen=True)
class Outcome:
    done: bool = False
    value: object = None
    error: DomainError | None = None


def submit(form, action) -> Outcome:
    """Call the service when the form parses; a refusal goes onto the form (and the outcome)."""
    if not form.is_valid():
        return Outcome()
    try:
        return Outcome(done=True, value=action())
    except (NotFound, PermissionDenied):
        raise
    except DomainError as exc:
        add_domain_error(form, exc)
        return Outcome(error=exc)


def add_domain_error(form, exc: DomainError) -> None:
    """Put a service's refusal onto the form: each reason under its field, the message on top."""
    for name, messages in exc.fields.items():
        for message in messages:
            form.add_error(name if name in form.fields else None, message)
    form.add_error(None, exc.message)
