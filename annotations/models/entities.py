"""Canonical entities, their aliases and mentions in articles, and the tagging job."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.expressions import Combinable

from annotations.models.articles import Article


class Entity(models.Model):
    """A canonical entity shared across articles ("Zelenskyy" and "Volodymyr Zelenskyy")."""

    label = models.CharField(max_length=20)
    name = models.CharField(max_length=300, help_text="Canonical display name.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "entities"
        ordering = ["label", "name"]
        indexes = [models.Index(fields=["label", "name"], name="entity_label_name_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.label})"


class EntityAlias(models.Model):
    """A normalised name under which an entity is found again ("eu", "european union")."""

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="aliases")
    label = models.CharField(max_length=20)
    key = models.CharField(max_length=300)

    class Meta:
        verbose_name_plural = "entity aliases"
        constraints = [models.UniqueConstraint(fields=["label", "key"], name="entity_alias_unique")]
        # The partner API's ?entity= looks a name up by key whatever its label.
        indexes = [models.Index(fields=["key"], name="entity_alias_key_idx")]

    def __str__(self) -> str:
        return f"{self.key} → {self.entity_id}"


class EntityMention(models.Model):
    class Source(models.TextChoices):
        MODEL = "model", "Model"
        HUMAN = "human", "Human"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="mentions")
    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="mentions")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.CharField(max_length=500)
    label = models.CharField(max_length=20)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MODEL)
    # A reviewer's "remove": a human tombstone on the span, so the next tagging run (which
    # skips spans with human mentions) does not bring the model's mention back.
    removed = models.BooleanField(default=False)
    model_name = models.CharField(max_length=100, blank=True)
    model_version = models.CharField(max_length=40, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["article", "start"]
        constraints = [
            models.CheckConstraint(condition=Q(start__lt=models.F("end")), name="mention_span"),
            # A re-run of the tagger can never leave two model mentions on the same span.
            models.UniqueConstraint(
                fields=["article", "start", "end"],
                condition=Q(source="model"),
                name="mention_model_unique",
            ),
        ]
        indexes = [models.Index(fields=["article", "start"], name="mention_article_start_idx")]

    def __str__(self) -> str:
        return f"{self.text} [{self.label}]"


class LearnedName(models.Model):
    """A name the desk taught the tagger, applied to every article tagged afterwards.

    A reviewer's relabel or added mark teaches the name its label ("Rotterdam" is a GPE);
    a removal teaches that the name with that label is not an entity. One row per name
    (the last correction wins); editors see and edit the list. How the tagger uses it:
    annotations.nlp.entities.learned.
    """

    key = models.CharField(
        max_length=300, unique=True, help_text="The normalised name mentions are compared by."
    )
    name = models.CharField(
        max_length=300, help_text="As articles write it: the phrase the tagger looks for."
    )
    label = models.CharField(max_length=20)
    rejected = models.BooleanField(
        default=False,
        help_text="Not an entity: the model's mentions of this name with this label are dropped.",
    )
    taught_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who last taught or edited it.",
    )
    taught_at = models.DateTimeField()
    times_taught = models.PositiveIntegerField(default=1)
    applied_count = models.PositiveIntegerField(
        default=0, help_text="Mentions tagging runs labelled or dropped by it (re-runs count)."
    )
    last_applied_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Every save moves it: with the row count, it is the version of the list the taggers
    # cache their EntityRuler by (counting applications is an UPDATE, so leaves it).
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({'not ' if self.rejected else ''}{self.label})"


class TaggingJob(models.Model):
    """The state of an article's entity tagging, owned by the database, not the broker.

    If the broker is down or a worker dies, the job row still says where things stand and
    the periodic sweep (annotations.tasks.tagging_jobs_sweep) re-enqueues it.
    """

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    # Waiting for a worker, or being tagged: the job may still change.
    PENDING_STATES = (State.QUEUED, State.RUNNING)

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="tagging_job")
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    model_name = models.CharField(max_length=100, blank=True)
    model_version = models.CharField(max_length=40, blank=True)
    queued_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    mention_count = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["state", "queued_at"], name="taggingjob_state_idx")]

    def __str__(self) -> str:
        return f"Tagging of article {self.article_id}: {self.state}"


# "The mentions of a statement", for reviewers, editors and partners alike: the visible
# (not removed) mentions of its article that lie within its span. One definition, in SQL
# and in Python; ``start``/``end`` may be ints or expressions (OuterRef).
def statement_mentions_q(*, start: int | Combinable, end: int | Combinable) -> Q:
    # start < end is implied (mention_span), and written out: it bounds the scan of
    # mention_article_start_idx to the statement's own span, where only a lower bound
    # let it read every mention after it, per statement.
    return Q(removed=False, start__gte=start, start__lt=end, end__lte=end)


def mention_in_statement(mention: EntityMention, *, start: int, end: int) -> bool:
    return not mention.removed and start <= mention.start and mention.end <= end


class EntityMerge(models.Model):
    """The history of an editor's merge of two entities that are one: the merged entity
    is gone (its mentions and aliases now belong to ``into``), so its name and id are
    kept here. Append-only, like the statements' history."""

    merged_name = models.CharField(max_length=300)
    merged_id = models.PositiveBigIntegerField(help_text="The id the merged entity had.")
    into = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="merges")
    mentions_moved = models.PositiveIntegerField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.merged_name} → {self.into_id}"
