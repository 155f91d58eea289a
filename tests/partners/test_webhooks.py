"""Webhooks (annotations.partners.webhooks.*): signed deliveries of published, corrected and
withdrawn verdicts to a real HTTP receiver on 127.0.0.1, retries with backoff, the
give-up window, the SSRF guard, the broker-outage sweep, and the admin pages.

Celery is eager here: a task published by the code under test runs in-process. A retry is
published with an ETA that eager mode ignores, so the retried task runs at once and finds
the delivery not yet due (a no-op); the tests make a delivery due (next_attempt_at in the
past) and call the service again to play the next attempt.
"""

import hashlib
import hmac
import ipaddress
import json
import random
import re
import shutil
import socket
import ssl
import subprocess
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from annotations import admin as admin_module
from annotations.editorial.services import (
    verdict_approve,
    verdict_correction_start,
    verdict_withdraw,
)
from annotations.models import (
    Partner,
    PartnerToken,
    PublishedVerdict,
    Statement,
    WebhookAttempt,
    WebhookDelivery,
)
from annotations.partners.tokens import partner_token_create, partner_token_revoke
from annotations.partners.webhooks import deliveries, transport
from annotations.partners.webhooks.deliveries import (
    webhook_deliveries_requeue_stale,
    webhook_deliveries_retry,
    webhook_delivery_attempt,
)
from annotations.partners.webhooks.protocol import (
    webhook_body,
    webhook_retry_countdown,
    webhook_signature,
)
from annotations.partners.webhooks.transport import address_refusal, webhook_url_validate
from annotations.tasks import webhook_deliver
from tests.factories import (
    EditorFactory,
    PartnerFactory,
    PublishedVerdictFactory,
    ReviewerFactory,
    StatementFactory,
    SubmittedVerdictFactory,
)

pytestmark = pytest.mark.django_db
State = WebhookDelivery.State
SECRET = "partner-secret-for-tests"
# Nothing listens on port 1 of the loopback: connecting is refused at once.
DOWN_URL = "http://127.0.0.1:1/hook"


# --- A real HTTP receiver ---------------------------------------------------------------


