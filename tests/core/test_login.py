from dealercare.core.roles import Role


def login(api_as, password):
    return api_as().post("/auth/token", {"username": "advisor@sh01", "password": password})


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
