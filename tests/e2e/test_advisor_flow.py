"""An advisor finds a customer by plate, changes the mobile and sees the masked change."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from dealercare.core.roles import Role
from dealercare.customers.services import CustomerInput, customer_create
from dealercare.demo_data import dealer_fill
from dealercare.vehicles.services import VehicleInput, vehicle_create

pytestmark = pytest.mark.e2e


@pytest.fixture
def zhang_wei(cast):
    advisor = cast.staff_a[Role.ADVISOR]
    customer = customer_create(
        actor=advisor,
        data=CustomerInput(name="张伟", phone="13812345678", grade="A", tags=["VIP"]),
    )
    vehicle_create(
        actor=advisor,
        data=VehicleInput(
            vin="LSVAA4183E2184517",
            make="星途",
            model_name="瑶光",
            plate="沪A12345",
            owner_id=customer.pk,
            purchase_date=date(2024, 3, 1),
            current_km=12000,
        ),
    )
    return customer


def test_advisor_changes_a_mobile_found_by_plate(page, live_server, log_in, zhang_wei, artifacts):
    log_in(page, "advisor@sh01")
    page.get_by_role("link", name="客户", exact=True).click()
    page.get_by_role("searchbox", name="搜索客户").press_sequentially("沪A12345")
    results = page.locator("#results")
    expect(results).to_contain_text("共 1 位客户")
    expect(page).to_have_url(re.compile(r"/customers/\?s=[\w-]+$"))
    page.screenshot(path=artifacts / "advisor-1-search.png")

    results.get_by_role("link", name="张伟").click()
    expect(page.locator("h1")).to_contain_text("张伟")
    expect(page.locator(".facts").get_by_text("138****5678")).to_be_visible()
    page.get_by_role("link", name="编辑").click()
    phone = page.get_by_role("textbox", name="手机号", exact=True)
    expect(phone).to_have_value("13812345678")
    phone.fill("139 0000 1111")
    page.screenshot(path=artifacts / "advisor-2-edit.png", full_page=True)
    page.get_by_role("button", name="保存").click()

    expect(page.get_by_text("客户已保存。")).to_be_visible()
    change = page.locator(".timeline-entry", has_text="修改了客户")
    expect(change).to_contain_text("138****5678 → 139****1111")
    page.screenshot(path=artifacts / "advisor-3-detail.png", full_page=True)

    page.get_by_role("link", name="审计日志").click()
    expect(page.locator("tbody tr").first).to_contain_text("手机号 138****5678 → 139****1111")
    page.screenshot(path=artifacts / "advisor-4-audit.png", full_page=True)


def test_reveal_and_live_search_in_english(page, live_server, log_in, zhang_wei, artifacts):
    log_in(page, "csr@sh01")
    page.get_by_role("button", name="EN").click()
    page.get_by_role("link", name="Customers", exact=True).click()
    page.get_by_role("searchbox", name="Search customers").press_sequentially("138 1234 5678")
    expect(page.locator("#results")).to_contain_text("1 customer")
    expect(page).to_have_url(re.compile(r"/customers/\?s=[\w-]+$"))  # the mobile is in no URL
    page.locator("#results").get_by_role("link", name="张伟").click()
    page.get_by_role("button", name="Show").first.click()
    expect(page.locator(".revealed").first).to_have_text("13812345678")
    page.screenshot(path=artifacts / "csr-reveal-en.png", full_page=True)


def test_pages_with_demo_data(page, live_server, log_in, cast, artifacts):
    """The screenshot in the README: docs/screenshot-customers.png is a copy of this one."""
    dealer_fill(cast.dealer_a, customers=60, vehicles=75, seed=1)
    log_in(page, "advisor@sh01")
    page.get_by_role("link", name="客户", exact=True).click()
    expect(page.locator("#results tbody tr")).to_have_count(20)
    page.screenshot(path=artifacts / "customers.png")
    page.goto(f"{live_server.url}/")
    page.screenshot(path=artifacts / "home.png")
    page.get_by_role("link", name="车辆", exact=True).click()
    page.locator("#results tbody tr a").first.click()
    page.get_by_role("spinbutton", name="里程（公里）").fill("1")
    page.get_by_role("button", name="登记里程").click()
    expect(page.locator(".field-error")).to_contain_text("公里低于")
    page.screenshot(path=artifacts / "vehicle-mileage-refused.png", full_page=True)
