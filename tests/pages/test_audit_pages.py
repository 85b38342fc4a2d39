import math

from dealercare.core.audit_vocabulary import VOCABULARY
from dealercare.core.models import AuditEntry
from dealercare.core.pagination import PAGE_SIZE
from dealercare.core.roles import Role
from dealercare.parts.services import part_update
from tests.audit_cases import write_every_kind_of_entry
from tests.core.test_audit_vocabulary import in_both_languages
from tests.parts.factories import new_part


def audit_pages(client, dealer) -> str:
    pages = math.ceil(AuditEntry.objects.filter(dealer=dealer).count() / PAGE_SIZE)
    html = []
    for number in range(1, pages + 1):
        response = client.get("/audit/", {"page": number})
        assert response.status_code == 200
        html.append(response.content.decode())
    return "".join(html)


def test_every_kind_of_entry_renders_on_the_audit_page_and_the_timeline(cast, client_as, api_as):
    person = write_every_kind_of_entry(cast)
    manager = cast.staff_a[Role.MANAGER]
    html = audit_pages(client_as(manager), cast.dealer_a)
    assert "grade: A" in html and "deep: 1、2.5" in html  # the export filter, structured values
    assert "12345" in html
    timeline = client_as(manager).get(f"/customers/{person.pk}/")
    assert timeline.status_code == 200
    assert "grade: A" in timeline.content.decode()
    assert api_as(manager).get(f"/customers/{person.pk}/timeline").status_code == 200


def test_every_action_written_shows_its_label_not_its_code(cast, client_as):
    write_every_kind_of_entry(cast)
    written = set(AuditEntry.objects.values_list("action", flat=True))
    assert written <= set(VOCABULARY.actions)
    html = audit_pages(client_as(cast.staff_a[Role.MANAGER]), cast.dealer_a)
    for action in written:
        assert action not in html
        assert str(in_both_languages(VOCABULARY.actions[action])[1]) in html


def test_a_field_is_labelled_by_its_own_object_not_by_a_name_elsewhere(cast, client_as):
    clerk = cast.staff_a[Role.PARTS]
    part = new_part(clerk)
    part_update(actor=clerk, part=part, changes={"name": "空气滤清器"}, version=part.version)
    admin = client_as(cast.staff_a[Role.DEALER_ADMIN])
    html = admin.get("/audit/").content.decode()
    assert "空气滤清器" in html and "名称" in html and "姓名" not in html
