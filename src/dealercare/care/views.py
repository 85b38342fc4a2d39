"""Relationship care pages for staff: the reminders coming up, their month calendar, one
reminder with what staff may do to it, the phone calls to make, the rules and campaigns,
and a customer's pauses."""

from datetime import date

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dealercare.care import selectors
from dealercare.care.forms import (
    CallDoneForm,
    CancelForm,
    MoveForm,
    PauseForm,
    ReminderFilterForm,
    RuleForm,
    TextForm,
)
from dealercare.care.models import Reminder, ReminderKind, ReminderRule
from dealercare.care.services import reminders as handling
from dealercare.care.services import rules as rule_services
from dealercare.care.services.sending import reminder_text
from dealercare.core.http import no_store
from dealercare.core.pages import bound, list_page, render_page, staff_page, submit
from dealercare.core.pagination import paginate
from dealercare.core.roles import Action, allows, require
from dealercare.customers.models import Tag
from dealercare.customers.selectors import refuse_personal_data_in_url

S = Reminder.Status


def _tabs(request) -> dict:
    return {"can_rules": allows(request.user, Action.CARE_RULES)}


@staff_page("GET", "POST")
@no_store
def reminder_list(request):
    def context_for(params) -> dict:
        if not any(params.get(name) for name in ReminderFilterForm.base_fields):
            params = params.copy()
            params["date_from"] = timezone.localdate().isoformat()  # upcoming by default
        form = ReminderFilterForm(params)
        filters = form.filters()
        rows = selectors.reminder_list(actor=request.user, **filters)
        page = paginate(rows, page=request.GET.get("page"))
        return {"form": form, "page": page, "today": timezone.localdate()} | _tabs(request)

    return list_page(
        request,
        "care/list.html",
        "care/_results.html",
        check_url=refuse_personal_data_in_url,
        context_for=context_for,
    )


def _month(value: str | None) -> date:
    today = timezone.localdate().replace(day=1)
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        chosen = date(year, month, 1)
    except ValueError:
        return today
    return chosen if abs(chosen.year - today.year) <= 50 else today


