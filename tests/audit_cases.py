"""Every kind of audit entry the code writes, each written by its own service."""

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from dealercare.core.audit import AuditEvent, audit_record
from dealercare.core.roles import Role
from dealercare.customers.exports import customer_export
from dealercare.customers.imports import customer_import
from dealercare.customers.quality import data_quality_export
from dealercare.customers.selectors import CustomerFilters
from dealercare.customers.services import (
    CustomerInput,
    RelatedPersonInput,
    consent_record,
    customer_create,
    customer_delete,
    customer_merge,
    customer_reveal,
    customer_update,
    related_person_add,
    related_person_remove,
)
from dealercare.customers.services.privacy import customer_data_export, customer_erase
from dealercare.vehicles.services import (
    VehicleInput,
    vehicle_create,
    vehicle_delete,
    vehicle_record_mileage,
    vehicle_update,
)

IMPORT_CSV = (
    "姓名,手机号,车架号,车牌号,品牌,车型\n赵敏,13912345678,LSVJT23S4EX670084,沪B54321,星途,瑶光\n"
)


def write_every_kind_of_entry(cast):
    """Run each audited service once; return the customer whose timeline holds most of it."""
    manager = cast.staff_a[Role.MANAGER]
    person = customer_create(
        actor=manager,
        data=CustomerInput(
            name="张伟",
            phone="13812345678",
            email="zhangwei@example.com",
            id_number="11010519491231002X",
            address="北京市朝阳区建国路88号",
            birthday=date(1980, 5, 1),
            notes="喜欢周末来店",
            tags=["VIP"],
        ),
    )
    person = customer_update(
        actor=manager,
        customer=person,
        changes={"phone": "13812345679", "grade": "A", "tags": ["VIP", "车队"]},
        version=person.version,
    )
    customer_reveal(actor=manager, customer=person, field_name="phone")
    consent_record(actor=manager, customer=person, channel="sms", granted=True, source="paper")
    relative = related_person_add(
        actor=manager,
        customer=person,
        data=RelatedPersonInput(name="李娜", relation="family", phone="13712345678"),
    )
    related_person_remove(actor=manager, person=relative)
    car = vehicle_create(
        actor=manager,
        data=VehicleInput(
            vin="LSVEP7YW8P1060869", make="星途", model_name="瑶光", owner_id=person.pk
        ),
    )
    car = vehicle_update(
        actor=manager,
        vehicle=car,
        changes={"model_name": "揽月", "plate": "沪A12345"},
        version=car.version,
    )
    vehicle_record_mileage(actor=manager, vehicle=car, km=12000)
    _complaint_entries(cast, person, car)
    spare = vehicle_create(
        actor=manager, data=VehicleInput(vin="LFV7EG774LE799499", make="星途", model_name="瑶光")
    )
    vehicle_delete(actor=manager, vehicle=spare)
    twin = customer_create(
        actor=manager, data=CustomerInput(name="张伟", phone="13612345678"), allow_duplicate=True
    )
    person = customer_merge(actor=manager, target=person, duplicate=twin)
    gone = customer_create(actor=manager, data=CustomerInput(name="王芳", phone="13512345678"))
    customer_delete(actor=manager, customer=gone)
    leaving = customer_create(actor=manager, data=CustomerInput(name="陈静", phone="13412345678"))
    customer_erase(actor=manager, customer=leaving, confirm_name="陈静")
    upload = SimpleUploadedFile("customers.csv", IMPORT_CSV.encode())
    customer_import(actor=manager, upload=upload, file_name=upload.name)
    customer_export(actor=manager, filters=CustomerFilters(q="138", grade="A"), file_format="csv")
    customer_data_export(actor=manager, customer=person, reason="customer_request")
    data_quality_export(actor=manager)
    with transaction.atomic():
        audit_record(actor=None, dealer=cast.dealer_a, event=odd_values_event(person))
    survey_entries(cast, person, car)
    return person


