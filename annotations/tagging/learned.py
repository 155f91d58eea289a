"""The desk's learned names: reviewers' corrections remembered, editors' edits, and the
patterns each tagging run applies (annotations.nlp.entities.learned says how).

- ``learned_name_teach`` runs inside a reviewer's correction (annotations.review
  .corrections): relabelling or adding a mention teaches its name that label, removing
  one teaches that the name with that label is not an entity. One row per name: the
  latest correction wins, and a different answer restarts ``times_taught``;
- ``learned_patterns_current`` is what a tagging run reads: one aggregate query (row
  count, last change, last id) is the version of the list, and the patterns, with their
  EntityRuler, are rebuilt only when it moves. Per process: a worker keeps them across
  tasks like it keeps the model;
- ``learned_names_applied`` counts, in the tagging write transaction, the mentions each
  name labelled or dropped (an UPDATE, so the version does not move).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from django.db import IntegrityError, transaction
from django.db.models import Case, Count, F, Max, QuerySet, Value, When
from django.utils import timezone

from annotations.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from annotations.core.roles import user_is_editor
from annotations.models import LearnedName
from annotations.nlp.entities import (
    LEARNABLE_LABELS,
    NAME_MAX_CHARS,
    LearnedPattern,
    LearnedPatterns,
    entity_key,
    span_trim,
)

_LEADING_THE = re.compile(r"^[Tt]he\s+")
_cache: dict[str, tuple[tuple, LearnedPatterns]] = {}


# --- Reading, for the tagger ------------------------------------------------------------


def learned_patterns_current() -> LearnedPatterns:
    """The learned names as of now: one query while the list is unchanged, two when it
    changed since this process last looked."""
    version = LearnedName.objects.aggregate(
        rows=Count("pk"), changed=Max("updated_at"), last=Max("pk")
    )
    stamp = (version["rows"], version["changed"], version["last"])
    if not version["rows"]:
        return LearnedPatterns()
    cached = _cache.get("patterns")
    if cached is not None and cached[0] == stamp:
        return cached[1]
    patterns = LearnedPatterns(
        LearnedPattern(key=key, name=name, label=label, rejected=rejected)
        for key, name, label, rejected in LearnedName.objects.values_list(
            "key", "name", "label", "rejected"
        )
    )
    _cache["patterns"] = (stamp, patterns)
    return patterns


def learned_names_applied(*, counts: Mapping[str, int]) -> None:
    """Add what one tagging run did to each name's count (one UPDATE; none if nothing)."""
    if not counts:
        return
    LearnedName.objects.filter(key__in=counts).update(
        applied_count=F("applied_count")
        + Case(*(When(key=k, then=Value(n)) for k, n in counts.items()), default=Value(0)),
        last_applied_at=timezone.now(),
    )


# --- Reading, for editors ---------------------------------------------------------------


def learned_name_list(*, label: str = "") -> QuerySet[LearnedName]:
    """The list editors see, by name; with who taught each (no query per row)."""
    names = LearnedName.objects.select_related("taught_by").order_by("name", "pk")
    return names.filter(label=label) if label else names


def learned_name_get(*, learned_name_id: int) -> LearnedName:
    name = LearnedName.objects.select_related("taught_by").filter(pk=learned_name_id).first()
    if name is None:
        raise NotFound("No such learned name.")
    return name


# --- Writing ----------------------------------------------------------------------------


def learned_name_text(text: str) -> str:
    """The phrase to look for, from a mention's text: no quotes or punctuation around it,
    no leading "the" ('the “Coalition of the Willing' → 'Coalition of the Willing')."""
    start, end = span_trim(text, 0, len(text))
    return " ".join(_LEADING_THE.sub("", text[start:end]).split())


def learned_name_teach(
    *, text: str, label: str, user, rejected: bool = False
) -> LearnedName | None:
    """Remember a reviewer's correction of a mention (runs in the caller's transaction).

    None when there is nothing to learn: a date or an amount, or nothing left of the text.
    """
    if label not in LEARNABLE_LABELS:
        return None
    name = learned_name_text(text)
    key = entity_key(name)
    if not key or len(name) > NAME_MAX_CHARS:
        return None
    now = timezone.now()
    with transaction.atomic():
        learned, created = LearnedName.objects.select_for_update().get_or_create(
            key=key,
            defaults={
                "name": name,
                "label": label,
                "rejected": rejected,
                "taught_by": user,
                "taught_at": now,
            },
        )
        if created:
            return learned
        same = (learned.label, learned.rejected) == (label, rejected)
        learned.times_taught = learned.times_taught + 1 if same else 1
        learned.name, learned.label, learned.rejected = name, label, rejected
        learned.taught_by, learned.taught_at = user, now
        learned.save()
    return learned


def learned_name_update(
    *, learned_name_id: int, user, name: str, label: str, rejected: bool
) -> LearnedName:
    """An editor's correction of a learned name; the next tagging run uses it."""
    _editor_require(user)
    if label not in LEARNABLE_LABELS:
        raise InvalidInput("Choose one of the listed entity labels.", field="label")
    name = learned_name_text(name)
    key = entity_key(name)
    if not key:
        raise InvalidInput("Write the name as articles write it.", field="name")
    if len(name) > NAME_MAX_CHARS:
        raise InvalidInput(f"At most {NAME_MAX_CHARS} characters.", field="name")
    try:
        with transaction.atomic():
            learned = LearnedName.objects.select_for_update().filter(pk=learned_name_id).first()
            if learned is None:
                raise NotFound("No such learned name.")
            learned.key, learned.name, learned.label, learned.rejected = key, name, label, rejected
            learned.taught_by, learned.taught_at = user, timezone.now()
            learned.save()
    except IntegrityError:
        raise Conflict(
            f"“{name}” is already in the list: edit that one instead.", field="name"
        ) from None
    return learned


def learned_name_delete(*, learned_name_id: int, user) -> None:
    """Forget a learned name: the model's own label comes back from the next run."""
    _editor_require(user)
    deleted, _ = LearnedName.objects.filter(pk=learned_name_id).delete()
    if not deleted:
        raise NotFound("No such learned name.")


def _editor_require(user) -> None:
    if not user_is_editor(user):
        raise Forbidden("Only members of Editors can change the learned names.")
