"""Browser tests: Playwright (sync API) driving Debian's Chromium against a live server.

Fixtures:
- ``browser``: one Chromium for all the browser tests (/usr/bin/chromium; `playwright install`
  is never used). Without it the tests skip, or fail when REQUIRE_SERVICES=1 (CI).
- ``page``: a fresh context (1440x900) and page per test, on pytest-django's
  ``live_server`` (so the test database is transactional).
- ``new_context``: more contexts, e.g. two users logged in at once.
- ``browser_errors``: console errors and uncaught page errors of every page of the test's
  contexts. Any of them FAILS the test, unless the test allowed it first with
  ``browser_errors.allow(regex)``.
- ``login`` / ``screenshot``: ``login(page, username, password)`` uses the real login form;
  ``screenshot(page, name)`` writes test-artifacts/NAME.png. A failing test also leaves a
  screenshot of each of its pages there.

Every test in this folder is marked ``browser`` (``pytest -m "not browser"`` skips them).
django-axes (login throttling) is on here, as in production, and passwords are hashed
with a fast hasher.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group

# Playwright's sync API runs an asyncio event loop in the test's own thread (while the
# ``browser`` fixture is alive). Django then believes the ORM is called from
# async code and raises SynchronousOnlyOperation. Nothing here is really async: the ORM
# calls are ordinary blocking calls in the test thread, so this check is safely turned off.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1440, "height": 900}
ARTIFACTS = Path(django_settings.BASE_DIR) / "test-artifacts"
BROWSER_DIR = Path(__file__).resolve().parent
# Fail fast: a missing element should not cost Playwright's default 30 s.
ACTION_TIMEOUT_MS = 10_000
# Navigations may wait for a form post that ingests an article (and tags it in-process).
NAVIGATION_TIMEOUT_MS = 30_000


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if BROWSER_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


class BrowserErrors:
    """Console errors and uncaught exceptions of the pages of one test."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        self.allowed: list[re.Pattern[str]] = []
        self.contexts: list = []

    def allow(self, pattern: str) -> None:
        """Do not fail the test for errors matching this regular expression (re.search)."""
        self.allowed.append(re.compile(pattern))

    def record(self, message: str) -> None:
        self.messages.append(message)

    def unexpected(self) -> list[str]:
        return [m for m in self.messages if not any(p.search(m) for p in self.allowed)]

    def pages(self) -> list:
        return [page for context in self.contexts for page in context.pages]

    def flush(self) -> None:
        """Let Playwright deliver the events the browser already sent (one round trip each)."""
        for page in self.pages():
            # A closed or crashed page has nothing more to say.
            with contextlib.suppress(Exception):
                page.evaluate("0")


_ERRORS_KEY = pytest.StashKey[BrowserErrors]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Fail a browser test whose pages logged an error; screenshot the pages of a failure."""
    errors = item.stash.get(_ERRORS_KEY, None)
    try:
        result = yield
    except BaseException:
        if errors is not None:
            _screenshot_pages(item, errors)
        raise
    if errors is not None:
        errors.flush()
        unexpected = errors.unexpected()
        if unexpected:
            _screenshot_pages(item, errors)
            pytest.fail(
                "the browser reported errors:\n" + "\n".join(f"  {m}" for m in unexpected),
                pytrace=False,
            )
    return result


def _screenshot_pages(item: pytest.Item, errors: BrowserErrors) -> None:
    stem = re.sub(r"[^\w.-]+", "_", item.name)
    for n, page in enumerate(errors.pages()):
        # Best effort: never hide the test's own failure behind a screenshot error.
        with contextlib.suppress(Exception):
            screenshot(page, f"{stem}-failed-{n}")


def screenshot(page, name: str) -> Path:
    """Save a full-page PNG of ``page`` as test-artifacts/NAME.png and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def login(page, username: str, password: str) -> None:
    """Log in through the real login form and wait until the site let us in."""
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    # A failed log-in posts to the same URL: wait for the navigation itself, not for a URL.
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    if "/login/" in page.url:
        error = page.locator("[role=alert]")
        reason = error.first.inner_text() if error.count() else "still on the login page"
        raise AssertionError(f"could not log in as {username!r}: {reason}")