def survey_entries(cast, person, car) -> None:
    """Each audited survey service once: a template, its questions, a link sent and
    answered through the link, and a call filled in by the agent."""
    from dealercare.surveys.services import answers, invitations, templates

    manager, agent = cast.staff_a[Role.MANAGER], cast.staff_a[Role.CSR]
    survey = templates.survey_template_create(
        actor=manager, data=templates.TemplateInput(kind="csi", name="快修回访")
    )
    survey = templates.survey_template_update(
        actor=manager, template=survey, changes={"name": "快修满意度回访"}, version=survey.version
    )
    kept = templates.survey_question_add(
        actor=manager,
        template=survey,
        data=templates.QuestionInput(text="总体满意度", type="scale_1_5", measure="satisfaction"),
    )
    dropped = templates.survey_question_add(
        actor=manager, template=survey, data=templates.QuestionInput(text="建议", type="text")
    )
    templates.survey_questions_reorder(
        actor=manager, template=survey, question_ids=[dropped.pk, kept.pk]
    )
    templates.survey_question_remove(actor=manager, question=dropped)
    survey.refresh_from_db()
    sent = invitations.survey_invite(
        actor=agent, template=survey, customer=person, vehicle=car, channel="sms"
    )
    answers.survey_answer(token=sent.link.strip("/").split("/")[-1], answers={kept.pk: 5})
    answers.survey_answer_by_agent(
        actor=agent, customer=person, template=survey, answers={kept.pk: 4}
    )


def _complaint_entries(cast, person, car) -> None:
    """The complaints desk: received, worked to the close (each step), changed, reopened;
    the ladder set; a root cause with a preventive action done."""
    from datetime import timedelta

    from django.utils import timezone

    from dealercare.complaints.services import (
        StepInput,
        complaint_receive,
        complaint_transition,
        complaint_update,
    )
    from dealercare.complaints.services.analysis import (
        preventive_action_add,
        preventive_action_done,
        root_cause_create,
    )
    from dealercare.complaints.services.ladder import LadderInput, LadderStepInput, ladder_update

    manager = cast.staff_a[Role.MANAGER]
    complaint = complaint_receive(
        actor=manager, channel="hotline", content="保养后异响", customer=person, vehicle=car
    )
    complaint = complaint_update(
        actor=manager, complaint=complaint, changes={"urgency": "high"}, version=complaint.version
    )
    step = StepInput(
        category="service",
        urgency="high",
        owner_id=manager.pk,
        department="workshop",
        solve_by=timezone.now() + timedelta(days=1),
        solution="免费复检",
        result="已解决",
        cause="漏检",
        improvement="增加复检",
        satisfaction=4,
        reason="客户再次来电",
    )
    moves = ["classify", "assign", "investigate", "propose", "implement", "feedback", "close"]
    for move in [*moves, "reopen"]:
        complaint = complaint_transition(actor=manager, complaint=complaint, move=move, data=step)
    inquiry = complaint_receive(
        actor=manager, kind="inquiry", channel="wechat", content="营业时间", customer=person
    )
    for move in ("answer", "close"):
        inquiry = complaint_transition(
            actor=manager, complaint=inquiry, move=move, data=StepInput(answer="每天 8:30–18:00")
        )
    ladder_update(
        actor=manager,
        data=LadderInput(
            first_response_hours=24,
            feedback_hours=24,
            warn_percent=75,
            steps=[LadderStepInput(level=1, after_minutes=0, target="manager")],
        ),
    )
    cause = root_cause_create(actor=manager, title="交车前未复检", complaint_ids=str(complaint.pk))
    action = preventive_action_add(
        actor=manager,
        root_cause=cause,
        description="交车前复检签字",
        owner_id=manager.pk,
        due_date=timezone.localdate() + timedelta(days=7),
    )
    preventive_action_done(actor=manager, action=action, outcome="已执行")


def odd_values_event(customer) -> AuditEvent:
    """Values of every JSON type, as an entry written by code yet to come might hold them."""
    return AuditEvent(
        action="customer.update",
        object_type="customer",
        object_id=customer.pk,
        customer_id=customer.pk,
        changes={
            "filters": [{"grade": "A", "tags": ["VIP", None]}, {"nested": {"deep": [1, 2.5]}}],
            "notes": [None, None],
            "km": [0, 12345],
            "grade": [True, False],
            "tags": [[], [{"name": "VIP"}]],
            "not_a_pair": {"old": 1},
            "three": [1, 2, 3],
        },
    )
