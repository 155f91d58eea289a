"""Security headers and login throttling, through Django's test client; HTTPS settings of a
deployment, in a fresh process with DEBUG off.

The unit-test settings turn django-axes off (pyproject.toml: AXES_ENABLED=0) so that
``client.login()``, which passes no request to the backends, keeps working; the tests here
turn it back on. The browser tests (tests/browser/) check the same things in Chromium.
"""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

import factcheck.settings as project_settings

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
LOCKOUT_MESSAGE = "Too many failed log-in attempts. Try again in 15 minutes."
# django-csp does not keep the directives in a fixed order: compare them as a dict.
EXPECTED_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "connect-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
    "object-src": "'none'",
}


def csp(response) -> dict[str, str]:
    """The response's Content-Security-Policy as {directive: sources}."""
    header = response["Content-Security-Policy"]
    return dict(directive.strip().split(" ", 1) for directive in header.split(";"))


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Each login checks a password: the default hasher would spend ~0.2 s on each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True


@pytest.fixture
def rita(django_user_model):
    return django_user_model.objects.create_user("rita", password=PASSWORD)


def login_post(client, username: str, password: str, ip: str = "203.0.113.7", **headers):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip, **headers
    )


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- Content-Security-Policy ------------------------------------------------------------


def test_every_page_carries_a_policy_that_allows_only_the_sites_own_files(client):
    response = client.get(reverse("login"))
    assert csp(response) == EXPECTED_CSP
    assert "unsafe" not in response["Content-Security-Policy"]


def test_the_admin_carries_the_policy_too(admin_client):
    response = admin_client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert csp(response) == EXPECTED_CSP


# --- Login throttling -------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_username_out_even_with_the_right_password(
    client, rita, axes_on
):
    for _ in range(4):
        response = login_post(client, "rita", "wrong")
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.content.decode()
    response = login_post(client, "rita", "wrong")  # the 5th failure locks
    assert response.status_code == 429
    assert LOCKOUT_MESSAGE in response.content.decode()

    response = login_post(client, "rita", PASSWORD)
    assert response.status_code == 429
    html = response.content.decode()
    assert LOCKOUT_MESSAGE in html
    assert not is_logged_in(client)
    # The lockout page is a normal page of the site (base.html: stylesheet, title).
    assert "css/app.css" in html and "<title>Log-in locked" in html
    assert csp(response) == EXPECTED_CSP


def test_a_successful_login_resets_the_count_of_failures(client, rita, axes_on):
    for _ in range(4):
        assert login_post(client, "rita", "wrong").status_code == 200
    response = login_post(client, "rita", PASSWORD)
    assert response.status_code == 302 and is_logged_in(client)
    client.logout()

    # Four more failures do not lock: the count started again from zero.
    for _ in range(4):
        assert login_post(client, "rita", "wrong").status_code == 200
    assert login_post(client, "rita", PASSWORD).status_code == 302
    assert is_logged_in(client)


def test_the_lockout_is_per_username_and_address(client, rita, django_user_model, axes_on):
    django_user_model.objects.create_user("sam", password=PASSWORD)
    for _ in range(5):
        login_post(client, "rita", "wrong", ip="203.0.113.7")
    assert login_post(client, "rita", PASSWORD, ip="203.0.113.7").status_code == 429

    # The same user from another address, another user from the same address: not locked.
    assert login_post(client, "sam", PASSWORD, ip="203.0.113.7").status_code == 302
    client.logout()
    assert login_post(client, "rita", PASSWORD, ip="198.51.100.2").status_code == 302


def test_an_address_that_fails_for_ten_usernames_is_locked_out_for_every_username(
    client, rita, axes_on
):
    # Password spraying: a few guesses at many accounts stays under the per-pair limit.
    for n in range(9):
        assert login_post(client, f"user{n}", "Spring2025!").status_code == 200
    assert login_post(client, "user9", "Spring2025!").status_code == 429  # the 10th username
    response = login_post(client, "rita", PASSWORD)  # rita never failed
    assert response.status_code == 429
    assert LOCKOUT_MESSAGE in response.content.decode()
    assert not is_logged_in(client)

    # Another address is not locked, and the address's lockout ends after 15 minutes.
    assert login_post(client, "rita", PASSWORD, ip="198.51.100.2").status_code == 302
    client.logout()
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=15, seconds=1))
    assert login_post(client, "rita", PASSWORD).status_code == 302


def test_nine_usernames_failing_from_one_address_do_not_lock_it(client, rita, axes_on):
    for n in range(9):
        login_post(client, f"user{n}", "wrong")
    assert login_post(client, "rita", PASSWORD).status_code == 302


def test_one_person_failing_again_and_again_does_not_lock_their_colleagues_out(
    client, rita, django_user_model, axes_on
):
    # A newsroom behind one NAT address: only rita's pair is locked, however often she tries.
    django_user_model.objects.create_user("sam", password=PASSWORD)
    for _ in range(30):
        login_post(client, "rita", "wrong")
    assert login_post(client, "rita", PASSWORD).status_code == 429
    assert login_post(client, "sam", PASSWORD).status_code == 302


def test_the_lockout_ends_after_15_minutes(client, rita, axes_on):
    for _ in range(5):
        login_post(client, "rita", "wrong")
    assert login_post(client, "rita", PASSWORD).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=15, seconds=1)
    )
    assert login_post(client, "rita", PASSWORD).status_code == 302


