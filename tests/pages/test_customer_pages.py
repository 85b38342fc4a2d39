import pytest
from django.test import Client

from dealercare.core.models import AuditEntry
from dealercare.core.roles import Role
from dealercare.customers.models import ConsentRecord, Customer
from dealercare.customers.services import CustomerInput, customer_create

FORM = {
    "name": "李娜",
    "phone": "139 0000 1111",
    "kind": "person",
    "source": "walk_in",
    "preferred_channel": "sms",
    "preferred_time": "any",
    "tags": "VIP，车主俱乐部",
}


def test_login_required_redirects(cast, customer):
    client = Client()
    for url in ["/", "/customers/", f"/customers/{customer.pk}/", "/vehicles/", "/audit/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/?next=")


def test_login_page_lists_demo_accounts_only_in_demo_mode(db, settings):
    settings.DEMO_MODE = True
    assert "advisor@sh01" in Client().get("/login/").content.decode()
    settings.DEMO_MODE = False
    assert "advisor@sh01" not in Client().get("/login/").content.decode()


def test_pages_speak_chinese_by_default_and_english_when_chosen(cast, client_as):
    client = client_as(cast.staff_a[Role.ADVISOR])
    assert "客户" in client.get("/customers/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/customers/"})
    assert "New customer" in client.get("/customers/").content.decode()


