from dealercare.core.roles import Role
from dealercare.demo_parts import parts_demo_fill
from dealercare.parts.models import StockMovement
from dealercare.parts.selectors import reorder_list
from dealercare.service.selectors.equipment import EquipmentFilters, equipment_list


def test_demo_store_has_parts_to_reorder_and_an_overdue_tester(cast):
    parts_demo_fill(cast.dealer_a)
    clerk, inspector = cast.staff_a[Role.PARTS], cast.staff_a[Role.INSPECTOR]
    assert 2 <= reorder_list(actor=clerk).count() <= 5
    assert StockMovement.objects.filter(rejected_quantity__gt=0).count() == 1
    overdue = equipment_list(actor=inspector, filters=EquipmentFilters(due="overdue"))
    assert [e.kind for e in overdue] == ["tester"]
