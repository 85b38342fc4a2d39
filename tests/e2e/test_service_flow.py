"""A car's visit from booking to follow-up, each step by its own member of staff: the
advisor books and receives the car and opens its order with one labour and one part line
and the customer's approval, the technician finishes the job on a phone, the inspector
passes it, the advisor hands the car over, and the follow-up visit waits for the agent."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from dealercare.core.roles import Role
from dealercare.customers.services import CustomerInput, customer_create
from dealercare.service.models import RepairOrder
from dealercare.service_demo import service_catalogue_load
from dealercare.vehicles.services import VehicleInput, vehicle_create

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def li_na_car(cast):
    advisor = cast.staff_a[Role.ADVISOR]
    customer = customer_create(
        actor=advisor,
        data=CustomerInput(name="李娜", phone="13987654321", preferred_channel="sms"),
    )
    service_catalogue_load(cast.dealer_a)
    return vehicle_create(
        actor=advisor,
        data=VehicleInput(
            vin="LSVAA4183E2184517",
            make="星途",
            model_name="瑶光",
            plate="沪A66881",
            owner_id=customer.pk,
            purchase_date=date(2023, 5, 1),
            current_km=31000,
        ),
    )


def the_order(car) -> RepairOrder:
    return RepairOrder.objects.get(vehicle=car)


def test_a_visit_from_booking_to_follow_up(
    page, browser, live_server, log_in, cast, li_na_car, artifacts
):
    url = live_server.url
    log_in(page, "advisor@sh01")

    # The advisor books the car for tomorrow morning: minor service, waiting.
    page.goto(f"{url}/service/appointments/new/")
    page.locator("[name=vehicle]").fill("沪A66881")
    page.locator("[name=day]").fill((date.today() + timedelta(days=1)).isoformat())
    page.locator("select[name=starts_at]").select_option("09:00")
    page.locator("[name=service_ids]").first.check()
    page.locator("[name=note]").fill("客户在店等候")
    page.screenshot(path=artifacts / "service-1-booking.png", full_page=True)
    page.locator("form.form button.primary[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/service/appointments/\d+/$"))
    page.screenshot(path=artifacts / "service-2-booked.png", full_page=True)

    # The car arrives: reception with the odometer and the walk-around check.
    page.goto(f"{url}/service/reception/new/?vehicle={li_na_car.pk}")
    page.locator("[name=km]").fill("31800")
    page.locator("[name=fault_description]").fill("保养到期，刹车有异响")
    page.locator("[name=confirmed_by]").fill("李娜")
    page.locator("[name=confirmation]").select_option("in_person")
    page.locator("select[name=technician_id]").select_option(str(cast.staff_a[Role.TECHNICIAN].pk))
    page.screenshot(path=artifacts / "service-3-reception.png", full_page=True)
    page.locator("form.form button.primary[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/service/orders/\d+/reception/$"))
    order = the_order(li_na_car)
    expect(page.locator("main")).to_contain_text(order.number)
    page.screenshot(path=artifacts / "service-4-received.png", full_page=True)

    # One labour and one part line, and the customer's yes to the estimate.
    order_lines_and_approval(cast, order)

    # The technician, on a phone, starts and finishes the job from their own list.
    technician = browser.new_page(viewport=PHONE, locale="zh-CN")
    log_in(technician, "technician@sh01")
    technician.goto(f"{url}/service/my-jobs/")
    technician.get_by_role("link", name=re.compile(order.number)).click()
    technician.locator("input[name=move][value=start] + button").click()
    expect(technician.locator("input[name=move][value=finish]")).to_have_count(1)
    technician.locator("input[name=move][value=finish] + button").click()
    technician.screenshot(path=artifacts / "service-5-technician-phone.png", full_page=True)
    order.refresh_from_db()
    assert order.status == RepairOrder.Status.QUALITY_CHECK
    assert technician.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # The inspector passes it, with the road test (a part was fitted).
    inspector = browser.new_page(locale="zh-CN")
    log_in(inspector, "inspector@sh01")
    inspector.goto(f"{url}/service/orders/{order.pk}/inspection/")
    inspector.locator("[name=result][value=pass]").check()
    inspector.locator("[name=road_test_done]").check()
    inspector.locator("[name=road_test_notes]").fill("路试5公里，制动正常，无异响")
    inspector.screenshot(path=artifacts / "service-6-inspection.png", full_page=True)
    inspector.locator("form.form button.primary[type=submit]").click()
    expect(inspector.locator("form.form button.primary[type=submit]")).to_have_count(0)
    order.refresh_from_db()
    assert order.status == RepairOrder.Status.READY

    # The advisor hands the car over: payment of exactly the amount due, the invoice.
    page.goto(f"{url}/service/orders/{order.pk}/delivery/")
    page.locator("[name=cleaning_done]").check()
    page.locator("[name=handed_over_to]").fill("李娜")
    page.locator("[name=payment_method]").select_option("wechat_pay")
    page.locator("[name=amount_paid]").fill(str(order.customer_total))
    page.locator("[name=invoice_number]").fill("26312000000012345678")
    page.locator("form.form button.primary[type=submit]").click()
    expect(page.locator("main")).to_contain_text("李娜")
    page.screenshot(path=artifacts / "service-7-delivered.png", full_page=True)
    order.refresh_from_db()
    assert order.status == RepairOrder.Status.DELIVERED

    # The follow-up visit is on the customer-service agent's list.
    agent = browser.new_page(locale="zh-CN")
    log_in(agent, "csr@sh01")
    agent.goto(f"{url}/service/follow-ups/")
    expect(agent.locator("main")).to_contain_text(order.number)
    agent.screenshot(path=artifacts / "service-8-follow-up.png", full_page=True)


def order_lines_and_approval(cast, order) -> None:
    """No page adds lines or records the approval yet: the services do it, as the
    order page will."""
    from dealercare.parts.models import Part
    from dealercare.service.models import ServiceOperation
    from dealercare.service.services.orders import (
        LineInput,
        repair_order_approve,
        repair_order_line_add,
    )

    advisor = cast.staff_a[Role.ADVISOR]
    operation = ServiceOperation.objects.get(dealer=cast.dealer_a, code="WX01")
    part = Part.objects.get(dealer=cast.dealer_a, part_number="XT-3501080")
    repair_order_line_add(
        actor=advisor, order=order, data=LineInput(kind="labour", operation_id=operation.pk)
    )
    repair_order_line_add(
        actor=advisor, order=order, data=LineInput(kind="part", part_id=part.pk, quantity=1)
    )
    order.refresh_from_db()
    repair_order_approve(actor=advisor, order=order, method="in_person", approved_by="李娜")
    order.refresh_from_db()