class Receiver:
    """An HTTP server on 127.0.0.1 that records every request and answers with the next
    scripted (status, headers), or 200 when the script runs out."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.script: list[tuple[int, dict[str, str]]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append(
                    {
                        "path": self.path,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "body": body,
                    }
                )
                status, headers = receiver.script.pop(0) if receiver.script else (200, {})
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/hooks/factcheck"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def respond(self, *statuses: int | tuple[int, dict[str, str]]) -> None:
        self.script.extend(s if isinstance(s, tuple) else (s, {}) for s in statuses)

    def events(self) -> list[str]:
        return [r["headers"]["x-webhook-event"] for r in self.requests]


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True  # the receiver is on the loopback
    server = Receiver()
    server.thread.start()
    try:
        yield server
    finally:
        server.server.shutdown()
        server.server.server_close()


@pytest.fixture
def no_private(settings):
    settings.WEBHOOK_ALLOW_PRIVATE = False


def partner_with(url: str, *, name: str = "Newsroom", **fields) -> Partner:
    return PartnerFactory(name=name, webhook_url=url, webhook_secret=SECRET, **fields)


# --- Publishing, with on_commit callbacks run ----------------------------------------------


@pytest.fixture
def publish_committed(django_capture_on_commit_callbacks):
    """PublishedVerdictFactory, then the approval's on-commit callbacks run as when its
    request commits: webhooks_enqueue publishes the deliveries (eager Celery sends them)."""

    def publish(**kwargs) -> PublishedVerdict:
        with django_capture_on_commit_callbacks(execute=True):
            return PublishedVerdictFactory(**kwargs)

    return publish


def verify(request: dict, secret: str = SECRET) -> bool:
    """What a partner does: HMAC of the raw body, compared in constant time."""
    expected = "sha256=" + hmac.new(secret.encode(), request["body"], hashlib.sha256).hexdigest()
    return hmac.compare_digest(request["headers"]["x-signature"], expected)


def make_due(delivery: WebhookDelivery) -> None:
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


# --- Delivery ---------------------------------------------------------------------------


def test_approving_a_verdict_delivers_a_signed_claimreview(receiver, publish_committed):
    partner = partner_with(receiver.url)
    before = int(time.time())
    published = publish_committed(
        statement=StatementFactory(speaker="The minister"), rating="mostly_true"
    )

    [request] = receiver.requests
    headers = request["headers"]
    delivery = WebhookDelivery.objects.get()
    assert request["path"] == "/hooks/factcheck"
    assert verify(request)
    assert not verify(request, secret="another-secret")
    assert headers["content-type"] == "application/json"
    assert headers["x-webhook-event"] == "published"
    assert headers["x-delivery-id"] == str(delivery.delivery_id)
    assert headers["x-webhook-attempt"] == "1"
    assert before <= int(headers["x-webhook-timestamp"]) <= time.time() + 1
    assert headers["user-agent"].startswith("FactcheckWebhooks/")
    # The body is the ClaimReview itself, exactly the stored payload's canonical bytes.
    body = json.loads(request["body"])
    assert body["@type"] == "ClaimReview"
    assert body["claimReviewed"] == published.statement.text
    assert body["reviewRating"]["alternateName"] == "Mostly true"
    assert body["url"].endswith(f"/verdicts/{published.pk}/")
    assert body["itemReviewed"]["author"]["name"] == "The minister"
    assert request["body"] == webhook_body(delivery.payload)

    assert (delivery.partner, delivery.event, delivery.state) == (partner, "published", "delivered")
    assert delivery.attempts == 1 and delivery.delivered_at and delivery.next_attempt_at is None
    [attempt] = delivery.tries.all()
    assert (attempt.status, attempt.error) == (200, "")


def test_a_correction_sends_corrected_with_a_new_date_modified(receiver, publish_committed):
    partner_with(receiver.url)
    rita = ReviewerFactory()
    published = publish_committed(reviewer=rita, rating="mostly_true")
    verdict_correction_start(statement_id=published.statement_id, user=rita)
    publish_committed(
        statement=Statement.objects.get(pk=published.statement_id),
        reviewer=rita,
        rating="false",
        explanation="Corrected: the figure was revised.",
    )

    assert receiver.events() == ["published", "corrected"]
    first, second = (json.loads(r["body"]) for r in receiver.requests)
    assert second["dateModified"] > first["dateModified"]
    assert second["datePublished"] == first["datePublished"]
    assert second["reviewRating"]["alternateName"] == "False"
    assert second["correction"]["@type"] == "CorrectionComment"
    assert all(verify(r) for r in receiver.requests)


def test_a_withdrawal_sends_a_tombstone(
    receiver, publish_committed, django_capture_on_commit_callbacks
):
    partner_with(receiver.url)
    published = publish_committed()
    with django_capture_on_commit_callbacks(execute=True):
        verdict_withdraw(
            statement_id=published.statement_id, user=EditorFactory(), reason="Source retracted."
        )

    assert receiver.events() == ["published", "withdrawn"]
    tombstone = json.loads(receiver.requests[1]["body"])
    assert tombstone["withdrawn"] is True
    assert tombstone["id"] == published.pk
    assert tombstone["withdrawnAt"] and tombstone["url"].endswith(f"/verdicts/{published.pk}/")
    assert "claimReviewed" not in tombstone
    assert verify(receiver.requests[1])


def test_inactive_partners_and_partners_without_a_url_get_nothing(receiver, publish_committed):
    partner_with(receiver.url, name="Lapsed", is_active=False)
    PartnerFactory(name="Puller only", webhook_secret=SECRET)
    publish_committed()
    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists()


def test_a_500_then_a_200_is_two_attempts_and_delivered(receiver, publish_committed):
    partner_with(receiver.url)
    receiver.respond((500, {"Retry-After": "45"}))
    publish_committed()

    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("pending", 1, 500)
    # The scheduled retry (run at once by eager Celery) found it not due: one request so far.
    assert len(receiver.requests) == 1
    wait = (delivery.next_attempt_at - delivery.tries.get().at).total_seconds()
    assert 44 <= wait <= 46  # Retry-After beats the first 24-30 s backoff

    make_due(delivery)
    delivery = webhook_delivery_attempt(delivery_id=delivery.pk)
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("delivered", 2, 200)
    assert list(delivery.tries.values_list("status", flat=True)) == [500, 200]
    first, second = receiver.requests
    # Same delivery id, same bytes, same signature: the partner can dedupe.
    for header in ("x-delivery-id", "x-signature"):
        assert first["headers"][header] == second["headers"][header]
    assert first["body"] == second["body"]
    assert second["headers"]["x-webhook-attempt"] == "2"


def test_a_receiver_that_is_down_is_retried_with_growing_waits_then_given_up(
    settings, publish_committed
):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    partner_with(DOWN_URL)
    publish_committed()
    delivery = WebhookDelivery.objects.get()

    waits = []
    for attempt in range(1, 5):
        if attempt > 1:
            make_due(delivery)
            delivery = webhook_delivery_attempt(delivery_id=delivery.pk)
        assert (delivery.state, delivery.attempts) == ("pending", attempt)
        assert "ConnectError" in delivery.last_error and delivery.last_status is None
        last = delivery.tries.order_by("-at", "-pk").first()
        waits.append((delivery.next_attempt_at - last.at).total_seconds())
    assert waits == sorted(waits) and len(set(waits)) == 4
    assert 23 <= waits[0] <= 31 and 190 <= waits[3] <= 241

    # A day after the event, the next failure is the last.
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        created_at=timezone.now() - timedelta(seconds=settings.WEBHOOK_RETRY_FOR_SECONDS + 1)
    )
    make_due(delivery)
    delivery = webhook_delivery_attempt(delivery_id=delivery.pk)
    assert delivery.state == "failed" and delivery.next_attempt_at is None
    assert delivery.last_error.startswith("gave up after 5 attempts: ConnectError")
    assert delivery.tries.count() == 5


def test_the_retry_window_ends_on_the_deadline_not_past_it(settings, publish_committed):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    partner_with(DOWN_URL)
    publish_committed()
    delivery = WebhookDelivery.objects.get()
    deadline = timezone.now() + timedelta(seconds=5)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        created_at=deadline - timedelta(seconds=settings.WEBHOOK_RETRY_FOR_SECONDS)
    )
    make_due(delivery)
    delivery = webhook_delivery_attempt(delivery_id=delivery.pk)
    assert delivery.state == "pending"
    assert abs((delivery.next_attempt_at - deadline).total_seconds()) < 0.01


def test_the_task_schedules_the_retry_without_sleeping_or_looping(
    settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    partner_with(DOWN_URL)
    verdict = SubmittedVerdictFactory()
    started = time.monotonic()
    # webhooks_enqueue → webhook_deliver → a failed attempt → a retry task
    with django_capture_on_commit_callbacks(execute=True):
        verdict_approve(
            statement_id=verdict.statement_id, user=EditorFactory(), base_version=verdict.version
        )
    assert time.monotonic() - started < 5
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts) == ("pending", 1)
    assert delivery.next_attempt_at > timezone.now() + timedelta(seconds=20)


def test_a_delivered_delivery_run_again_is_a_no_op(receiver, publish_committed):
    partner_with(receiver.url)
    publish_committed()
    delivery = WebhookDelivery.objects.get()
    webhook_deliver.delay(delivery.pk)
    make_due(delivery)  # even made "due", a delivered delivery is never sent again
    assert webhook_delivery_attempt(delivery_id=delivery.pk) is None
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, len(receiver.requests)) == ("delivered", 1, 1)
    assert WebhookAttempt.objects.count() == 1


def test_a_partner_that_is_down_does_not_stop_another_partners_delivery(
    receiver, publish_committed
):
    partner_with(DOWN_URL, name="Down desk")
    partner_with(receiver.url, name="Up desk")
    publish_committed()
    states = dict(WebhookDelivery.objects.values_list("partner__name", "state"))
    assert states == {"Down desk": "pending", "Up desk": "delivered"}
    assert len(receiver.requests) == 1


@pytest.mark.parametrize(
    ("status", "state"),
    [(404, "failed"), (410, "failed"), (302, "failed"), (429, "pending"), (408, "pending")],
)
def test_4xx_and_redirects_are_permanent_except_408_and_429(
    receiver, publish_committed, status, state
):
    partner_with(receiver.url)
    receiver.respond((status, {"Location": "http://169.254.169.254/"} if status == 302 else {}))
    publish_committed()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.last_status, delivery.attempts) == (state, status, 1)
    if status == 302:
        assert "redirects are not followed" in delivery.last_error
    assert len(receiver.requests) == 1  # the redirect was not followed


def test_a_partner_without_a_secret_fails_visibly_instead_of_sending_unsigned(
    receiver, publish_committed
):
    PartnerFactory(name="No secret", webhook_url=receiver.url)
    publish_committed()
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == "failed" and "no webhook secret" in delivery.last_error
    assert receiver.requests == []


def test_a_partner_deactivated_before_the_retry_gets_nothing_more(receiver, publish_committed):
    partner = partner_with(receiver.url)
    receiver.respond(503)
    publish_committed()
    Partner.objects.filter(pk=partner.pk).update(is_active=False)
    delivery = WebhookDelivery.objects.get()
    make_due(delivery)
    delivery = webhook_delivery_attempt(delivery_id=delivery.pk)
    assert (delivery.state, delivery.last_error) == ("failed", "partner is inactive")
    assert len(receiver.requests) == 1


# --- Broker outage and the sweep -------------------------------------------------------


def test_a_broker_outage_loses_no_delivery_the_sweep_sends_it(
    receiver, publish_committed, broker_down
):
    partner_with(receiver.url)
    publish_committed()  # the approval commits; publishing the task fails fast
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts) == ("pending", 0)
    assert "broker unavailable" in delivery.last_error
    assert receiver.requests == []

    # Not yet stale: the sweep leaves it (its message may still be on its way).
    assert webhook_deliveries_requeue_stale() == 0
    later = timezone.now() + timedelta(seconds=deliveries.STALE_SECONDS + 1)
    assert webhook_deliveries_requeue_stale(now=later) == 0  # the broker is still down
    delivery.refresh_from_db()
    assert delivery.state == "pending"


def sweep_by_command() -> int:
    out = StringIO()
    call_command("sweep_webhook_deliveries", stdout=out)
    match = re.fullmatch(r"Re-enqueued (\d+) webhook delivery\(ies\)\.\n", out.getvalue())
    assert match, out.getvalue()
    return int(match[1])


# The cron command does what the periodic task does (celery beat may not be running).
@pytest.mark.parametrize(
    "sweep", [webhook_deliveries_requeue_stale, sweep_by_command], ids=["task", "command"]
)
def test_the_sweep_publishes_stale_pending_deliveries(
    receiver, publish_committed, celery_eager, sweep
):
    partner_with(receiver.url)
    receiver.respond(500)
    publish_committed()
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == "pending"
    assert sweep() == 0  # due in ~30 s: not stale
    # The retry message was lost: long past due, the sweep publishes it again.
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=deliveries.STALE_SECONDS + 1)
    )
    assert sweep() == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, len(receiver.requests)) == ("delivered", 2, 2)


def test_admin_retry_sends_a_failed_delivery_again_to_the_current_url(
    receiver, publish_committed, django_capture_on_commit_callbacks
):
    partner = partner_with(receiver.url)
    receiver.respond(404)  # permanent: failed at once
    publish_committed()
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == "failed"
    # The partner fixes its endpoint; the operator retries the failed delivery.
    Partner.objects.filter(pk=partner.pk).update(webhook_url=receiver.url + "/v2")
    with django_capture_on_commit_callbacks(execute=True):
        assert webhook_deliveries_retry(delivery_ids=[delivery.pk]) == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("delivered", 2)
    assert receiver.requests[-1]["path"] == "/hooks/factcheck/v2"
    assert webhook_deliveries_retry(delivery_ids=[delivery.pk]) == 0  # only failed ones


# --- SSRF guard -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("http://127.0.0.1:9/", "refused: 127.0.0.1 is a loopback address"),
        ("http://10.0.0.5/", "refused: 10.0.0.5 is a private address"),
        ("http://169.254.169.254/latest/", "refused: 169.254.169.254 is a link-local address"),
        ("http://[::1]/", "refused: ::1 is a loopback address"),
        ("http://[::ffff:10.0.0.5]/", "is a private address"),
        ("http://0.0.0.0/", "refused: 0.0.0.0 is an unspecified address"),
        ("http://224.0.0.1/", "refused: 224.0.0.1 is a multicast address"),
        ("http://localhost:{port}/", "refused: localhost resolves to "),
        ("http://[fe80::1]/", "refused: fe80::1 is a link-local address"),
        ("ftp://partner.example/", "refused: only http and https URLs are allowed"),
        ("http://user:pw@partner.example/", "must not contain a user name or password"),
    ],
)
def test_private_targets_are_refused_permanently(receiver, settings, publish_committed, url, error):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    partner_with(url.format(port=receiver.port))
    publish_committed()
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == "failed" and delivery.attempts == 1
    assert error in delivery.last_error
    assert delivery.tries.get().error == delivery.last_error
    assert receiver.requests == []  # localhost had a live server: still nothing was sent


@pytest.fixture
def fake_dns(monkeypatch):
    """Answers for made-up names; every other name goes to the real resolver. Counts the
    lookups of the made-up names."""
    answers: dict[str, list[str]] = {}
    lookups: list[str] = []
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in answers:
            return real(host, port, *args, **kwargs)
        lookups.append(host)
        return [
            (
                socket.AF_INET6 if ":" in ip else socket.AF_INET,
                socket.SOCK_STREAM,
                6,
                "",
                (ip, port, 0, 0) if ":" in ip else (ip, port),
            )
            for ip in answers[host]
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers, lookups


def test_every_resolved_address_is_checked(no_private, publish_committed, fake_dns):
    answers, _ = fake_dns
    answers["partner.test"] = ["93.184.216.34", "10.0.0.5"]
    partner_with("https://partner.test/hook")
    publish_committed()
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == "failed"
    assert delivery.last_error == "refused: partner.test resolves to 10.0.0.5, a private address"


def test_the_connection_goes_to_the_checked_address_with_the_original_host(
    receiver, publish_committed, fake_dns
):
    # partner.test exists only in the fake resolver, consulted once: had httpx looked the
    # name up again (a DNS rebind window) the request would have failed.
    answers, lookups = fake_dns
    answers["partner.test"] = ["127.0.0.1"]
    partner_with(f"http://partner.test:{receiver.port}/hooks/factcheck")
    publish_committed()
    assert WebhookDelivery.objects.get().state == "delivered"
    [request] = receiver.requests
    assert request["headers"]["host"] == f"partner.test:{receiver.port}"
    assert lookups == ["partner.test"]


@pytest.fixture
def tls_receiver(receiver, tmp_path, monkeypatch):
    """The receiver behind TLS, with a certificate for partner.test only, trusted by the
    webhook client; records the SNI name each handshake asked for."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-keyout", str(key), "-out", str(cert), "-subj", "/CN=partner.test"),
            *("-addext", "subjectAltName=DNS:partner.test"),
        ],
        check=True,
        capture_output=True,
    )
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert, key)
    receiver.sni_names = []
    server_context.sni_callback = lambda sock, name, ctx: receiver.sni_names.append(name)
    receiver.server.socket = server_context.wrap_socket(receiver.server.socket, server_side=True)
    monkeypatch.setattr(transport, "TLS_VERIFY", ssl.create_default_context(cafile=str(cert)))
    return receiver


