"""factory_boy factories for the annotation models, shared by every test module.

Offsets are kept consistent with the article body: ``body[start:end] == text`` holds for
every Statement and EntityMention a factory builds. Pass ``phrase="..."`` to point a
statement or mention at the first occurrence of that text in its article.
"""

import hashlib

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from factory.django import DjangoModelFactory

from annotations.core.roles import EDITORS, REVIEWERS
from annotations.models import (
    Article,
    Entity,
    EntityAlias,
    EntityMention,
    LearnedName,
    Partner,
    PartnerToken,
    PublishedVerdict,
    Statement,
    TaggingJob,
    Verdict,
    VerdictSource,
    WebhookDelivery,
)
from annotations.nlp.entities import entity_key


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"reviewer{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("pw-for-tests-only")

    @factory.post_generation
    def roles(user, create, extracted, **kwargs):
        """``UserFactory(roles=["Reviewers"])`` puts the user in those groups."""
        for name in extracted or () if create else ():
            _join(user, name)


def _roles_with(group_name: str):
    """Post-generation hook: join ``group_name`` plus any extra ``roles=[...]``."""

    def join(user, create, extracted, **kwargs):
        for name in (group_name, *(extracted or ())):
            _join(user, name)

    return factory.PostGeneration(join)


class ReviewerFactory(UserFactory):
    roles = _roles_with(REVIEWERS)


class EditorFactory(UserFactory):
    username = factory.Sequence(lambda n: f"editor{n}")
    roles = _roles_with(EDITORS)


def _join(user, group_name: str) -> None:
    # get_or_create: transactional tests flush the groups the data migration made.
    user.groups.add(Group.objects.get_or_create(name=group_name)[0])


