"""The data model, one module per stage; import models from here (``annotations.models``)."""

from annotations.models.articles import ArchivedSource, Article, Statement, statement_untouched_q
from annotations.models.entities import (
    Entity,
    EntityAlias,
    EntityMention,
    EntityMerge,
    LearnedName,
    TaggingJob,
    mention_in_statement,
    statement_mentions_q,
)
from annotations.models.matching import StatementEmbedding
from annotations.models.partners import Partner, PartnerToken, WebhookAttempt, WebhookDelivery
from annotations.models.publishing import PublishedVerdict
from annotations.models.review import (
    CLAIM_SUMMARY_MAX_CHARS,
    SPEAKER_MAX_CHARS,
    AppendOnlyQuerySet,
    HistoryIsAppendOnly,
    ReviewEvent,
    SpeakerType,
    Verdict,
    VerdictSource,
)

__all__ = [
    "CLAIM_SUMMARY_MAX_CHARS",
    "SPEAKER_MAX_CHARS",
    "AppendOnlyQuerySet",
    "ArchivedSource",
    "Article",
    "Entity",
    "EntityAlias",
    "EntityMention",
    "EntityMerge",
    "HistoryIsAppendOnly",
    "LearnedName",
    "Partner",
    "PartnerToken",
    "PublishedVerdict",
    "ReviewEvent",
    "SpeakerType",
    "Statement",
    "StatementEmbedding",
    "TaggingJob",
    "Verdict",
    "VerdictSource",
    "WebhookAttempt",
    "WebhookDelivery",
    "mention_in_statement",
    "statement_mentions_q",
    "statement_untouched_q",
]