def _shift(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@staff_page("GET")
def calendar(request):
    month = _month(request.GET.get("month"))
    days = selectors.reminder_calendar(actor=request.user, month_start=month)
    labels = dict(ReminderKind.choices)
    leading = [None] * month.weekday()  # Monday first
    context = {
        "month": month,
        "previous": _shift(month, -1),
        "next": _shift(month, 1),
        "days": [
            {
                "day": d.day,
                "total": d.total,
                "counts": [(kind, labels[kind], n) for kind, n in d.counts.items()],
            }
            for d in days
        ],
        "leading": leading,
        "quiet": not any(d.total for d in days),
        "today": timezone.localdate(),
        "weekdays": [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")],
    } | _tabs(request)
    return render(request, "care/calendar.html", context)


REMINDER_FORMS = {"move": MoveForm, "text": TextForm, "cancel": CancelForm, "call": CallDoneForm}


def _reminder_page(request, reminder, *, forms=None, status=200):
    initial = {"version": reminder.version}
    forms = forms or {}
    context = {
        "reminder": reminder,
        "text": reminder_text(reminder),
        "can_handle": allows(request.user, Action.CARE_HANDLE),
        "move_form": forms.get("move") or MoveForm(initial=initial | {"send_on": reminder.send_on}),
        "text_form": forms.get("text")
        or TextForm(initial=initial | {"text": reminder.text or reminder.rule.template_zh}),
        "cancel_form": forms.get("cancel") or CancelForm(initial=initial),
        "call_form": forms.get("call") or CallDoneForm(initial=initial),
        "open_form": next(iter(forms), ""),
    } | _tabs(request)
    return render(request, "care/reminder.html", context, status=status)


def _reminder_action(request, reminder_id, action: str, form):
    data = form.cleaned_data
    common = {"actor": request.user, "reminder_id": reminder_id, "version": data["version"]}
    if action == "move":
        return handling.reminder_move(**common, send_on=data["send_on"], reason=data["reason"])
    if action == "text":
        return handling.reminder_edit_text(**common, text=data["text"], reason=data["reason"])
    if action == "cancel":
        return handling.reminder_cancel(**common, reason=data["reason"])
    return handling.reminder_call_done(**common, note=data["note"])


DONE = {
    "move": gettext_lazy("Reminder moved."),
    "text": gettext_lazy("Text changed."),
    "cancel": gettext_lazy("Reminder cancelled."),
    "call": gettext_lazy("Call recorded."),
}


@staff_page("GET", "POST")
@no_store
def reminder_detail(request, reminder_id):
    reminder = selectors.reminder_get(actor=request.user, reminder_id=reminder_id)
    if request.method == "GET":
        return _reminder_page(request, reminder)
    require(request.user, Action.CARE_HANDLE)
    action = request.POST.get("action", "")
    if action not in REMINDER_FORMS:
        return redirect("care:reminder", reminder_id=reminder.pk)
    form = REMINDER_FORMS[action](request.POST)
    outcome = submit(form, lambda: _reminder_action(request, reminder.pk, action, form))
    if outcome.done:
        messages.success(request, DONE[action])
        return redirect("care:reminder", reminder_id=reminder.pk)
    reminder = selectors.reminder_get(actor=request.user, reminder_id=reminder_id)
    status = outcome.error.status if outcome.error else 422
    return _reminder_page(request, reminder, forms={action: form}, status=status)


@staff_page("GET")
@no_store
def calls(request):
    rows = selectors.reminder_list(actor=request.user, status=S.CALL)
    context = {"page": paginate(rows, page=request.GET.get("page"))} | _tabs(request)
    return render(request, "care/calls.html", context)


@staff_page("GET")
def rule_list(request):
    require(request.user, Action.CARE_RULES)
    rules = list(selectors.rule_list(actor=request.user))
    context = {
        "rules": [r for r in rules if r.kind != ReminderKind.CAMPAIGN],
        "campaigns": [r for r in rules if r.kind == ReminderKind.CAMPAIGN],
    } | _tabs(request)
    return render(request, "care/rules.html", context)


def _tags(request) -> list[str]:
    return list(
        Tag.objects.filter(dealer_id=request.user.dealer_id)
        .order_by("name")
        .values_list("name", flat=True)
    )


def _rule_form(request, *, kind: str, rule: ReminderRule | None):
    channels = rule.channels if rule else []
    kwargs = {"kind": kind, "tags": _tags(request), "channel_order": channels}
    if request.method == "POST":
        return RuleForm(request.POST, **kwargs)
    if rule is None:
        defaults = rule_services.RuleInput(name="", lead_days=0, template_zh="")
        initial = vars(defaults) | {"active": True}
        return RuleForm(initial=initial, **kwargs)
    return RuleForm(initial=RuleForm.initial_for(rule), **kwargs)


def _preview(request, form, kind: str, defaults: dict):
    data = form.to_input(defaults=defaults)
    return rule_services.rule_preview(
        actor=request.user,
        data=data,
        kind=kind,
        customer_id=form.cleaned_data.get("preview_customer"),
    )


def _rule_page(request, *, rule: ReminderRule | None, kind: str, save):
    require(request.user, Action.CARE_RULES)
    form = _rule_form(request, kind=kind, rule=rule)
    defaults = rule_services.rule_values(rule) if rule else {}
    preview = None
    status = 200
    if request.method == "POST":
        if request.POST.get("do") == "preview":
            outcome = submit(form, lambda: _preview(request, form, kind, defaults))
            preview = outcome.value
        else:
            outcome = submit(form, lambda: save(form.to_input(defaults=defaults), form))
            if outcome.done:
                messages.success(request, _("Rule saved."))
                return redirect("care:rule", rule_id=outcome.value.pk)
        if not outcome.done:
            status = outcome.error.status if outcome.error else 422
    context = {
        "rule": rule,
        "kind_label": ReminderKind(kind).label,
        "form": form,
        "preview": preview,
    } | _tabs(request)
    return render(request, "care/rule.html", context, status=status)


@staff_page("GET", "POST")
def rule_detail(request, rule_id):
    rule = selectors.rule_get(actor=request.user, rule_id=rule_id)

    def save(data, form):
        return rule_services.rule_update(
            actor=request.user, rule=rule, data=data, version=form.cleaned_data["version"] or 0
        )

    return _rule_page(request, rule=rule, kind=rule.kind, save=save)


@staff_page("GET", "POST")
def campaign_new(request):
    def save(data, form):
        return rule_services.campaign_create(actor=request.user, data=data)

    return _rule_page(request, rule=None, kind=ReminderKind.CAMPAIGN, save=save)


@staff_page("GET")
@no_store
def customer_panel(request, customer_id):
    """The customer's reminders and pauses, for the customer page (loaded by htmx)."""
    customer = selectors.care_customer_get(actor=request.user, customer_id=customer_id)
    context = {
        "customer": customer,
        "reminders": selectors.customer_reminders(actor=request.user, customer=customer),
        "pauses": selectors.pauses_for(actor=request.user, customer=customer),
        "can_handle": allows(request.user, Action.CARE_HANDLE),
    }
    return render_page(request, "care/customer.html", "care/_customer_panel.html", context)


@staff_page("GET", "POST")
@no_store
def pause(request, customer_id):
    customer = selectors.care_customer_get(actor=request.user, customer_id=customer_id)
    require(request.user, Action.CARE_HANDLE)
    form = bound(request, PauseForm)
    outcome = submit(
        form,
        lambda: handling.reminder_pause(
            actor=request.user, customer_id=customer.pk, **form.cleaned_data
        ),
    )
    if outcome.done:
        messages.success(request, _("Reminders paused."))
        return redirect("customers:detail", pk=customer.pk)
    context = {
        "customer": customer,
        "form": form,
        "pauses": selectors.pauses_for(actor=request.user, customer=customer),
    }
    status = 422 if request.method == "POST" else 200
    return render(request, "care/pause.html", context, status=status)


@staff_page("POST")
def pause_end(request, pause_id):
    paused = selectors.pause_get(actor=request.user, pause_id=pause_id)
    handling.reminder_pause_end(actor=request.user, pause_id=paused.pk)
    messages.success(request, _("Reminders resumed."))
    return redirect("customers:detail", pk=paused.customer_id)