def test_https_is_pinned_too_sni_and_certificate_check_use_the_name(
    tls_receiver, publish_committed, fake_dns
):
    answers, lookups = fake_dns
    answers["partner.test"] = answers["impostor.test"] = ["127.0.0.1"]
    partner_with(f"https://partner.test:{tls_receiver.port}/hook", name="Right name")
    partner_with(f"https://impostor.test:{tls_receiver.port}/hook", name="Wrong name")
    publish_committed()
    states = dict(WebhookDelivery.objects.values_list("partner__name", "state"))
    assert states == {"Right name": "delivered", "Wrong name": "pending"}
    assert (
        "certificate verify failed"
        in WebhookDelivery.objects.get(partner__name="Wrong name").last_error
    )
    [request] = tls_receiver.requests
    assert request["headers"]["host"] == f"partner.test:{tls_receiver.port}"
    assert tls_receiver.sni_names == ["partner.test", "impostor.test"]
    assert sorted(lookups) == ["impostor.test", "partner.test"]


def test_a_name_that_does_not_resolve_is_retried(settings, publish_committed):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    partner_with("https://no-such-host.invalid/hook")
    publish_committed()
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == "pending" and "DNS lookup of no-such-host.invalid failed" in (
        delivery.last_error
    )


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "a loopback address"),
        ("10.0.0.5", "a private address"),
        ("172.16.3.4", "a private address"),
        ("192.168.1.1", "a private address"),
        ("169.254.169.254", "a link-local address"),
        ("0.0.0.0", "an unspecified address"),
        ("224.0.0.251", "a multicast address"),
        ("240.0.0.1", "a reserved address"),
        ("100.64.0.1", "not a public address"),
        ("::1", "a loopback address"),
        ("::", "an unspecified address"),
        ("fe80::1", "a link-local address"),
        ("fc00::1", "a private address"),
        ("ff02::1", "a multicast address"),
        ("::ffff:127.0.0.1", "a loopback address"),
        ("::ffff:169.254.169.254", "a link-local address"),
        ("2002:0a00:0005::1", "a private address"),  # 6to4 of 10.0.0.5
        ("64:ff9b::a00:5", "a private address"),  # NAT64 of 10.0.0.5
        ("93.184.216.34", None),
        ("2606:4700:4700::1111", None),
        ("::ffff:93.184.216.34", None),
        ("64:ff9b::5db8:d822", None),  # NAT64 of a public address
    ],
)
def test_address_policy(address, reason):
    assert address_refusal(ipaddress.ip_address(address)) == reason


