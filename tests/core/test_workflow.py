"""The workflow mechanism, on a table declared here over the customer's grade (a real
model and field, so no test-only model or migration is needed)."""

import re
import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone, translation

from dealercare.core.errors import (
    DomainError,
    InvalidInput,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    StaleVersion,
)
from dealercare.core.masking import mask_name
from dealercare.core.models import AuditEntry
from dealercare.core.pages import submit
from dealercare.core.roles import Action, Role
from dealercare.core.workflow import Move, MoveForm, Workflow, available_moves, workflow_move
from dealercare.customers.models import Customer, Grade
from tests.factories import new_customer

# Who may make which move, written from the roles' duties: warming a lead up is anyone's
# who may change customers; declaring them ready needs a merge-level role (advisor,
# manager, admin); dropping needs a reason.
GRADE_FLOW = Workflow(
    model=Customer,
    field="grade",
    states=Grade,
    moves=[
        Move("warm_up", Grade.C, Grade.B, Action.CUSTOMER_UPDATE, "Warm up"),
        Move("ready", (Grade.B, Grade.C), Grade.A, Action.CUSTOMER_MERGE, "Ready to buy"),
        Move(
            "drop",
            (Grade.A, Grade.B),
            Grade.D,
            Action.CUSTOMER_UPDATE,
            "Drop",
            reason_required=True,
        ),
    ],
    customer_field="pk",
    label=lambda customer: mask_name(customer.name),
)


@pytest.fixture
def lead(advisor) -> Customer:
    return new_customer(advisor, name="王小明", grade=Grade.C)


def names(moves) -> list[str]:
    return [move.name for move in moves]


def entries_for(customer) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(customer_id=customer.pk).order_by("seq"))


def test_a_legal_move_changes_the_state_and_the_version(advisor, lead):
    moved = workflow_move(advisor, lead, "warm_up")
    assert moved is lead and lead.grade == Grade.B and lead.version == 2
    stored = Customer.objects.get(pk=lead.pk)
    assert (stored.grade, stored.version) == (Grade.B, 2)


def test_the_move_is_on_the_customers_timeline_with_who_and_when(advisor, lead):
    before = timezone.now()
    workflow_move(advisor, lead, "warm_up")
    workflow_move(advisor, lead, "drop", reason="  bought elsewhere ")
    *_created, warm, drop = entries_for(lead)
    assert (warm.action, warm.actor, warm.actor_name) == (
        "customer.warm_up",
        advisor,
        advisor.username,
    )
    assert before <= warm.created_at <= timezone.now() + timedelta(seconds=1)
    assert warm.changes == {"grade": ["C", "B"]}
    assert (warm.object_type, warm.object_id, warm.object_label) == ("customer", lead.pk, "王**")
    assert drop.changes == {"grade": ["B", "D"], "reason": ["", "bought elsewhere"]}


@pytest.mark.parametrize(
    ("grade", "move"), [(Grade.B, "warm_up"), (Grade.D, "ready"), (Grade.C, "no_such_move")]
)
def test_an_illegal_move_is_refused_with_a_stable_code_and_changes_nothing(advisor, grade, move):
    customer = new_customer(advisor, grade=grade)
    entries = len(entries_for(customer))
    with pytest.raises(InvalidTransition) as refused:
        workflow_move(advisor, customer, move)
    assert (refused.value.code, refused.value.status) == ("invalid_transition", 409)
    assert Customer.objects.get(pk=customer.pk).grade == grade
    assert len(entries_for(customer)) == entries


def test_a_role_without_the_moves_action_is_refused(cast, lead):
    with pytest.raises(PermissionDenied) as refused:
        workflow_move(cast.staff_a[Role.CSR], lead, "ready")
    assert refused.value.code == "permission_denied"
    assert Customer.objects.get(pk=lead.pk).grade == Grade.C


def test_a_move_that_needs_a_reason_is_refused_without_one(advisor):
    customer = new_customer(advisor, grade=Grade.A)
    with pytest.raises(InvalidInput) as refused:
        workflow_move(advisor, customer, "drop", reason="   ")
    assert list(refused.value.fields) == ["reason"]
    assert Customer.objects.get(pk=customer.pk).grade == Grade.A


def test_another_dealers_object_is_not_found(cast, lead):
    with pytest.raises(NotFound):
        workflow_move(cast.staff_b[Role.ADVISOR], lead, "warm_up")
    assert Customer.objects.get(pk=lead.pk).grade == Grade.C


def test_a_move_from_a_state_that_changed_meanwhile_is_stale(advisor, lead):
    seen_by_other = Customer.objects.get(pk=lead.pk)
    workflow_move(advisor, lead, "ready")
    with pytest.raises(StaleVersion):
        workflow_move(advisor, seen_by_other, "warm_up")
    assert Customer.objects.get(pk=lead.pk).grade == Grade.A


