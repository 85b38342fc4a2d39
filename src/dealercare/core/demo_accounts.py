"""The demo's staff accounts: one per role and dealer, all with the same password.

Kept apart from the demo data loader so the login page can list them without importing
Faker and the apps' data.
"""

from dealercare.core.models import User
from dealercare.core.roles import Role

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
