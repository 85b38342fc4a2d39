"""A fixed cast for every test: one brand, two dealers (sh01, bj01), one account per role."""

import functools
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.utils import timezone, translation

from dealercare.core.models import ApiToken, Brand, Dealer, User
from dealercare.core.roles import Role
from dealercare.core.services import token_hash

PASSWORD = "dealercare-demo"


@dataclass
class Cast:
    brand: Brand
    dealer_a: Dealer
    dealer_b: Dealer
    staff_a: dict[str, User]
    staff_b: dict[str, User]
    oem: User


@functools.cache
def password_hash() -> str:
    """Hash the cast's password once: scrypt is slow on purpose, 19 times a test is too slow."""
    return make_password(PASSWORD)


def make_staff(dealer: Dealer, role: str) -> User:
    user = User(username=f"{role}@{dealer.code}", dealer=dealer, role=role, first_name=role)
    user.password = password_hash()
    user.save()
    return user


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A page requested in English leaves its language active in the thread (Django's
    LocaleMiddleware does not switch back); the next test starts in the default again."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _outbox_waits_for_dispatch(settings):
    """No background sending in tests: a test that wants messages sent dispatches them."""
    settings.OUTBOX_KICK = "off"


@pytest.fixture
def cast(db) -> Cast:
    brand = Brand.objects.create(code="xt", name="星途汽车")
    dealer_a = Dealer.objects.create(brand=brand, code="sh01", name="上海浦东星途4S店", city="上海")
    dealer_b = Dealer.objects.create(brand=brand, code="bj01", name="北京朝阳星途4S店", city="北京")
    dealer_roles = [r for r in Role.values if r != Role.OEM_ANALYST]
    oem = User.objects.create(
        username="oem@xt", brand=brand, role=Role.OEM_ANALYST, password=password_hash()
    )
    return Cast(
        brand=brand,
        dealer_a=dealer_a,
        dealer_b=dealer_b,
        staff_a={role: make_staff(dealer_a, role) for role in dealer_roles},
        staff_b={role: make_staff(dealer_b, role) for role in dealer_roles},
        oem=oem,
    )


@pytest.fixture
def advisor(cast) -> User:
    return cast.staff_a[Role.ADVISOR]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


class ApiClient:
    """A JSON client that sends a real bearer token, as an integrator would."""

    def __init__(self, user=None):
        self.client = Client()
        self.headers = {}
        if user is not None:
            raw = f"test-token-{user.pk}"
            ApiToken.objects.create(
                user=user, key_hash=token_hash(raw), expires_at=timezone.now() + timedelta(hours=1)
            )
            self.headers = {"Authorization": f"Bearer {raw}"}

    def _call(self, method, path, data=None, **kwargs):
        send = getattr(self.client, method)
        if data is not None and method != "get":
            kwargs.update(data=data, content_type="application/json")
        elif data is not None:
            kwargs["data"] = data
        return send(f"/api/v1{path}", headers=self.headers, **kwargs)

    def get(self, path, params=None):
        return self._call("get", path, params)

    def post(self, path, data=None):
        return self._call("post", path, data or {})

    def put(self, path, data):
        return self._call("put", path, data)

    def patch(self, path, data):
        return self._call("patch", path, data)

    def delete(self, path):
        return self._call("delete", path)


@pytest.fixture
def client_as():
    def login(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return login


@pytest.fixture
def api_as():
    return ApiClient
