from django.conf import settings
from django.contrib.auth import views as auth_views
from django.shortcuts import render

from dealercare.core import selectors
from dealercare.core.demo_accounts import DEMO_DEALERS, DEMO_PASSWORD
from dealercare.core.pages import staff_page
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