def test_webhook_url_validation(settings):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    webhook_url_validate(url="https://partner.example/hooks?x=1")
    webhook_url_validate(url="http://93.184.216.34:8080/hook")
    for url, message in [
        ("ftp://partner.example/", "Only http and https"),
        ("https:///nohost", "no host"),
        ("http://10.0.0.5/hook", "10.0.0.5 is a private address"),
        ("http://[::1]:8000/", "::1 is a loopback address"),
        ("http://localhost:8000/", "localhost is a loopback address"),
        ("http://api.localhost/", "loopback"),
        ("https://me:secret@partner.example/", "user name or password"),
    ]:
        with pytest.raises(ValidationError, match=message):
            webhook_url_validate(url=url)
    settings.WEBHOOK_ALLOW_PRIVATE = True
    webhook_url_validate(url="http://10.0.0.5/hook")


# --- Pure parts -------------------------------------------------------------------------


def test_retry_countdown_doubles_from_30_s_to_an_hour_with_downward_jitter():
    lowest = [webhook_retry_countdown(attempt=n, rng=_Fixed(1.0)) for n in range(1, 10)]
    highest = [webhook_retry_countdown(attempt=n, rng=_Fixed(0.0)) for n in range(1, 10)]
    assert highest == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert lowest == [h * 0.8 for h in highest]
    rng = random.Random(5)
    for n in range(1, 40):
        wait = webhook_retry_countdown(attempt=n, rng=rng)
        assert 0.8 * min(3600, 30 * 2 ** (n - 1)) <= wait <= min(3600, 30 * 2 ** (n - 1))
    # Growing even with the worst jitter: 0.8 × 2 > 1.
    assert all(a < b for a, b in zip(highest[:7], lowest[1:8], strict=True))
    assert webhook_retry_countdown(attempt=10**6) <= 3600