def test_list_search_by_plate_and_htmx_partial(cast, vehicle, client_as):
    client = client_as(cast.staff_a[Role.ADVISOR])
    page = client.get("/customers/", {"q": "沪A 12345"}).content.decode()
    assert "张伟" in page and "138****5678" in page and "13812345678" not in page
    partial = client.get("/customers/", {"q": "李"}, headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode() and "张伟" not in partial.content.decode()
    assert "HX-Request" in partial["Vary"]


def test_list_filters_and_bad_date_is_ignored(cast, customer, client_as):
    client = client_as(cast.staff_a[Role.ADVISOR])
    page = client.get("/customers/", {"grade": "A", "tag": "VIP"}).content.decode()
    assert "张伟" in page and '<span class="tag">VIP</span>' in page
    assert "张伟" not in client.get("/customers/", {"grade": "B"}).content.decode()
    assert client.get("/customers/", {"service_due_before": "garbage"}).status_code == 200


def test_detail_shows_the_profile_masked_with_its_tags(cast, customer, client_as):
    page = client_as(cast.staff_a[Role.ADVISOR]).get(f"/customers/{customer.pk}/")
    text = page.content.decode()
    assert "张伟" in text and "138****5678" in text and "13812345678" not in text
    assert '<span class="tag">VIP</span>' in text


def test_outsider_gets_404(cast, customer, client_as):
    outsider = client_as(cast.staff_b[Role.ADVISOR])
    for url in ["", "edit/", "merge/", "delete/"]:
        assert outsider.get(f"/customers/{customer.pk}/{url}").status_code == 404
    assert outsider.post(f"/customers/{customer.pk}/reveal/phone/").status_code == 404
    assert "张伟" not in outsider.get("/customers/", {"q": "张"}).content.decode()


@pytest.mark.parametrize(
    ("role", "url"),
    [
        (Role.PARTS, "/customers/"),
        (Role.PARTS, "/customers/{pk}/"),
        (Role.TECHNICIAN, "/customers/new/"),
        (Role.TECHNICIAN, "/customers/{pk}/edit/"),
        (Role.ADVISOR, "/customers/{pk}/delete/"),
        (Role.SALES, "/customers/{pk}/merge/"),
        (Role.PARTS, "/audit/"),
    ],
)
def test_role_without_the_right_gets_friendly_403(cast, customer, client_as, role, url):
    response = client_as(cast.staff_a[role]).get(url.format(pk=customer.pk))
    assert response.status_code == 403
    assert "不允许" in response.content.decode()


def test_reveal_needs_the_right_and_is_logged(cast, customer, client_as):
    technician = client_as(cast.staff_a[Role.TECHNICIAN])
    assert technician.post(f"/customers/{customer.pk}/reveal/phone/").status_code == 403
    advisor = client_as(cast.staff_a[Role.ADVISOR])
    response = advisor.post(f"/customers/{customer.pk}/reveal/phone/")
    assert "13812345678" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert AuditEntry.objects.filter(action="customer.reveal").count() == 1


def test_wrong_method_is_405(cast, customer, client_as):
    client = client_as(cast.staff_a[Role.ADVISOR])
    assert client.put("/customers/").status_code == 405
    assert client.get(f"/customers/{customer.pk}/reveal/phone/").status_code == 405
    assert client.get(f"/customers/{customer.pk}/consents/").status_code == 405
    assert client.delete(f"/customers/{customer.pk}/").status_code == 405


def test_create_shows_errors_under_the_fields_and_writes_nothing(cast, client_as):
    client = client_as(cast.staff_a[Role.ADVISOR])
    response = client.post("/customers/new/", FORM | {"phone": "12345", "id_number": "123"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "有效的大陆手机号" in page and "18 位" in page
    assert page.count('class="field has-error"') == 2
    assert not Customer.objects.exists()


def test_create_then_duplicate_offers_the_existing_customer(cast, customer, client_as):
    client = client_as(cast.staff_a[Role.ADVISOR])
    response = client.post("/customers/new/", FORM)
    assert response.status_code == 302
    created = Customer.objects.get(name="李娜")
    assert sorted(created.tags.values_list("name", flat=True)) == ["VIP", "车主俱乐部"]
    again = client.post("/customers/new/", FORM | {"phone": "13812345678"}).content.decode()
    assert f"/customers/{customer.pk}/" in again
    assert Customer.objects.count() == 2


def test_edit_reveals_for_the_form_saves_and_refuses_a_stale_version(cast, customer, client_as):
    client = client_as(cast.staff_a[Role.ADVISOR])
    form = client.get(f"/customers/{customer.pk}/edit/")
    assert 'value="13812345678"' in form.content.decode()
    assert "no-store" in form["Cache-Control"]
    values = FORM | {"name": "张伟", "phone": "13900001111", "version": customer.version}
    assert client.post(f"/customers/{customer.pk}/edit/", values).status_code == 302
    stale = client.post(f"/customers/{customer.pk}/edit/", values)
    assert "其他人" in stale.content.decode()
    entry = AuditEntry.objects.get(action="customer.update")
    assert entry.changes["phone"] == ["138****5678", "139****1111"]
    timeline = client.get(f"/customers/{customer.pk}/").content.decode()
    assert "138****5678" in timeline and "139****1111" in timeline


def test_edit_into_a_duplicate_offers_merge_to_those_allowed(cast, customer, client_as):
    other = customer_create(
        actor=cast.staff_a[Role.ADVISOR], data=CustomerInput(name="王芳", phone="13700002222")
    )
    values = FORM | {"name": "王芳", "phone": "13812345678", "version": other.version}
    advisor = client_as(cast.staff_a[Role.ADVISOR])
    page = advisor.post(f"/customers/{other.pk}/edit/", values).content.decode()
    assert f"/customers/{customer.pk}/merge/?duplicate={other.pk}" in page
    sales = client_as(cast.staff_a[Role.SALES])
    assert "/merge/" not in sales.post(f"/customers/{other.pk}/edit/", values).content.decode()


def test_merge_page_confirms_then_merges(cast, customer, client_as):
    other = customer_create(
        actor=cast.staff_a[Role.ADVISOR], data=CustomerInput(name="张伟", phone="13700002222")
    )
    client = client_as(cast.staff_a[Role.ADVISOR])
    search = client.get(f"/customers/{customer.pk}/merge/", {"q": "张"}).content.decode()
    assert f"?duplicate={other.pk}" in search and f"?duplicate={customer.pk}" not in search
    confirm = client.get(f"/customers/{customer.pk}/merge/", {"duplicate": other.pk})
    assert confirm.status_code == 200
    response = client.post(f"/customers/{customer.pk}/merge/", {"duplicate": other.pk})
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.merged_into_id == customer.pk
    assert client.get(f"/customers/{other.pk}/")["Location"] == f"/customers/{customer.pk}/"


def test_delete_is_confirmed_and_refused_while_vehicles_remain(cast, vehicle, client_as):
    manager = client_as(cast.staff_a[Role.MANAGER])
    refused = manager.post(f"/customers/{vehicle.owner_id}/delete/")
    assert "车辆" in refused.content.decode() and Customer.objects.exists()
    lonely = customer_create(
        actor=cast.staff_a[Role.ADVISOR], data=CustomerInput(name="赵敏", phone="13600003333")
    )
    assert manager.post(f"/customers/{lonely.pk}/delete/").status_code == 302
    assert not Customer.objects.filter(pk=lonely.pk).exists()


def test_consent_is_recorded_through_htmx(cast, customer, client_as):
    client = client_as(cast.staff_a[Role.CSR])
    response = client.post(
        f"/customers/{customer.pk}/consents/",
        {"channel": "wechat", "granted": "yes", "source": "paper"},
        headers={"HX-Request": "true"},
    )
    assert "<html" not in response.content.decode()
    assert ConsentRecord.objects.get().channel == "wechat"
    bad = client.post(
        f"/customers/{customer.pk}/consents/", {"channel": "fax"}, HTTP_HX_REQUEST="true"
    )
    assert 'class="field has-error"' in bad.content.decode()
    assert ConsentRecord.objects.count() == 1


def test_audit_log_is_scoped_to_the_dealer(cast, customer, client_as):
    mine = client_as(cast.staff_a[Role.CSR]).get("/audit/").content.decode()
    assert "张*" in mine
    theirs = client_as(cast.staff_b[Role.CSR]).get("/audit/").content.decode()
    assert "张*" not in theirs
