from django.core.management.base import BaseCommand
from django.db import transaction

from dealercare.core.models import Brand, Dealer, User
from dealercare.core.roles import Role
from dealercare.demo_data import dealer_fill

DEMO_PASSWORD = "dealercare-demo"
DEMO_DEALERS = [
    ("sh01", "上海浦东星途4S店", "上海"),
    ("bj01", "北京朝阳星途4S店", "北京"),
]
STAFF_NAMES = {
    Role.DEALER_ADMIN: "系统管理员",
    Role.MANAGER: "店总经理",
    Role.SALES: "销售顾问",
    Role.ADVISOR: "服务顾问",
    Role.TECHNICIAN: "维修技师",
    Role.INSPECTOR: "质检员",
    Role.PARTS: "配件专员",
    Role.CSR: "客服专员",
    Role.INSURANCE: "保险专员",
}


def demo_account(username: str, role: str, display: str, **scope) -> User:
    user, created = User.objects.get_or_create(
        username=username, defaults={"role": role, "first_name": display, **scope}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


class Command(BaseCommand):
    help = "Load the demo dealer group (once): a brand, two dealers, staff and customers."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=2000)
        parser.add_argument("--vehicles", type=int, default=2500)

    def handle(self, *args, customers, vehicles, **options):
        with transaction.atomic():
            brand, _created = Brand.objects.get_or_create(code="xt", defaults={"name": "星途汽车"})
            demo_account("oem@xt", Role.OEM_ANALYST, "品牌分析师", brand=brand)
        for seed, (code, name, city) in enumerate(DEMO_DEALERS, start=1):
            dealer, created = Dealer.objects.get_or_create(
                code=code, defaults={"brand": brand, "name": name, "city": city}
            )
            for role, display in STAFF_NAMES.items():
                demo_account(f"{role}@{code}", role, f"{display}（{code}）", dealer=dealer)
            if created:
                dealer_fill(dealer, customers=customers, vehicles=vehicles, seed=seed)
                self.stdout.write(f"{name}: {customers} customers, ~{vehicles} vehicles loaded")
            else:
                self.stdout.write(f"{name}: already loaded")
