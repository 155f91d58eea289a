"""The verdict panel of one statement, as a selector: `review_panel_get` reads what the
panel shows one user (the verdict and its sources, the editor's note, the rights the
workflow table gives, the reviewers to assign to, the statement's mentions) into a frozen
ReviewPanel, together with the forms and messages of the request being answered. The
views render it as ``panel`` (templates/annotations/review/_panel.html)."""

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django import forms
from django.contrib.auth.models import User

from annotations.core.roles import user_is_editor, user_is_reviewer
from annotations.models import EntityMention, ReviewEvent, Statement, Verdict, VerdictSource
from annotations.nlp.statements.model import ModelArtefactError
from annotations.review.forms import (
    CLAIM_FIELDS,
    ENTITY_LABELS,
    SOURCES_PREFIX,
    AssignForm,
    DismissForm,
    SourceFormSet,
    VerdictForm,
)
from annotations.review.matches import ClaimMatch, statement_matches
from annotations.review.selectors import (
    MentionSpan,
    entity_mention_counts,
    returned_note,
    reviewer_list,
    speaker_type_guess,
    statement_mention_list,
)
from annotations.review.services import VerdictConflict
from annotations.review.workflow import PanelRights, panel_rights

logger = logging.getLogger(__name__)
State = Statement.ReviewState
SOURCE_FIELDS = ("url", "title", "publisher", "quote")


@dataclass(frozen=True)
class PanelConflict:
    """A save refused because someone else saved first: their verdict as saved (``version``
    None when there is none any more), to show beside what this reviewer typed."""

    message: str
    version: int | None = None
    rating: str = ""
    explanation: str = ""
    claim_summary: str = ""
    speaker: str = ""
    speaker_type: str = ""
    sources: list[VerdictSource] = field(default_factory=list)
    editor: str = ""
    saved_at: datetime | None = None


@dataclass(frozen=True)
class TypedVerdict:
    """What a reviewer typed into a verdict that can no longer be edited, read-only."""

    rating: str
    explanation: str
    sources: list[dict[str, str]]
    claim_summary: str = ""
    speaker: str = ""
    speaker_type: str = ""


@dataclass(frozen=True)
class PanelMention:
    """One of the statement's mentions, with how many mentions its entity has in the
    whole article (so the panel can offer to relabel them all)."""

    mention: EntityMention
    in_article: int


@dataclass(frozen=True)
class ReviewPanel:
    statement: Statement
    verdict: Verdict | None
    saved_sources: list[VerdictSource]
    returned: ReviewEvent | None  # the editor's note, for a verdict sent back
    is_reviewer: bool
    is_editor: bool
    rights: PanelRights
    reviewers: list[User]  # for "Assign to" (empty when the user may not assign)
    mentions: list[PanelMention]  # the statement's
    matches: list[ClaimMatch]  # published verdicts it resembles ("checked before")
    form: VerdictForm
    rating_value: str
    formset: forms.BaseFormSet
    source_rows: list[tuple[forms.Form, datetime | None]]  # each with its access date
    sources_errors: list[str]
    dismiss_form: DismissForm
    assign_form: AssignForm | None
    conflict: PanelConflict | None
    typed: TypedVerdict | None
    notice: str
    error: str
    text_changed: bool  # the text pane is to be reloaded (a mention changed)
    ratings = Verdict.Rating.choices
    entity_labels = ENTITY_LABELS

    @property
    def claim_fields(self) -> list[forms.BoundField]:
        """The claim summary, speaker and speaker type, in the order the form shows them."""
        return [self.form[name] for name in CLAIM_FIELDS]


def verdict_of(statement: Statement) -> Verdict | None:
    try:
        return statement.verdict
    except Verdict.DoesNotExist:
        return None


