"""Complaints built through the services, and walked along the workflow."""

from datetime import timedelta

from django.utils import timezone

from dealercare.complaints.services import StepInput, complaint_receive, complaint_transition
from dealercare.core.roles import Role

PATH = ["classify", "assign", "investigate", "propose", "implement", "feedback", "close"]
STATES = ["received", "classified", "assigned", "investigating", "solution_proposed"]
FROM = {state: i for i, state in enumerate([*STATES, "implemented", "feedback_given"])}


def step_input(cast, dealer="a") -> StepInput:
    staff = cast.staff_a if dealer == "a" else cast.staff_b
    return StepInput(
        category="service",
        urgency="high",
        owner_id=staff[Role.CSR].pk,
        department="workshop",
        solve_by=timezone.now() + timedelta(days=2),
        investigation="查看了工单",
        solution="免费复检并赠送保养",
        answer="周末照常营业",
        result="客户接受方案",
        cause="技师漏检",
        improvement="交车前增加复检",
        satisfaction=4,
        reason="客户再次来电",
    )


def received(cast, dealer="a", kind="complaint", **fields):
    staff = cast.staff_a if dealer == "a" else cast.staff_b
    values = {
        "channel": "hotline",
        "content": "保养后异响",
        "contact_name": "周先生",
        "contact_phone": "13800138000" if dealer == "a" else "13800138001",
    } | fields
    return complaint_receive(actor=staff[Role.CSR], kind=kind, **values)


def walk(cast, complaint, until: str, dealer="a"):
    """Make the moves of the complaint path up to and including ``until``."""
    staff = cast.staff_a if dealer == "a" else cast.staff_b
    path = ["answer", "close"] if complaint.is_light else PATH
    done = {"received": 0, "answered": 1} if complaint.is_light else FROM
    for move in path[done[complaint.status] : path.index(until) + 1]:
        complaint = complaint_transition(
            actor=staff[Role.CSR], complaint=complaint, move=move, data=step_input(cast, dealer)
        )
    return complaint
