"""The frame every page shares: menu by role, home, lockout page, formatting helpers."""

from datetime import date
from decimal import Decimal

from django.test import Client
from django.utils import translation

from dealercare.core.roles import Role
from dealercare.core.templatetags.dealercare import cny, day, km, long_day


def test_menu_shows_only_what_the_role_allows(cast, client_as):
    parts = client_as(cast.staff_a[Role.PARTS]).get("/").content.decode()
    assert 'href="/vehicles/"' in parts
    assert 'href="/customers/"' not in parts and 'href="/audit/"' not in parts
    csr = client_as(cast.staff_a[Role.CSR]).get("/").content.decode()
    assert 'href="/customers/"' in csr and 'href="/audit/"' in csr


def test_home_counts_the_dealers_records_and_works_without_a_dealer(
    cast, customer, vehicle, client_as
):
    home = client_as(cast.staff_a[Role.ADVISOR]).get("/")
    assert home.context["counts"]["customers"] == 1
    assert home.context["counts"]["vehicles"] == 1
    assert client_as(cast.staff_b[Role.ADVISOR]).get("/").context["counts"]["customers"] == 0
    oem = client_as(cast.oem).get("/")
    assert oem.status_code == 200 and oem.context["counts"] == {}


def test_repeated_bad_passwords_show_the_lockout_page(cast):
    client = Client()
    for _attempt in range(5):
        client.post("/login/", {"username": "advisor@sh01", "password": "wrong"})
    locked = client.post("/login/", {"username": "advisor@sh01", "password": "dealercare-demo"})
    assert locked.status_code == 429
    assert "登录已暂停" in locked.content.decode()


def test_login_then_logout(cast):
    client = Client()
    response = client.post("/login/", {"username": "advisor@sh01", "password": "dealercare-demo"})
    assert response["Location"] == "/"
    assert client.get("/logout/").status_code == 405
    assert client.post("/logout/")["Location"] == "/login/"
    assert client.get("/").status_code == 302


def test_formatting_filters():
    assert cny(Decimal("1234.5")) == "¥1,234.50"
    assert cny("-0.5") == "-¥0.50"
    assert cny(None) == ""
    assert km(12000) == "12,000 km"
    assert day(date(2026, 11, 25)) == "2026-11-25"
    with translation.override("zh-hans"):
        assert long_day(date(2026, 11, 25)) == "2026年11月25日"
    with translation.override("en"):
        assert long_day(date(2026, 11, 25)) == "25 Nov 2026"