def review_panel_get(
    *,
    user: User,
    statement: Statement,
    mentions: Sequence[EntityMention] | None = None,
    article_mentions: Sequence[MentionSpan] | None = None,
    form: VerdictForm | None = None,
    formset: forms.BaseFormSet | None = None,
    dismiss_form: DismissForm | None = None,
    assign_form: AssignForm | None = None,
    sources_errors: Sequence[str] = (),
    conflict: VerdictConflict | None = None,
    notice: str = "",
    error: str = "",
    text_changed: bool = False,
) -> ReviewPanel:
    """The panel of ``statement`` (from review.selectors.statement_for_panel) as ``user``
    sees it. Forms not given start from the saved verdict; ``mentions`` (the statement's,
    as models) are read when not given; with ``article_mentions`` (the article's, already
    read for the text) the counts per entity are taken from them, not queried."""
    verdict = verdict_of(statement)
    saved_sources = list(verdict.sources.all()) if verdict else []
    rights = panel_rights(user=user, statement=statement)
    if form is None:
        form = VerdictForm(initial=_initial(statement, verdict))
    # The summary's hint is the sentence it would replace.
    form.fields["claim_summary"].widget.attrs["placeholder"] = statement.text
    if formset is None:
        initial = [{name: getattr(s, name) for name in SOURCE_FIELDS} for s in saved_sources]
        formset = SourceFormSet(initial=initial or [{}], prefix=SOURCES_PREFIX)
    accessed = {s.url: s.accessed_at for s in saved_sources}
    rating_value = form["rating"].value() or ""
    typed = None
    if conflict and not rights.editable:
        # The statement can't be edited any more (say, someone submitted it): show what
        # this reviewer typed, read-only, so it can be copied rather than lost.
        typed = TypedVerdict(
            rating=dict(Verdict.Rating.choices).get(rating_value, ""),
            explanation=form["explanation"].value() or "",
            claim_summary=form["claim_summary"].value() or "",
            speaker=form["speaker"].value() or "",
            speaker_type=form["speaker_type"].value() or "",
            sources=[
                {name: f[name].value() or "" for name in SOURCE_FIELDS}
                for f in formset.forms
                if f["url"].value()
            ],
        )
    return ReviewPanel(
        statement=statement,
        verdict=verdict,
        saved_sources=saved_sources,
        returned=(
            returned_note(statement_id=statement.pk)
            if statement.review_state == State.RETURNED
            else None
        ),
        is_reviewer=user_is_reviewer(user),
        is_editor=user_is_editor(user),
        rights=rights,
        reviewers=reviewer_list() if rights.can_assign else [],
        mentions=_panel_mentions(
            statement=statement,
            mentions=statement_mention_list(statement=statement) if mentions is None else mentions,
            article_mentions=article_mentions,
        ),
        matches=_panel_matches(statement),
        form=form,
        rating_value=rating_value,
        formset=formset,
        source_rows=[(f, accessed.get(f["url"].value())) for f in formset.forms],
        sources_errors=list(sources_errors),
        dismiss_form=dismiss_form or DismissForm(),
        assign_form=assign_form,
        conflict=None if conflict is None else _panel_conflict(conflict),
        typed=typed,
        notice=notice,
        error=error,
        text_changed=text_changed,
    )


def _panel_mentions(
    *,
    statement: Statement,
    mentions: Sequence[EntityMention],
    article_mentions: Sequence[MentionSpan] | None,
) -> list[PanelMention]:
    if article_mentions is not None:  # visible mentions only (mention_list)
        counts = Counter(m.entity_id for m in article_mentions)
    else:
        counts = Counter(
            entity_mention_counts(
                article_id=statement.article_id, entity_ids=(m.entity_id for m in mentions)
            )
        )
    return [PanelMention(mention=m, in_article=counts.get(m.entity_id, 1)) for m in mentions]


def _panel_matches(statement: Statement) -> list[ClaimMatch]:
    try:
        return statement_matches(statement=statement)
    except ModelArtefactError:
        # The encoder's files are missing or damaged: the panel works without matches
        # (the failure is logged).
        logger.exception("claim matching is unavailable")
        return []


def _initial(statement: Statement, verdict: Verdict | None) -> dict:
    """The form as saved; a new verdict starts from the detected speaker, typed as the
    article's tagging and the name rule see it."""
    speaker = verdict.speaker if verdict else statement.speaker
    speaker_type = verdict.speaker_type if verdict else ""
    return {
        "rating": verdict.rating if verdict else "",
        "explanation": verdict.explanation if verdict else "",
        "claim_summary": verdict.claim_summary if verdict else "",
        "speaker": speaker,
        "speaker_type": speaker_type
        or speaker_type_guess(article_id=statement.article_id, speaker=speaker),
        "base_version": verdict.version if verdict else 0,
    }


def _panel_conflict(exc: VerdictConflict) -> PanelConflict:
    theirs = exc.current
    if theirs is None:
        return PanelConflict(message=exc.message)
    return PanelConflict(
        message=exc.message,
        version=theirs.version,
        rating=theirs.get_rating_display(),
        explanation=theirs.explanation,
        claim_summary=theirs.claim_summary,
        speaker=theirs.speaker,
        speaker_type=theirs.speaker_type,
        sources=list(theirs.sources.all()),
        editor=theirs.last_edited_by.get_username(),
        saved_at=theirs.updated_at,
    )