def test_retry_countdown_honours_retry_after_within_the_cap():
    assert webhook_retry_countdown(attempt=1, retry_after=300, rng=_Fixed(0.0)) == 300
    assert webhook_retry_countdown(attempt=1, retry_after=5, rng=_Fixed(0.0)) == 30
    assert webhook_retry_countdown(attempt=1, retry_after=86400, rng=_Fixed(0.0)) == 3600


def test_the_body_is_canonical_json_and_the_signature_is_an_hmac_of_it():
    payload = {"b": [1, "é"], "a": {"y": None, "x": True}}
    body = webhook_body(payload)
    assert body == '{"a":{"x":true,"y":null},"b":[1,"é"]}'.encode()
    assert webhook_body(json.loads(body)) == body
    expected = hmac.new(b"k", body, hashlib.sha256).hexdigest()
    assert webhook_signature(secret="k", body=body) == f"sha256={expected}"


class _Fixed(random.Random):
    def __init__(self, value: float) -> None:
        super().__init__()
        self.value = value

    def random(self) -> float:
        return self.value


# --- Admin ------------------------------------------------------------------------------


def test_admin_lists_tokens_by_prefix_and_revokes_them(admin_client, monkeypatch):
    # The admin revokes through the service, like `partner_token --revoke`.
    calls = []
    monkeypatch.setattr(
        admin_module,
        "partner_token_revoke",
        lambda **kwargs: calls.append(kwargs) or partner_token_revoke(**kwargs),
    )
    new = partner_token_create(name="Wire service")
    other = partner_token_create(name="Wire service")
    changelist = reverse("admin:annotations_partnertoken_changelist")
    page = admin_client.get(changelist).content.decode()
    assert new.token.prefix in page and new.token.digest not in page
    assert new.secret not in page
    page = admin_client.get(
        reverse("admin:annotations_partnertoken_change", args=[new.token.pk])
    ).content.decode()
    assert new.token.digest not in page
    response = admin_client.post(
        changelist,
        {"action": "revoke_tokens", "_selected_action": [new.token.pk]},
        follow=True,
    )
    assert "Revoked 1 token(s)." in response.content.decode()
    assert [list(call["token_ids"]) for call in calls] == [[new.token.pk]]
    assert PartnerToken.objects.get(pk=new.token.pk).revoked_at is not None
    assert PartnerToken.objects.get(pk=other.token.pk).revoked_at is None
    assert admin_client.get(reverse("admin:annotations_partnertoken_add")).status_code == 403
    partner_page = admin_client.get(
        reverse("admin:annotations_partner_change", args=[new.partner.pk])
    ).content.decode()
    assert other.token.prefix in partner_page and other.token.digest not in partner_page