class ArticleFactory(DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Article {n}")
    body = factory.Sequence(
        lambda n: f"Story {n}. The minister said on Monday that 12% of the schools had closed."
    )
    body_sha256 = factory.LazyAttribute(lambda a: hashlib.sha256(a.body.encode()).hexdigest())
    publisher = "Test Desk"


def _span(obj) -> tuple[int, int]:
    body = obj.article.body
    if obj.phrase is None:  # the first line (or the whole body)
        end = body.find("\n")
        return 0, end if end > 0 else len(body)
    start = body.index(obj.phrase)
    return start, start + len(obj.phrase)


class StatementFactory(DjangoModelFactory):
    class Meta:
        model = Statement

    class Params:
        phrase = None

    article = factory.SubFactory(ArticleFactory)
    start = factory.LazyAttribute(lambda s: _span(s)[0])
    end = factory.LazyAttribute(lambda s: _span(s)[1])
    text = factory.LazyAttribute(lambda s: s.article.body[s.start : s.end])
    order = factory.Sequence(lambda n: n)
    score = 0.5


class EntityFactory(DjangoModelFactory):
    class Meta:
        model = Entity

    label = "PERSON"
    name = factory.Faker("name")


class EntityAliasFactory(DjangoModelFactory):
    class Meta:
        model = EntityAlias

    entity = factory.SubFactory(EntityFactory)
    label = factory.SelfAttribute("entity.label")
    key = factory.LazyAttribute(lambda a: entity_key(a.entity.name))


class EntityMentionFactory(DjangoModelFactory):
    """A mention; a reviewer's by default (``source="model"`` for a tagger's)."""

    class Meta:
        model = EntityMention

    class Params:
        phrase = None

    article = factory.SubFactory(ArticleFactory)
    entity = factory.SubFactory(EntityFactory)
    start = factory.LazyAttribute(lambda m: _span(m)[0])
    end = factory.LazyAttribute(lambda m: _span(m)[1])
    text = factory.LazyAttribute(lambda m: m.article.body[m.start : m.end])
    label = factory.SelfAttribute("entity.label")
    source = EntityMention.Source.HUMAN


class LearnedNameFactory(DjangoModelFactory):
    """A name the desk taught the tagger (``rejected=True``: "not an entity")."""

    class Meta:
        model = LearnedName

    name = factory.Sequence(lambda n: f"Harbour {n}")
    key = factory.LazyAttribute(lambda n: entity_key(n.name))
    label = "GPE"
    taught_by = factory.SubFactory(ReviewerFactory)
    taught_at = factory.LazyFunction(timezone.now)


class TaggingJobFactory(DjangoModelFactory):
    class Meta:
        model = TaggingJob
        django_get_or_create = ("article",)

    article = factory.SubFactory(ArticleFactory)
    queued_at = factory.LazyFunction(timezone.now)


class VerdictFactory(DjangoModelFactory):
    class Meta:
        model = Verdict

    statement = factory.SubFactory(StatementFactory, review_state=Statement.ReviewState.DRAFT)
    rating = Verdict.Rating.MOSTLY_TRUE
    explanation = "The figure matches the official statement."
    author = factory.SubFactory(ReviewerFactory)
    last_edited_by = factory.SelfAttribute("author")


class VerdictSourceFactory(DjangoModelFactory):
    class Meta:
        model = VerdictSource

    verdict = factory.SubFactory(VerdictFactory)
    url = factory.Sequence(lambda n: f"https://example.org/source/{n}")
    title = "Official statement"
    accessed_at = factory.LazyFunction(timezone.now)


class SubmittedVerdictFactory(factory.Factory):
    """A verdict a reviewer has submitted for approval, the way the desk does it: with a
    source, through review.services.verdict_save (history and versions are real). Pass
    ``statement``, ``rating``, ``explanation``, ``reviewer``, ``claim`` (a
    review.services.ClaimInput) or ``phrase`` (the statement's text in a new article)."""

    class Meta:
        model = Verdict

    statement = None
    phrase = None
    rating = Verdict.Rating.FALSE
    explanation = "The treasury's own figure is 9%."
    source_url = "https://example.org/treasury"
    reviewer = None
    claim = None

    @classmethod
    def _create(cls, model_class, **kw):
        from annotations.review.services import SourceInput, verdict_save

        statement = kw["statement"] or StatementFactory(
            **({"phrase": kw["phrase"]} if kw["phrase"] else {})
        )
        version = statement.verdict.version if hasattr(statement, "verdict") else 0
        return verdict_save(
            statement_id=statement.pk,
            user=kw["reviewer"] or ReviewerFactory(username="rita-the-reviewer"),
            rating=kw["rating"],
            explanation=kw["explanation"],
            sources=[SourceInput(url=kw["source_url"], title="Treasury report")],
            base_version=version,
            submit=True,
            claim=kw["claim"],
        )


class PublishedVerdictFactory(SubmittedVerdictFactory):
    """A published verdict made the way the desk makes one: a reviewer's submitted verdict
    (SubmittedVerdictFactory) that another person, an editor, approves
    (editorial.services.verdict_approve), so four eyes, history, the frozen ClaimReview
    document and webhook rows are all real. Pass what SubmittedVerdictFactory takes, and
    ``editor``.

    The approval's on-commit callbacks (publishing the webhook tasks) run only if the test
    captures them: ``django_capture_on_commit_callbacks(execute=True)``."""

    class Meta:
        model = PublishedVerdict

    editor = None

    @classmethod
    def _create(cls, model_class, *, editor, **kw):
        from annotations.editorial.services import verdict_approve

        verdict = super()._create(Verdict, **kw)
        return verdict_approve(
            statement_id=verdict.statement_id,
            user=editor or EditorFactory(),
            base_version=verdict.version,
        )


class PartnerFactory(DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Newsroom {n}")


class PartnerTokenFactory(factory.Factory):
    """A live token, made by the service (only its digest is stored): the factory returns
    what partner_token_create returns, whose ``secret`` is the Bearer token."""

    class Meta:
        model = PartnerToken

    name = factory.Sequence(lambda n: f"Partner {n}")

    @classmethod
    def _create(cls, model_class, *, name: str):
        from annotations.partners.tokens import partner_token_create

        return partner_token_create(name=name)


class WebhookDeliveryFactory(DjangoModelFactory):
    class Meta:
        model = WebhookDelivery

    partner = factory.SubFactory(PartnerFactory, webhook_url="https://hooks.example.org/fc")
    published = factory.SubFactory(PublishedVerdictFactory)
    event = "published"
    delivery_id = factory.Faker("uuid4", cast_to=None)
    url = factory.SelfAttribute("partner.webhook_url")
    payload = factory.LazyAttribute(lambda o: o.published.document)
