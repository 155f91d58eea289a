""" "Checked before": statements that resemble a published verdict, and reusing one.

How it works (docs/ARCHITECTURE.md, "Claim matching"):
- every statement gets its vectors once (StatementEmbedding: the sentence and windows of a
  long one, annotations.nlp.encoder), when a verdict on it is approved and when its panel
  or the CLI first asks for its matches;
- the published claims' vectors are held in memory per process as one float16 matrix,
  rebuilt when the set of published verdicts changes (one cheap query tells), and
  searched by brute force: a matrix product, then the best window per claim. No
  PostgreSQL extension is needed (pgvector is not on this server; see the architecture
  notes for when it is worth it); the search is bounded by MATCH_MAX_CLAIMS, the newest;
- a claim's score is its cosine, lowered when both claims state figures and share none
  (nlp.encoder.claims_compare); matches at or above the encoder's threshold are shown.

Reusing a match starts a draft verdict pre-filled from the published one and linked to it
(Verdict.reused_from); it goes through four eyes like any other.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count, Max

from annotations.core.errors import Conflict, InvalidInput
from annotations.models import PublishedVerdict, Statement, StatementEmbedding, Verdict
from annotations.nlp.encoder import (
    claim_vectors,
    claims_compare,
    sentence_encoder_get,
    vectors_from_bytes,
    vectors_to_bytes,
)
from annotations.review.services import SourceInput, verdict_save

if TYPE_CHECKING:
    import numpy as np

MATCH_LIMIT = 3
# How many of the best cosines are checked for figures before the final ranking.
CANDIDATES = 20
SEARCH_BLOCK = 32_768  # rows converted to float32 at a time (48 MiB)


@dataclass(frozen=True)
class ClaimMatch:
    published: PublishedVerdict  # with its statement and article
    score: float
    cosine: float
    shared_figures: tuple[str, ...]


def _text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def statement_vectors_ensure(*, statements: list[Statement]) -> dict[int, np.ndarray]:
    """The vectors of each statement, computed and stored for those that have none (or
    whose text or encoder changed): one query to read, one write per new statement."""
    version = sentence_encoder_get().version
    stored = {
        e.statement_id: e
        for e in StatementEmbedding.objects.filter(statement__in=[s.pk for s in statements])
    }
    out = {}
    for statement in statements:
        row = stored.get(statement.pk)
        key = _text_key(statement.text)
        if row is not None and row.encoder_version == version and row.text_sha256 == key:
            out[statement.pk] = vectors_from_bytes(row.vectors)
            continue
        vectors = claim_vectors(statement.text)
        StatementEmbedding.objects.update_or_create(
            statement_id=statement.pk,
            defaults={
                "vectors": vectors_to_bytes(vectors),
                "count": len(vectors),
                "encoder_version": version,
                "text_sha256": key,
            },
        )
        out[statement.pk] = vectors
    return out


@dataclass
class _ClaimIndex:
    key: tuple
    matrix: np.ndarray  # float16, every vector of every indexed claim
    starts: np.ndarray  # index of each claim's first row in ``matrix``
    published_ids: list[int]
    statement_ids: list[int]


_index: _ClaimIndex | None = None
_index_lock = threading.Lock()


def _published_live():
    return PublishedVerdict.objects.filter(withdrawn_at__isnull=True)


def claim_index_get() -> _ClaimIndex:
    """The in-memory index of published claims, rebuilt when they changed."""
    import numpy as np

    global _index
    state = _published_live().aggregate(n=Count("id"), last=Max("modified_at"))
    key = (state["n"], state["last"], sentence_encoder_get().version)
    with _index_lock:  # one rebuild per process, not one per thread that noticed
        if _index is not None and _index.key == key:
            return _index
        rows = list(
            _published_live()
            .order_by("-modified_at", "-id")
            .values_list("pk", "statement_id")[: settings.MATCH_MAX_CLAIMS]
        )
        statements = list(Statement.objects.filter(pk__in=[s for _, s in rows]))
        vectors = statement_vectors_ensure(statements=statements)
        blocks, starts, published_ids, statement_ids, at = [], [], [], [], 0
        for published_id, statement_id in rows:
            block = vectors.get(statement_id)
            if block is None:
                continue
            blocks.append(block.astype(np.float16))
            starts.append(at)
            at += len(block)
            published_ids.append(published_id)
            statement_ids.append(statement_id)
        matrix = np.concatenate(blocks) if blocks else np.zeros((0, 384), dtype=np.float16)
        _index = _ClaimIndex(
            key=key,
            matrix=matrix,
            starts=np.array(starts, dtype=np.int64),
            published_ids=published_ids,
            statement_ids=statement_ids,
        )
        return _index


def matrix_search(
    *,
    matrix: np.ndarray,
    query: np.ndarray,
    limit: int,
    threshold: float,
    starts: np.ndarray | None = None,
) -> list[tuple[int, float]]:
    """The best ``limit`` groups of rows of ``matrix`` (unit vectors; a group per claim,
    beginning at ``starts``, or one row each) by their best cosine with any row of
    ``query``, at or above ``threshold``: (group, cosine), best first."""
    import numpy as np

    if not len(matrix):
        return []
    queries = np.atleast_2d(query).astype(np.float32)
    # float16 keeps the index small, but numpy has no fast float16 product: multiply in
    # float32 blocks (about 6x faster than in float16 at 100,000 claims, bench/bench_matching.py).
    best = np.empty(len(matrix), dtype=np.float32)
    for at in range(0, len(matrix), SEARCH_BLOCK):
        block = matrix[at : at + SEARCH_BLOCK].astype(np.float32)
        best[at : at + len(block)] = (block @ queries.T).max(axis=1)
    if starts is not None:
        best = np.maximum.reduceat(best, starts)
    keep = np.flatnonzero(best >= threshold)
    order = keep[np.argsort(-best[keep])][:limit]
    return [(int(i), float(best[i])) for i in order]


def statements_matches(
    *, statements: list[Statement], limit: int = MATCH_LIMIT
) -> dict[int, list[ClaimMatch]]:
    """Published verdicts each statement resembles, best first (its own verdict left
    out), above the encoder's threshold: a few queries whatever the number of claims."""
    encoder = sentence_encoder_get()
    index = claim_index_get()
    vectors = statement_vectors_ensure(statements=statements)
    # The figure check can only lower a score: look at everything above the threshold
    # by cosine, then rank by the final score.
    found = {
        s.pk: matrix_search(
            matrix=index.matrix,
            query=vectors[s.pk],
            limit=CANDIDATES,
            threshold=encoder.threshold,
            starts=index.starts,
        )
        for s in statements
    }
    wanted = {index.published_ids[g] for hits in found.values() for g, _ in hits}
    published = PublishedVerdict.objects.in_bulk(wanted)
    out: dict[int, list[ClaimMatch]] = {}
    for statement in statements:
        matches = []
        for group, cosine in found[statement.pk]:
            verdict = published.get(index.published_ids[group])
            if verdict is None or verdict.statement_id == statement.pk:
                continue
            compared = claims_compare(cosine=cosine, text=statement.text, other=verdict.quote)
            if compared.score >= encoder.threshold:
                matches.append(
                    ClaimMatch(
                        published=verdict,
                        score=compared.score,
                        cosine=compared.cosine,
                        shared_figures=compared.shared_figures,
                    )
                )
        matches.sort(key=lambda m: -m.score)
        out[statement.pk] = matches[:limit]
    return out