def _partner_form(**fields) -> dict:
    return {
        "name": "Fact desk",
        "is_active": "on",
        "rate_per_minute": "120",
        "webhook_url": "",
        "webhook_secret": "",
        "tokens-TOTAL_FORMS": "0",
        "tokens-INITIAL_FORMS": "0",
        **fields,
    }


def test_admin_partner_form_validates_the_webhook_url_and_makes_a_secret(admin_client, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    add = reverse("admin:annotations_partner_add")
    response = admin_client.post(add, _partner_form(webhook_url="http://169.254.169.254/"))
    assert response.status_code == 200
    assert "169.254.169.254 is a link-local address" in response.content.decode()
    assert not Partner.objects.exists()

    response = admin_client.post(add, _partner_form(webhook_url="https://partner.example/hook"))
    assert response.status_code == 302
    partner = Partner.objects.get()
    assert partner.webhook_url == "https://partner.example/hook"
    assert len(partner.webhook_secret) >= 32


def test_admin_shows_a_delivery_with_its_attempts(admin_client, receiver, publish_committed):
    partner_with(receiver.url)
    receiver.respond(502)
    publish_committed()
    delivery = WebhookDelivery.objects.get()
    page = admin_client.get(
        reverse("admin:annotations_webhookdelivery_change", args=[delivery.pk])
    ).content.decode()
    assert str(delivery.delivery_id) in page and "HTTP 502" in page
    assert "claimReviewed" in page
    changelist = admin_client.get(reverse("admin:annotations_webhookdelivery_changelist"))
    assert changelist.status_code == 200


def test_deliveries_are_written_with_the_approval_and_sent_only_after_its_commit(
    receiver, django_capture_on_commit_callbacks
):
    partner_with(receiver.url)
    verdict = SubmittedVerdictFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        verdict_approve(
            statement_id=verdict.statement_id, user=EditorFactory(), base_version=verdict.version
        )
        # The row exists in the approval's transaction; nothing was sent yet.
        assert WebhookDelivery.objects.get().state == WebhookDelivery.State.PENDING
        assert receiver.requests == []
    assert len(callbacks) == 1


def test_an_approval_that_rolls_back_leaves_no_delivery(receiver):
    partner_with(receiver.url)
    verdict = SubmittedVerdictFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        verdict_approve(
            statement_id=verdict.statement_id, user=EditorFactory(), base_version=verdict.version
        )
        raise RuntimeError("the request failed after the approval")
    assert not WebhookDelivery.objects.exists()
    assert not PublishedVerdict.objects.exists()