def test_a_forged_forwarded_for_header_does_not_escape_the_lockout(client, rita, axes_on):
    # TRUSTED_PROXY_COUNT is 0 by default: X-Forwarded-For is ignored.
    for n in range(5):
        login_post(client, "rita", "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    response = login_post(client, "rita", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert response.status_code == 429


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (1, "198.51.100.9", "198.51.100.9"),
        (1, "10.9.9.9, 198.51.100.9", "198.51.100.9"),  # the client forged the first entry
        (2, "10.9.9.9, 198.51.100.9, 192.168.0.2", "198.51.100.9"),
        (2, "198.51.100.9", "203.0.113.7"),  # fewer entries than proxies: REMOTE_ADDR
        (1, "", "203.0.113.7"),
        (1, "not-an-address", "203.0.113.7"),
    ],
)
def test_behind_trusted_proxies_the_client_is_the_entry_the_outermost_proxy_added(
    monkeypatch, proxies, forwarded_for, expected
):
    monkeypatch.setattr(project_settings, "TRUSTED_PROXY_COUNT", proxies)
    request = RequestFactory().get(
        "/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR=forwarded_for
    )
    assert project_settings._client_ip_address(request) == expected


def test_behind_a_trusted_proxy_each_client_behind_it_is_locked_out_on_its_own(
    client, rita, axes_on, settings, monkeypatch
):
    monkeypatch.setattr(project_settings, "TRUSTED_PROXY_COUNT", 1)
    settings.AXES_CLIENT_IP_CALLABLE = project_settings._client_ip_address
    proxy = "10.0.0.5"
    for _ in range(5):
        login_post(client, "rita", "wrong", ip=proxy, HTTP_X_FORWARDED_FOR="198.51.100.9")
    locked = login_post(client, "rita", PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR="198.51.100.9")
    assert locked.status_code == 429
    assert AccessAttempt.objects.get().ip_address == "198.51.100.9"
    other = login_post(client, "rita", PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR="203.0.113.50")
    assert other.status_code == 302


def test_throttling_is_on_unless_the_environment_turns_it_off():
    env = {k: v for k, v in os.environ.items() if k not in {"AXES_ENABLED", "TRUSTED_PROXY_COUNT"}}
    code = (
        "import factcheck.settings as s; "
        "print(s.AXES_ENABLED, s.TRUSTED_PROXY_COUNT, hasattr(s, 'AXES_CLIENT_IP_CALLABLE'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "DEBUG": "1"},
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.split() == ["True", "0", "False"]


def test_client_login_still_works_in_unit_tests(client, rita):
    # Axes is off here; with it on, client.login() would need request=HttpRequest().
    assert client.login(username="rita", password=PASSWORD)


# --- HTTPS and deployment ---------------------------------------------------------------
# The settings module reads the environment once, at import: these run it in a fresh
# process with DEBUG off and nothing from this process's environment but PATH.

# The variables README's "Production" section exports (with a real-looking secret key).
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "k3Vq9x-" + "production-like-secret-for-the-deploy-check-" * 2,
    "ALLOWED_HOSTS": "factcheck.example.org",
    "DATABASE_URL": "postgres://factcheck@db/factcheck",
    "REDIS_URL": "redis://redis:6379/0",
    "BEHIND_TLS_PROXY": "1",
    "TRUSTED_PROXY_COUNT": "1",
}
# Runs a request through the whole middleware stack; the API answers 401 without touching
# the database or static files, so no server or collectstatic is needed.
REQUEST_CODE = """
import django
django.setup()
from django.test import Client
response = Client().get("/api/v1/claimreviews/", headers={"X-Forwarded-Proto": "https"})
hsts = response.get("Strict-Transport-Security", "-")
print(response.status_code, response.get("Location", "-"), hsts, sep="|")
"""


def run_deployed(args: list[str], **env: str) -> subprocess.CompletedProcess:
    """python ``args`` with the production variables, updated with ``env``."""
    return subprocess.run(
        [sys.executable, *args],
        env={
            "PATH": os.environ["PATH"],
            "DJANGO_SETTINGS_MODULE": "factcheck.settings",
            **PRODUCTION_ENV,
            **env,
        },
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_deploy_check_finds_nothing_with_the_readmes_production_variables():
    out = run_deployed(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert out.returncode == 0, out.stderr
    assert "System check identified no issues" in out.stdout, out.stdout + out.stderr


def test_a_forged_forwarded_proto_header_does_not_pass_plain_http_for_https():
    # No proxy in front: the client itself sent X-Forwarded-Proto.
    out = run_deployed(["-c", REQUEST_CODE], ALLOWED_HOSTS="testserver", BEHIND_TLS_PROXY="0")
    assert out.returncode == 0, out.stderr
    status, location, _ = out.stdout.strip().split("|")
    assert (status, location) == ("301", "https://testserver/api/v1/claimreviews/")


def test_behind_a_tls_proxy_its_forwarded_proto_header_marks_the_request_as_https():
    out = run_deployed(["-c", REQUEST_CODE], ALLOWED_HOSTS="testserver")
    assert out.returncode == 0, out.stderr
    status, location, hsts = out.stdout.strip().split("|")
    assert (status, location) == ("401", "-")  # not redirected: the partner API answers
    assert hsts == "max-age=31536000; includeSubDomains; preload"


def test_https_redirect_and_hsts_come_from_the_environment():
    code = (
        "import factcheck.settings as s; print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
        "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD)"
    )
    out = run_deployed(
        ["-c", code],
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="3600",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="false",
        SECURE_HSTS_PRELOAD="no",
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "3600", "False", "False"]


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SECURE_HSTS_SECONDS", "-1"),
        ("SECURE_HSTS_SECONDS", "1 year"),
        ("SECURE_SSL_REDIRECT", "maybe"),
        ("BEHIND_TLS_PROXY", "nginx"),
    ],
)
def test_a_malformed_https_variable_stops_start_up_naming_it(variable, value):
    out = run_deployed(["-c", "import factcheck.settings"], **{variable: value})
    assert out.returncode != 0
    assert f'Environment variable "{variable}" invalid' in out.stderr