def test_an_expected_version_that_is_not_current_is_stale(advisor, lead):
    with pytest.raises(StaleVersion):
        workflow_move(advisor, lead, "warm_up", expected_version=lead.version + 1)
    workflow_move(advisor, lead, "warm_up", expected_version=lead.version)
    assert lead.grade == Grade.B


@pytest.mark.parametrize(
    ("role", "grade", "expected"),
    [
        (Role.ADVISOR, Grade.C, ["warm_up", "ready"]),
        (Role.CSR, Grade.C, ["warm_up"]),
        (Role.TECHNICIAN, Grade.C, []),
        (Role.MANAGER, Grade.B, ["ready", "drop"]),
        (Role.SALES, Grade.B, ["drop"]),
        (Role.ADVISOR, Grade.D, []),
    ],
)
def test_available_moves_follow_the_role_and_the_state(cast, role, grade, expected):
    customer = new_customer(cast.staff_a[Role.ADVISOR], grade=grade)
    assert names(available_moves(cast.staff_a[role], customer)) == expected


def buttons(actor, customer) -> str:
    context = {"moves": available_moves(actor, customer), "move_url": "/move/", "version": 3}
    return render_to_string(
        "core/_workflow_buttons.html", context, request=RequestFactory().get("/")
    )


def test_the_buttons_are_the_available_moves(cast, lead):
    html = buttons(cast.staff_a[Role.ADVISOR], lead)
    assert re.findall(r'name="move" value="(\w+)"', html) == ["warm_up", "ready"]
    assert html.count('method="post"') == 2 and html.count("csrfmiddlewaretoken") == 2
    assert html.count('name="version" value="3"') == 2 and "Ready to buy" in html
    assert re.findall(r'name="move" value="(\w+)"', buttons(cast.staff_a[Role.CSR], lead)) == [
        "warm_up"
    ]
    assert buttons(cast.staff_a[Role.TECHNICIAN], lead).strip() == ""


def test_a_button_for_a_move_that_needs_a_reason_asks_for_it(advisor):
    html = buttons(advisor, new_customer(advisor, grade=Grade.A))
    assert re.findall(r'name="move" value="(\w+)"', html) == ["drop"]
    assert 'name="reason" required' in html
    with translation.override("zh-hans"):
        assert 'placeholder="原因"' in buttons(advisor, new_customer(advisor, grade=Grade.A))


def test_the_move_form_accepts_only_an_offered_move(cast, lead):
    offered = available_moves(cast.staff_a[Role.CSR], lead)
    form = MoveForm({"move": "warm_up", "version": "1", "reason": " why "}, moves=offered)
    assert form.is_valid()
    assert form.cleaned_data == {"move": "warm_up", "version": 1, "reason": "why"}
    assert "move" in MoveForm({"move": "ready"}, moves=offered).errors
    assert "reason" in MoveForm({"move": "warm_up", "reason": "x" * 501}, moves=offered).errors


def test_a_refused_move_puts_the_services_reason_on_the_form(advisor):
    customer = new_customer(advisor, grade=Grade.A)
    form = MoveForm({"move": "drop"}, moves=available_moves(advisor, customer))
    outcome = submit(
        form,
        lambda: workflow_move(
            advisor, customer, form.cleaned_data["move"], reason=form.cleaned_data["reason"]
        ),
    )
    assert not outcome.done and outcome.error.code == "invalid_input"
    assert form.errors["reason"] == ["请填写这一步的原因。"]  # zh-hans is the default


def test_a_table_naming_an_unknown_state_or_a_second_table_for_a_model_is_refused():
    with pytest.raises(ImproperlyConfigured):
        Workflow(
            model=AuditEntry,
            field="action",
            states=Grade,
            moves=[Move("x", Grade.A, "Z", Action.AUDIT_VIEW, "x")],
        )
    with pytest.raises(ImproperlyConfigured):
        Workflow(model=Customer, field="grade", states=Grade, moves=[])


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db(transaction=True)
def test_of_two_concurrent_moves_exactly_one_succeeds(advisor, lead):
    copies = [Customer.objects.get(pk=lead.pk) for _ in range(2)]
    start = threading.Barrier(2)
    outcomes = []

    def move(customer):
        try:
            start.wait()
            workflow_move(advisor, customer, "warm_up")
            outcomes.append("moved")
        except DomainError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=move, args=(c,)) for c in copies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["moved", "stale_version"]
    assert Customer.objects.get(pk=lead.pk).version == 2
    assert [e.action for e in entries_for(lead)].count("customer.warm_up") == 1