def statement_matches(*, statement: Statement, limit: int = MATCH_LIMIT) -> list[ClaimMatch]:
    return statements_matches(statements=[statement], limit=limit)[statement.pk]


def verdict_reuse(*, statement_id: int, user: User, published_id: int) -> Verdict:
    """Start this statement's verdict from a published one it resembles: a draft with
    the same rating, explanation and sources, linked to it. Only while the statement has
    no verdict with text yet (nothing a reviewer wrote is ever replaced)."""
    published = PublishedVerdict.objects.filter(pk=published_id, withdrawn_at=None).first()
    if published is None:
        raise InvalidInput("That verdict is not published (any more).")
    if published.statement_id == statement_id:
        raise InvalidInput("A statement cannot reuse its own verdict.")
    with transaction.atomic():
        existing = Verdict.objects.filter(statement_id=statement_id).first()
        if existing is not None and (existing.explanation or existing.rating):
            raise Conflict(
                "This statement already has a verdict; copy from the match by hand instead."
            )
        verdict = verdict_save(
            statement_id=statement_id,
            user=user,
            rating=published.rating,
            explanation=published.explanation,
            sources=[
                SourceInput(
                    url=s.get("url", ""),
                    title=s.get("title", ""),
                    publisher=s.get("publisher", ""),
                    quote=s.get("quote", ""),
                )
                for s in published.sources
            ],
            base_version=existing.version if existing else 0,
            submit=False,
        )
        Verdict.objects.filter(pk=verdict.pk).update(reused_from=published)
        verdict.reused_from = published
    return verdict
