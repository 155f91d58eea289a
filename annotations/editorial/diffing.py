"""What a correction changes compared with the published verdict, for the approval view."""

import difflib
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class DiffPiece:
    op: str  # "same", "added", "removed"
    text: str


@dataclass(frozen=True)
class VerdictChanges:
    rating: tuple[str, str] | None  # (published, proposed) labels when they differ
    explanation: list[DiffPiece]  # word-level
    explanation_changed: bool
    sources_added: list[dict]
    sources_removed: list[dict]
    # (published, proposed) when they differ; a speaker as "Name (Type)", "" for none.
    claim_summary: tuple[str, str] | None = None
    speaker: tuple[str, str] | None = None
    # The statement's words against the published sentence (word-level), when a revision
    # of the article reworded it; None when they are the same.
    sentence: list[DiffPiece] | None = None

    @property
    def any(self) -> bool:
        return bool(
            self.sentence
            or self.rating
            or self.explanation_changed
            or self.sources_added
            or self.sources_removed
            or self.claim_summary
            or self.speaker
        )


def text_diff(old: str, new: str) -> list[DiffPiece]:
    """Word-level diff keeping white space, so the pieces join back into either text."""
    a, b = re.findall(r"\S+|\s+", old), re.findall(r"\S+|\s+", new)
    pieces: list[DiffPiece] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(DiffPiece("same", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(DiffPiece("removed", "".join(a[i1:i2])))
        if j2 > j1:
            pieces.append(DiffPiece("added", "".join(b[j1:j2])))
    return pieces


def verdict_changes(
    *,
    published_rating: str,
    published_explanation: str,
    published_sources: list[dict],
    rating: str,
    explanation: str,
    sources: list[dict],
    published_claim: tuple[str, str] = ("", ""),
    claim: tuple[str, str] = ("", ""),
    published_sentence: str = "",
    sentence: str = "",
) -> VerdictChanges:
    """Ratings are passed as display labels; sources as dicts with at least "url"; the
    claims as (summary, speaker), the speaker written "Name (Type)"; the sentences as the
    published copy quotes it and as the article words it now."""
    old_urls = {s["url"] for s in published_sources}
    new_urls = {s["url"] for s in sources}
    (old_summary, old_speaker), (summary, speaker) = published_claim, claim
    return VerdictChanges(
        sentence=text_diff(published_sentence, sentence)
        if published_sentence != sentence
        else None,
        claim_summary=(old_summary, summary) if old_summary != summary else None,
        speaker=(old_speaker, speaker) if old_speaker != speaker else None,
        rating=(published_rating, rating) if published_rating != rating else None,
        explanation=text_diff(published_explanation, explanation),
        explanation_changed=published_explanation != explanation,
        sources_added=[s for s in sources if s["url"] not in old_urls],
        sources_removed=[s for s in published_sources if s["url"] not in new_urls],
    )
