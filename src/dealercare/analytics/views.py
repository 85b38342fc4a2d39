from django.shortcuts import render

from dealercare.analytics import selectors
from dealercare.core.pages import staff_page


@staff_page("GET")
def home(request):
    counts = selectors.home_counts(actor=request.user)
    context = {
        "counts": counts,
        "due_soon": selectors.due_soon_date(),
        "today": selectors.work_for_today(actor=request.user),
    }
    return render(request, "analytics/home.html", context)
