from axes.models import AccessFailureLog, AccessLog
from django.test import Client

from dealercare.core.models import ApiToken
from dealercare.core.roles import Role


def login(api_as, password):
    return api_as().post("/auth/token", {"username": "advisor@sh01", "password": password})


def token_login(username, password, address):
    """An API login from one client address."""
    return Client(REMOTE_ADDR=address).post(
        "/api/v1/auth/token",
        {"username": username, "password": password},
        content_type="application/json",
    )


def bearer(token):
    client = Client()
    return client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})


def test_five_bad_passwords_lock_the_account(cast, api_as):
    for _ in range(5):
        assert login(api_as, "guess").status_code in (401, 429)
    locked = login(api_as, "dealercare-demo")
    assert locked.status_code == 429 and locked.json()["code"] == "account_locked"


def test_lockout_wears_off_after_15_minutes(cast, api_as, time_machine):
    time_machine.move_to("2026-11-25 10:00 +08:00")
    for _ in range(5):
        login(api_as, "guess")
    time_machine.move_to("2026-11-25 10:16 +08:00")
    assert login(api_as, "dealercare-demo").status_code == 200


def test_page_login_locks_too_and_passwords_are_hashed(cast, client):
    user = cast.staff_a[Role.ADVISOR]
    assert user.password.startswith("scrypt$")
    for _ in range(5):
        client.post("/login/", {"username": user.username, "password": "guess"})
    response = client.post("/login/", {"username": user.username, "password": "dealercare-demo"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_wrong_or_expired_token_is_401(cast, api_as, time_machine):
    api = api_as(cast.staff_a[Role.ADVISOR])
    assert api.get("/customers").status_code == 200
    time_machine.move_to("2099-01-01")
    assert api.get("/customers").status_code == 401
    api.headers = {"Authorization": "Bearer nonsense"}
    assert api.get("/customers").status_code == 401


def test_session_cookie_is_secure_and_pages_need_csrf(cast, settings):
    from django.test import Client

    assert settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE
    assert settings.SESSION_COOKIE_HTTPONLY
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/login/", {"username": "advisor@sh01", "password": "dealercare-demo"})
    assert response.status_code == 403


def test_me_tells_who_the_token_belongs_to_in_one_query(cast, api_as, django_assert_num_queries):
    api = api_as(cast.staff_a[Role.ADVISOR])
    with django_assert_num_queries(1):  # the token lookup, nothing more
        me = api.get("/auth/me").json()
    assert me["username"] == "advisor@sh01"
    assert me["role"] == "advisor" and me["role_label"] == "服务顾问"
    assert me["dealer"] == {
        "id": cast.dealer_a.pk,
        "code": "sh01",
        "name": cast.dealer_a.name,
        "city": "上海",
    }
    assert "customer.view" in me["actions"] and "customer.delete" not in me["actions"]
    api.headers["Accept-Language"] = "en"
    assert api.get("/auth/me").json()["role_label"] == "Service advisor"


def test_me_for_the_brand_analyst_has_no_dealer(cast, api_as):
    me = api_as(cast.oem).get("/auth/me").json()
    assert me["dealer"] is None and me["actions"] == ["brand.aggregates"]


def test_a_revoked_token_stops_working_and_the_others_do_not(cast, api_as):
    advisor = cast.staff_a[Role.ADVISOR]
    first = login(api_as, "dealercare-demo").json()["token"]
    second = login(api_as, "dealercare-demo").json()["token"]
    api = api_as()
    api.headers = {"Authorization": f"Bearer {first}"}
    assert api.delete("/auth/token").status_code == 204
    assert api.get("/auth/me").status_code == 401
    assert api.delete("/auth/token").status_code == 401
    api.headers = {"Authorization": f"Bearer {second}"}
    assert api.get("/auth/me").json()["username"] == advisor.username


def test_a_password_change_ends_the_users_tokens_and_sessions(cast, client):
    advisor = cast.staff_a[Role.ADVISOR]
    token = token_login(advisor.username, "dealercare-demo", "10.0.0.7").json()["token"]
    other = token_login("csr@sh01", "dealercare-demo", "10.0.0.7").json()["token"]
    client.post("/login/", {"username": advisor.username, "password": "dealercare-demo"})
    assert bearer(token).status_code == 200 and client.get("/").status_code == 200
    advisor.set_password("a-new-passphrase-2026")
    advisor.save()
    assert bearer(token).status_code == 401
    assert client.get("/")["Location"].startswith("/login/")
    assert bearer(other).status_code == 200  # someone else's token stays
    fresh = token_login(advisor.username, "a-new-passphrase-2026", "10.0.0.7").json()["token"]
    assert bearer(fresh).status_code == 200


def test_deactivation_ends_the_users_tokens_and_sessions(cast, client):
    advisor = cast.staff_a[Role.ADVISOR]
    token = token_login(advisor.username, "dealercare-demo", "10.0.0.7").json()["token"]
    client.post("/login/", {"username": advisor.username, "password": "dealercare-demo"})
    advisor.is_active = False
    advisor.save(update_fields=["is_active"])
    assert not ApiToken.objects.filter(user=advisor).exists()
    assert bearer(token).status_code == 401
    assert client.get("/")["Location"].startswith("/login/")
    assert token_login(advisor.username, "dealercare-demo", "10.0.0.7").status_code == 401


def test_failures_from_one_address_do_not_lock_the_user_out_elsewhere(cast):
    for _ in range(8):
        assert token_login("advisor@sh01", "guess", "203.0.113.9").status_code in (401, 429)
    attacker = token_login("advisor@sh01", "dealercare-demo", "203.0.113.9")
    assert attacker.status_code == 429 and attacker.json()["code"] == "account_locked"
    assert token_login("advisor@sh01", "dealercare-demo", "10.0.0.7").status_code == 200


def test_password_spraying_from_one_address_is_throttled(cast, settings):
    usernames = [f"{role}@{dealer}" for dealer in ("sh01", "bj01") for role in Role.values[:6]]
    answers = [
        token_login(username, f"guess-{n}", "203.0.113.9").status_code
        for n in range(4)  # 4 per username: under each username's own limit of 5
        for username in usernames
    ]
    assert len(usernames) == 12 and len(answers) == 48
    limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
    assert set(answers[: limit - 1]) == {401} and set(answers[limit - 1 :]) == {429}
    assert token_login("advisor@sh01", "dealercare-demo", "203.0.113.9").status_code == 429
    assert token_login("advisor@sh01", "dealercare-demo", "10.0.0.7").status_code == 200


def test_every_token_issue_and_failure_is_recorded(cast):
    advisor = cast.staff_a[Role.ADVISOR]
    assert token_login(advisor.username, "guess", "10.0.0.7").status_code == 401
    assert token_login(advisor.username, "dealercare-demo", "10.0.0.8").status_code == 200
    failure = AccessFailureLog.objects.get()
    assert (failure.username, failure.ip_address) == (advisor.username, "10.0.0.7")
    assert failure.path_info == "/api/v1/auth/token"
    issued = AccessLog.objects.get()
    assert (issued.username, issued.ip_address) == (advisor.username, "10.0.0.8")
    assert issued.path_info == "/api/v1/auth/token"
    advisor.refresh_from_db()
    assert advisor.last_login is not None
