from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from dealercare.core import selectors, services
from dealercare.core.demo_accounts import DEMO_DEALERS, DEMO_PASSWORD
from dealercare.core.forms import JobRunFilterForm
from dealercare.core.pages import render_page, staff_page
from dealercare.core.pagination import paginate
from dealercare.core.roles import Role


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if settings.DEMO_MODE:
            context["demo_password"] = DEMO_PASSWORD
            context["demo_dealers"] = [code for code, _name, _city in DEMO_DEALERS]
            context["demo_roles"] = [r for r in Role if r != Role.OEM_ANALYST]
        return context


@staff_page("GET")
def audit_log(request):
    entries = selectors.audit_list(actor=request.user)
    page = paginate(entries, page=request.GET.get("page"))
    return render(request, "core/audit_log.html", {"page": page})


@staff_page("GET")
def job_list(request):
    jobs = selectors.job_list(actor=request.user)
    form = JobRunFilterForm(request.GET, jobs=[row.job for row in jobs])
    runs = selectors.job_run_list(actor=request.user, filters=form.filters())
    page = paginate(runs, page=request.GET.get("page"))
    context = {"jobs": jobs, "form": form, "page": page}
    return render_page(request, "core/jobs.html", "core/_job_runs.html", context)


@staff_page("POST")
def job_run_now(request, name):
    services.job_run_request(actor=request.user, name=name)
    messages.success(request, _("The job will run within a few seconds."))
    return redirect("jobs")
