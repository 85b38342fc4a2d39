from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from dealercare.core.models import ApiToken
from dealercare.core.services import token_hash


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

    def delete(self, path):
        return self._call("delete", path)


@pytest.fixture
def api_as():
    return ApiClient
