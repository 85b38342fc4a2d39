"""Analysis (R-CMP-7): hot spots counted four ways; root causes and preventive actions
followed to done."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dealercare.complaints.models import PreventiveAction
from dealercare.complaints.selectors.analysis import complaint_hot_spots
from dealercare.complaints.services.analysis import (
    preventive_action_add,
    preventive_action_done,
    root_cause_create,
)
from dealercare.core.errors import InvalidInput, InvalidTransition, PermissionDenied
from dealercare.core.roles import Role
from tests.complaints.factories import received, walk
from tests.factories import new_customer, new_vehicle

pytestmark = pytest.mark.django_db


def test_hot_spots_by_category_model_department_and_month(cast):
    advisor = cast.staff_a[Role.ADVISOR]
    owner = new_customer(advisor)
    yaoguang = new_vehicle(advisor, owner=owner, model_name="瑶光")
    lanyue = new_vehicle(advisor, owner=owner, model_name="揽月")
    for car in (yaoguang, yaoguang, lanyue):
        walk(cast, received(cast, vehicle=car), "assign")
    received(cast, kind="inquiry")
    received(cast, dealer="b")
    spots = complaint_hot_spots(actor=cast.staff_a[Role.MANAGER])
    assert spots["total"] == 3
    assert [(b["label"], b["count"], b["percent"]) for b in spots["model"]] == [
        ("瑶光", 2, 100),
        ("揽月", 1, 50),
    ]
    assert [(b["count"]) for b in spots["category"]] == [3]
    assert [(b["count"]) for b in spots["department"]] == [3]
    assert spots["month"][0]["label"] == timezone.now().strftime("%Y-%m")
    with pytest.raises(PermissionDenied):
        complaint_hot_spots(actor=cast.staff_a[Role.CSR])


def test_root_cause_and_actions_followed_to_done(cast):
    manager = cast.staff_a[Role.MANAGER]
    first, second = received(cast), received(cast)
    cause = root_cause_create(
        actor=manager,
        title="交车前未复检",
        category="service",
        complaint_ids=f"{first}, {second.pk}",
    )
    assert set(cause.complaints.all()) == {first, second}
    agent = cast.staff_a[Role.CSR]
    action = preventive_action_add(
        actor=manager,
        root_cause=cause,
        description="交车前增加复检签字",
        owner_id=agent.pk,
        due_date=timezone.localdate() + timedelta(days=14),
    )
    assert action.status == "open"
    done = preventive_action_done(actor=agent, action=action, outcome="已执行")
    assert done.status == "done" and done.done_at is not None
    with pytest.raises(InvalidTransition):
        preventive_action_done(actor=agent, action=action)
    other = preventive_action_add(
        actor=manager,
        root_cause=cause,
        description="培训",
        owner_id=manager.pk,
        due_date=timezone.localdate(),
    )
    with pytest.raises(PermissionDenied):
        preventive_action_done(actor=agent, action=other)


def test_bad_input_is_refused(cast):
    manager = cast.staff_a[Role.MANAGER]
    theirs = received(cast, dealer="b")
    with pytest.raises(InvalidInput) as error:
        root_cause_create(actor=manager, title="", complaint_ids=f"TS-{theirs.pk}")
    assert set(error.value.fields) == {"title", "complaint_ids"}
    cause = root_cause_create(actor=manager, title="配件缺货")
    with pytest.raises(InvalidInput) as error:
        preventive_action_add(
            actor=manager,
            root_cause=cause,
            description="",
            owner_id=cast.staff_b[Role.CSR].pk,
            due_date=timezone.localdate() - timedelta(days=1),
        )
    assert set(error.value.fields) == {"description", "owner_id", "due_date"}
    assert not PreventiveAction.objects.exists()
    with pytest.raises(PermissionDenied):
        root_cause_create(actor=cast.staff_a[Role.CSR], title="x")


def test_analysis_page(cast, client_as):
    received(cast)
    manager = client_as(cast.staff_a[Role.MANAGER])
    response = manager.post(
        "/complaints/analysis/root-causes/", {"title": "预约系统故障", "category": "service"}
    )
    assert response.status_code == 302
    page = manager.get("/complaints/analysis/").content.decode()
    assert "预约系统故障" in page and "bar-fill" in page
    from dealercare.complaints.models import RootCause

    cause = RootCause.objects.get()
    response = manager.post(
        f"/complaints/analysis/root-causes/{cause.pk}/actions/",
        {
            "description": "增加备用线路",
            "owner_id": cast.staff_a[Role.MANAGER].pk,
            "due_date": (timezone.localdate() + timedelta(days=7)).isoformat(),
        },
    )
    assert response.status_code == 302
    action = PreventiveAction.objects.get()
    assert manager.post(f"/complaints/analysis/actions/{action.pk}/done/").status_code == 302
    action.refresh_from_db()
    assert action.status == "done"
    assert client_as(cast.staff_a[Role.CSR]).get("/complaints/analysis/").status_code == 403
    outsider = client_as(cast.staff_b[Role.MANAGER])
    assert outsider.post(f"/complaints/analysis/actions/{action.pk}/done/").status_code == 404
    assert (
        outsider.post(f"/complaints/analysis/root-causes/{cause.pk}/actions/", {}).status_code
        == 404
    )
