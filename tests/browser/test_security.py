"""Security in a real browser: escaped article text, the Content-Security-Policy, the admin
under that policy, and the login lockout page."""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

PASSWORD = "correct horse battery staple"
SCRIPT_TAG = "<script>window.__pwned=1</script>"
IMG_TAG = '<img src=x onerror="window.__pwned=1">'
SVG_TAG = '<svg onload="alert(document.domain)">'
CSP_VIOLATION = r"violates the following Content Security Policy directive"


@pytest.fixture
def reviewer(django_user_model):
    user = django_user_model.objects.create_user("rita", password=PASSWORD)
    user.groups.add(Group.objects.get_or_create(name="Reviewers")[0])
    return user


def csp_directives(header: str) -> dict[str, str]:
    return dict(directive.strip().split(" ", 1) for directive in header.split(";"))


def article_add(page, *, title: str, text: str) -> None:
    """Add an article through the "Add article" form; ends on the article's page."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Add article").click()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Text", exact=True).fill(text)
    page.get_by_role("button", name="Add article").click()
    page.wait_for_url(re.compile(r"/articles/\d+/$"))


def test_markup_in_an_article_is_shown_as_text_and_never_runs(page, reviewer, login, screenshot):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    text = (
        "Budget row\n"
        f"The minister said on Monday that 40% of schools closed in 2024. {SCRIPT_TAG}\n"
        f"Officials counted 1,200 closures last year. {IMG_TAG} {SVG_TAG}"
    )
    login(page, "rita", PASSWORD)
    article_add(page, title=SCRIPT_TAG, text=text)

    expect(page.get_by_role("heading", level=1)).to_have_text(SCRIPT_TAG)
    body = page.locator(".article-text")
    expect(body).to_contain_text(SCRIPT_TAG)
    expect(body).to_contain_text(IMG_TAG)
    expect(body).to_contain_text(SVG_TAG)
    # Nothing was parsed as markup: no script, image or svg element in the article body.
    assert page.locator(".article-page script, .article-page img, .article-page svg").count() == 0
    assert page.title().startswith(SCRIPT_TAG)

    page.get_by_role("link", name="Articles", exact=True).click()
    expect(page.get_by_role("link", name=SCRIPT_TAG)).to_be_visible()
    screenshot(page, "security-article-list-with-markup")
    page.get_by_role("link", name=SCRIPT_TAG).click()
    page.wait_for_url(re.compile(r"/articles/\d+/$"))

    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert dialogs == []
    screenshot(page, "security-article-with-markup")


def test_the_article_page_forbids_inline_script_handlers_and_styles(
    page, reviewer, login, browser_errors
):
    browser_errors.allow(CSP_VIOLATION)  # this test provokes the violations on purpose
    login(page, "rita", PASSWORD)
    article_add(page, title="Budget", text="The EU froze €210 billion on Thursday.")
    response = page.reload()
    policy = csp_directives(response.headers["content-security-policy"])
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["default-src"] == "'self'" and policy["object-src"] == "'none'"

    page.evaluate(
        """() => {
            window.__violations = [];
            document.addEventListener("securitypolicyviolation",
                (e) => window.__violations.push(e.effectiveDirective));
        }"""
    )
    # An inline <script>: Playwright injects it, the browser refuses to run it.
    with pytest.raises(PlaywrightError, match="violates the following Content Security Policy"):
        page.add_script_tag(content="window.__inline = 1")
    # An inline event handler and a style attribute, as an injected fragment would carry.
    page.evaluate(
        """() => document.querySelector("main").insertAdjacentHTML("beforeend",
            '<button id="inline-handler" onclick="window.__clicked = 1" ' +
            'style="color: rgb(255, 0, 0)">x</button>')"""
    )
    page.locator("#inline-handler").click()

    assert page.evaluate("typeof window.__inline") == "undefined"
    assert page.evaluate("typeof window.__clicked") == "undefined"
    color = page.locator("#inline-handler").evaluate("(el) => getComputedStyle(el).color")
    assert color != "rgb(255, 0, 0)"
    page.wait_for_function("window.__violations.length >= 3")
    violations = page.evaluate("window.__violations")
    assert {"script-src-elem", "script-src-attr", "style-src-attr"} <= set(violations)


def test_the_admin_works_under_the_policy(
    page, django_user_model, login, screenshot, browser_errors
):
    django_user_model.objects.create_superuser("ada", "ada@example.org", PASSWORD)
    # Runs in every page before the page's own scripts: collects CSP violations.
    page.add_init_script(
        """window.__violations = [];
        document.addEventListener("securitypolicyviolation",
            (e) => window.__violations.push(e.violatedDirective));"""
    )
    login(page, "ada", PASSWORD)

    page.goto("/admin/")
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    # The admin's own JavaScript ran: its theme toggle and jQuery (django.jQuery).
    page.goto("/admin/auth/user/")
    assert page.evaluate("typeof django !== 'undefined' && typeof django.jQuery") == "function"
    expect(page.locator("#changelist")).to_be_visible()

    # The group form's permission picker is built entirely by SelectFilter2.js.
    page.goto("/admin/auth/group/add/")
    expect(page.locator("#id_permissions_from")).to_be_visible()
    expect(page.get_by_role("button", name="Choose all permissions")).to_be_enabled()
    screenshot(page, "security-admin-group-add")
    page.get_by_label("Name:").fill("Fact-checkers")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("Fact-checkers")
    assert page.evaluate("window.__violations") == []


def test_a_locked_out_login_gets_the_lockout_page_and_others_still_get_in(
    page, new_context, reviewer, django_user_model, browser_errors, login, screenshot
):
    # Chromium logs the 429 of the lockout page as a console error.
    browser_errors.allow(r"status of 429")
    django_user_model.objects.create_user("sam", password=PASSWORD)
    page.goto("/login/")
    for _ in range(5):
        page.get_by_label("Username").fill("rita")
        page.get_by_label("Password").fill("not the password")
        with page.expect_navigation():  # each attempt must reach the server, one by one
            page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_have_text(
        "Too many failed log-in attempts. Try again in 15 minutes."
    )
    screenshot(page, "security-lockout")

    # Even the right password is refused now, from this address.
    with pytest.raises(AssertionError, match="Too many failed log-in attempts"):
        login(page, "rita", PASSWORD)

    # Someone else, in another browser on the same machine, still logs in.
    other = new_context().new_page()
    login(other, "sam", PASSWORD)
    expect(other.locator(".who")).to_have_text("sam")
