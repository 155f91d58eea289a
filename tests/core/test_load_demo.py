import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from annotations.core.roles import user_is_editor, user_is_reviewer
from annotations.models import Article

pytestmark = pytest.mark.django_db


def test_load_demo_loads_the_sample_once_and_prints_a_password_that_logs_in():
    out = StringIO()
    call_command("load_demo", stdout=out)
    call_command("load_demo", stdout=out)  # make run again: nothing doubled
    assert Article.objects.count() == 3  # the sample and the two short demo articles
    passwords = re.findall(r"reviewer: username 'reviewer', password '([^']+)'", out.getvalue())
    assert len(passwords) == 2
    client = Client()
    assert client.login(username="reviewer", password=passwords[-1])
    assert not client.login(username="reviewer", password=passwords[0])


def test_the_demo_reviewer_is_in_reviewers_and_the_demo_editor_in_editors(django_user_model):
    call_command("load_demo", stdout=StringIO())
    assert user_is_reviewer(django_user_model.objects.get(username="reviewer"))
    editor = django_user_model.objects.get(username="editor")
    assert user_is_editor(editor) and not user_is_reviewer(editor)