# Package scope: Chromium starts once for all of tests/browser (which pytest-django runs as
# one block) and Playwright stops right after, taking its event loop out of the test thread
# before the rest of the suite runs (asgiref's async_to_sync refuses to run beside a loop).
@pytest.fixture(scope="package")
def browser() -> Iterator:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (Debian package `chromium`)"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(autouse=True)
def _browser_test_settings(settings) -> None:
    # The live server runs in a thread of this process: it sees these settings too.
    settings.AXES_ENABLED = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def browser_errors(request: pytest.FixtureRequest) -> BrowserErrors:
    errors = BrowserErrors()
    request.node.stash[_ERRORS_KEY] = errors
    return errors


@pytest.fixture
def new_context(
    browser, live_server, transactional_db, browser_errors: BrowserErrors
) -> Iterator[Callable]:
    """``new_context(**options)``: a new browser context on the live server (own cookies)."""
    in_flight: set = set()  # requests the contexts' pages started and have no answer yet

    def make(**options):
        options = {"base_url": live_server.url, "viewport": VIEWPORT, **options}
        context = browser.new_context(**options)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
        context.on(
            "console",
            lambda msg: (
                browser_errors.record(f"console {msg.type}: {msg.text} ({msg.location['url']})")
                if msg.type == "error"
                else None
            ),
        )
        context.on("weberror", lambda err: browser_errors.record(f"page error: {err.error}"))
        context.on("request", lambda request: in_flight.add(request))
        context.on("requestfinished", lambda request: in_flight.discard(request))
        context.on("requestfailed", lambda request: in_flight.discard(request))
        browser_errors.contexts.append(context)
        return context

    yield make
    _wait_for_requests(browser_errors, in_flight)
    for context in browser_errors.contexts:
        context.close()


def _wait_for_requests(errors: BrowserErrors, in_flight: set, timeout_s: float = 5.0) -> None:
    """Let the requests a test's last click started finish before the database is flushed.

    A test may end on an assertion that holds before the fetch it triggered has been
    answered (a statement marked as open while its panel loads). The live server would then
    still be using the database while pytest-django flushes it: the flush fails and the
    next test finds the last one's rows.
    """
    pages = errors.pages()
    deadline = time.monotonic() + timeout_s
    while in_flight and pages and time.monotonic() < deadline:
        try:
            # Playwright delivers the browser's events only while it waits.
            pages[0].wait_for_timeout(20)
        except Exception:
            return  # a closed or crashed page: its requests are gone with it


@pytest.fixture
def page(new_context):
    return new_context().new_page()


@pytest.fixture(name="login")
def login_fixture() -> Callable[..., None]:
    return login


@pytest.fixture(name="screenshot")
def screenshot_fixture() -> Callable[..., Path]:
    return screenshot


# --- Desk users and the sample article, shared by the browser tests ----------------------
PASSWORD = "correct horse battery staple"
SAMPLE_ARTICLE = (Path(django_settings.BASE_DIR) / "seeds" / "000_6c896c902daceab2.txt").read_text(
    "utf-8"
)
SAMPLE_FIGURE = "€210 billion"


def _reviewer(django_user_model, username: str):
    user = django_user_model.objects.create_user(username, password=PASSWORD)
    user.groups.add(Group.objects.get_or_create(name="Reviewers")[0])
    return user


@pytest.fixture
def rita(django_user_model):
    return _reviewer(django_user_model, "rita")


@pytest.fixture
def sam(django_user_model):
    return _reviewer(django_user_model, "sam")


@pytest.fixture
def article(transactional_db):
    from annotations.ingest.services import article_ingest

    return article_ingest(text=SAMPLE_ARTICLE, title="Coalition meeting", publisher="Desk").article


@pytest.fixture
def statement(article):
    from annotations.models import Statement

    return Statement.objects.get(article=article, text__contains=SAMPLE_FIGURE)
