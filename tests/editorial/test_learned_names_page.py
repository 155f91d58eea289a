"""The editors' page of learned names: list, edit, forget; and the admin's."""

import pytest
from django.urls import reverse

from annotations.editorial.views import LEARNED_NAMES_PER_PAGE
from annotations.models import LearnedName
from tests.factories import EditorFactory, LearnedNameFactory, ReviewerFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    client.force_login(EditorFactory(username="eddie"))
    return client


def test_editors_reach_the_learned_names_from_the_approvals_page(editor_client):
    html = editor_client.get(reverse("approvals")).content.decode()
    assert f'<a href="{reverse("learned_names")}">Learned names</a>' in html


def test_the_list_shows_each_name_with_its_label_teacher_and_applications(editor_client):
    LearnedNameFactory(
        name="Rotterdam", label="GPE", taught_by=ReviewerFactory(username="rita"),
        times_taught=2, applied_count=7,
    )  # fmt: skip
    LearnedNameFactory(name="Covid", label="PERSON", rejected=True)
    html = editor_client.get(reverse("learned_names")).content.decode()
    rotterdam = html[html.index("<td>Rotterdam</td>") :].split("</tr>")[0]
    assert '<span class="badge">GPE</span>' in rotterdam and ">rita</td>" in rotterdam
    assert 'class="num">2</td>' in rotterdam and 'class="num">7</td>' in rotterdam
    assert 'not <span class="badge">PERSON</span>' in html
    assert "2 names the desk taught the tagger" in html


def test_the_list_costs_the_same_queries_for_many_names_as_for_one(
    editor_client, django_assert_num_queries
):
    LearnedNameFactory()
    editor_client.get(reverse("learned_names"))  # the session and roles, once
    for extra in (0, 20):
        LearnedNameFactory.create_batch(extra)
        # Session, user, roles (and the nav's approvals count), then the page's count and rows.
        with django_assert_num_queries(6):
            assert editor_client.get(reverse("learned_names")).status_code == 200


def test_the_list_can_show_one_label(editor_client):
    LearnedNameFactory(name="Rotterdam", label="GPE")
    LearnedNameFactory(name="Feyenoord", label="ORG")
    html = editor_client.get(reverse("learned_names"), {"label": "ORG"}).content.decode()
    assert "Feyenoord" in html and "Rotterdam" not in html


def test_reviewers_can_neither_see_nor_change_the_learned_names(client):
    learned = LearnedNameFactory()
    client.force_login(ReviewerFactory())
    assert client.get(reverse("learned_names")).status_code == 403
    response = client.post(reverse("learned_name", args=[learned.pk]), {"action": "delete"})
    assert response.status_code == 403
    assert LearnedName.objects.filter(pk=learned.pk).exists()


def test_an_editor_corrects_a_learned_name_and_becomes_its_teacher(editor_client):
    learned = LearnedNameFactory(name="Rotterdam", label="PERSON")
    page = editor_client.get(reverse("learned_name", args=[learned.pk])).content.decode()
    assert 'value="Rotterdam"' in page and ">Forget this name</button>" in page
    response = editor_client.post(
        reverse("learned_name", args=[learned.pk]),
        {"action": "save", "name": "“Rotterdam”", "label": "GPE"},
    )
    assert response.status_code == 302 and response.url == reverse("learned_names")
    learned.refresh_from_db()
    assert (learned.name, learned.key, learned.label, learned.rejected) == (
        "Rotterdam", "rotterdam", "GPE", False,
    )  # fmt: skip
    assert learned.taught_by.username == "eddie"


def test_renaming_to_a_name_already_listed_is_refused_beside_the_name(editor_client):
    LearnedNameFactory(name="Rotterdam")
    other = LearnedNameFactory(name="Rotterdm")
    response = editor_client.post(
        reverse("learned_name", args=[other.pk]),
        {"action": "save", "name": "Rotterdam", "label": "GPE"},
    )
    assert response.status_code == 400
    assert "“Rotterdam” is already in the list" in response.content.decode()
    other.refresh_from_db()
    assert other.name == "Rotterdm"


def test_an_editor_forgets_a_learned_name(editor_client):
    learned = LearnedNameFactory(name="Rotterdam")
    response = editor_client.post(reverse("learned_name", args=[learned.pk]), {"action": "delete"})
    assert response.status_code == 302
    assert not LearnedName.objects.exists()
    assert editor_client.get(reverse("learned_name", args=[learned.pk])).status_code == 404


def test_the_admin_lists_learned_names_and_derives_the_key_from_the_name(client):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    LearnedNameFactory(name="Rotterdam")
    assert (
        "Rotterdam"
        in client.get(reverse("admin:annotations_learnedname_changelist")).content.decode()
    )
    response = client.post(
        reverse("admin:annotations_learnedname_add"),
        {"name": "the Port of Rotterdam", "label": "ORG"},
    )
    assert response.status_code == 302
    port = LearnedName.objects.get(label="ORG")
    assert (port.name, port.key, port.taught_by) == (
        "Port of Rotterdam",
        "port of rotterdam",
        admin,
    )


def test_a_long_list_comes_in_pages_that_keep_the_label_filter(editor_client):
    LearnedNameFactory.create_batch(LEARNED_NAMES_PER_PAGE + 1, label="ORG")
    html = editor_client.get(reverse("learned_names"), {"label": "ORG"}).content.decode()
    assert "Page 1 of 2" in html and 'href="?label=ORG&amp;page=2"' in html
