"""What travels over HTTP with personal data: responses that no cache may keep, and
searches kept out of URLs."""

import secrets
from functools import wraps

from django.http import QueryDict
from django.utils.cache import add_never_cache_headers
from ninja.decorators import decorate_view

SEARCHES_KEPT = 20


def no_store(view):
    """For a page or an API call whose answer carries personal data: no browser, proxy or
    disk cache may keep a copy (``Cache-Control: no-store`` and friends)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    return wrapper


api_no_store = decorate_view(no_store)


def kept_search(request) -> tuple[QueryDict, str | None]:
    """A list page's filters, and the token that stands for them in URLs.

    A search form is posted, never sent in a query string, since its terms may be personal
    data (a mobile, an ID number) that would land in access logs and the browser history.
    The filters are kept in the (server-side) session behind a short random token, and the
    page's URLs carry only ``?s=<token>`` (and the page number). A GET without a token reads
    its filters from the query string, for links that carry none of that kind."""
    searches = request.session.get("searches", {})
    if request.method == "POST":
        params = request.POST.copy()
        for name in ("csrfmiddlewaretoken", "page", "s"):
            params.pop(name, None)
        encoded = params.urlencode()
        token = next((t for t, kept in searches.items() if kept == encoded), None)
        if token is None:
            token = secrets.token_urlsafe(6)
            searches[token] = encoded
            request.session["searches"] = dict(list(searches.items())[-SEARCHES_KEPT:])
        return params, token
    token = request.GET.get("s")
    if token:
        return QueryDict(searches.get(token, "")), token
    return request.GET, None
