"""A customer named like a script tag is shown as text on every page, never run."""

import re

import pytest
from playwright.sync_api import expect

from dealercare.core.roles import Role
from dealercare.customers.services import CustomerInput, customer_create
from dealercare.vehicles.services import VehicleInput, vehicle_create

pytestmark = pytest.mark.e2e

HOSTILE = "<script>alert(1)</script>"
PLATE = "沪A54321"


@pytest.fixture
def hostile(cast):
    advisor = cast.staff_a[Role.ADVISOR]
    customer = customer_create(
        actor=advisor, data=CustomerInput(name=HOSTILE, phone="13812340000", tags=["VIP"])
    )
    vehicle = vehicle_create(
        actor=advisor,
        data=VehicleInput(
            vin="LSVAA4183E2184517",
            make="星途",
            model_name="瑶光",
            plate=PLATE,
            owner_id=customer.pk,
        ),
    )
    return customer, vehicle


def test_script_in_a_name_is_shown_not_run(page, live_server, log_in, hostile, artifacts):
    customer, vehicle = hostile
    dialogs = []

    def record(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    log_in(page, "advisor@sh01")
    expect(page.locator("h1")).to_be_visible()

    page.get_by_role("link", name="客户", exact=True).click()
    expect(page.locator("#results").get_by_text(HOSTILE, exact=True)).to_be_visible()
    page.get_by_role("searchbox", name="搜索客户").press_sequentially(PLATE)
    results = page.locator("#results")
    expect(results).to_contain_text("共 1 位客户")
    expect(page).to_have_url(re.compile(r"/customers/\?s=[\w-]+$"))
    expect(results.get_by_role("link", name=HOSTILE, exact=True)).to_be_visible()
    page.screenshot(path=artifacts / "escaping-1-search.png")

    results.get_by_role("link", name=HOSTILE, exact=True).click()
    page.wait_for_url(f"**/customers/{customer.pk}/")
    expect(page.locator("h1")).to_contain_text(HOSTILE)
    page.screenshot(path=artifacts / "escaping-2-detail.png", full_page=True)

    base = live_server.url
    for path in [
        f"/customers/{customer.pk}/edit/",
        "/vehicles/",
        f"/vehicles/{vehicle.pk}/",
        "/audit/",
        "/",
    ]:
        page.goto(base + path)
        expect(page.locator("h1").first).to_be_visible()
    page.goto(f"{base}/customers/{customer.pk}/edit/")
    expect(page.get_by_role("textbox", name="姓名")).to_have_value(HOSTILE)
    page.goto(f"{base}/vehicles/")
    expect(page.get_by_text(HOSTILE, exact=True).first).to_be_visible()
    page.goto(f"{base}/vehicles/{vehicle.pk}/")
    expect(page.get_by_text(HOSTILE, exact=True).first).to_be_visible()
    page.screenshot(path=artifacts / "escaping-3-vehicle.png", full_page=True)

    page.wait_for_timeout(200)  # give any injected script a moment to fire
    assert dialogs == []
