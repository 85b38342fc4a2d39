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
