"""Check-worthiness: how worth checking a sentence is, as a score in [0, 1] with the
reasons that fired (figures, named actors, reported speech against questions, opinions,
promises...). A sentence scoring CHECKABLE_THRESHOLD or more is a checkable statement.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from annotations.nlp.lexicon import lexicon_words
from annotations.nlp.statements.figures import FIGURE_KINDS, Figure, figures_find
from annotations.nlp.statements.sentences import CLOSERS, OPENERS, SENTENCE_END_RE
from annotations.nlp.statements.speakers import CLOSING_QUOTE, SPEECH_VERB_ENTRIES, SPEECH_VERBS

__all__ = ["CHECKABLE_THRESHOLD", "Assessment", "checkworthiness_assess", "checkworthiness_veto"]

CHECKABLE_THRESHOLD: float = 0.5


@dataclass(frozen=True)
class Assessment:
    score: float
    reasons: tuple[str, ...]
    is_checkable: bool
    veto: str | None = None  # "question", "exhortation"...: never a statement, whatever the score


_ALPHA_RE = re.compile(r"[a-z]+")  # a rule's trigger words: lowercase, split at anything but a-z

# Transparent weighted rules: every feature that fires adds its weight once, and the score
# is _BASE_SCORE plus the sum, clipped to [0, 1]. The features are generic cues of a
# verifiable assertion (figures, named actors, past events, records) against cues of
# something that cannot be checked (questions, opinions, promises, exhortations). Weights
# were set by hand and checked against ClaimBuster (debate transcripts) with the
# evaluate_checkworthiness command; no word list was mined from that data.
_BASE_SCORE = 0.15
_WEIGHTS: dict[str, float] = {
    # figures
    "money figure": 0.6,
    "percentage": 0.7,
    "count": 0.5,
    "quantity": 0.3,
    "date": 0.25,
    "fraction": 0.35,
    "ordinal": 0.1,
    # who did or said what
    "attributed quote": 0.15,
    "reported speech": 0.35,
    "named actor": 0.15,
    "concrete past action": 0.2,
    "past state": 0.1,
    "time reference": 0.25,
    "comparison": 0.25,
    "policy or statistics term": 0.2,
    # what cannot be checked
    "question": -0.3,
    "thanks": -0.5,
    "opinion": -0.25,
    "evaluative language": -0.2,
    "prediction": -0.15,
    "obligation": -0.25,
    "hypothetical": -0.15,
    "second person": -0.1,
    "short fragment": -0.35,
    "headline": -0.3,
}
_FIGURE_REASONS = {
    "money": "money figure",
    "percent": "percentage",
    "count": "count",
    "quantity": "quantity",
    "date": "date",
    "fraction": "fraction",
    "ordinal": "ordinal",
}

_APOS = "['’]"
# Past actions are recognised on the sentence's words: "-ed" forms, common irregular pasts
# and negated pasts ("didn't" gives "didn" + "t").
_IRREGULAR_PAST = lexicon_words("irregular_past")
# "-ed" words that are mostly adjectives ("a balanced budget", "used to") rather than past
# actions. "said"/"told" count as speech, "got" is mostly "have got" and "won" is mostly
# "won't", so none of them is an action here.
_NOT_PAST = lexicon_words("not_past")
_NEGATED_PAST_RE = re.compile(r"\b(?:did|has|had)\s+not\b")
_ATTRIBUTED_QUOTE_RE = re.compile(rf"{CLOSING_QUOTE}\s*,?\s*[^”“\"]{{0,80}}?\b{SPEECH_VERBS}\b")
_PROPER_NOUN_RE = re.compile(r"\b[A-Z][\w’'-]*[A-Za-z]")
_NOT_ACTORS = re.compile(r"I\b|OK\b|Okay\b")  # "I", "I’m", "OK"


# A speech verb's first word is enough to try the pattern ("pointed" for "pointed out").
_SPEECH_TRIGGERS = frozenset(verb.split()[0] for verb in SPEECH_VERB_ENTRIES) | {"according"}

# (reason, trigger words, pattern): a rule fires when the sentence has one of its trigger
# words (lowercase, split at anything but a-z) and, if there is a pattern, the pattern
# matches the lowercased sentence. The trigger keeps most patterns from running at all.
# Triggers that mirror their pattern are written beside it, as one string; the lists that
# are the whole rule come from the lexicon.
_RULES: tuple[tuple[str, frozenset[str], re.Pattern[str] | None], ...] = tuple(
    (
        reason,
        trigger if isinstance(trigger, frozenset) else frozenset(trigger.split()),
        re.compile(pattern) if pattern else None,
    )
    for reason, trigger, pattern in (
        (
            "reported speech",
            _SPEECH_TRIGGERS,
            rf"\b{SPEECH_VERBS}\s+(?:that\b|(?:he|she|it|they|we|i)\s)|\baccording\s+to\b",
        ),
        ("past state", "was were been", r"\b(?:was|were|had\s+been)\b"),
        ("time reference", "today yesterday currently recently ago", None),
        (
            "time reference",
            "far year month week",
            r"\bso\s+far\b|\b(?:this|last)\s+(?:year|month|week)\b",
        ),
        (
            "comparison",
            lexicon_words("comparison_words"),
            None,
        ),
        (
            "comparison",
            "than capita history time one",
            r"\b(?:more|less|fewer|higher|lower|bigger|smaller|larger|greater|faster|slower"
            r"|worse|better)\s+than\b|\bper\s+capita\b|\bin\s+history\b|\bfirst\s+time\b"
            r"|\bnumber\s+one\b",
        ),
        (
            "policy or statistics term",
            lexicon_words("policy_terms"),
            None,
        ),
        (
            "thanks",
            "thank thanks good hello hi welcome congratulations",
            rf"^\W*(?:thanks?\b|thank\s+you|(?:i|we)\s+(?:(?:would|{_APOS}d)\s+like\s+to\s+"
            r"|want\s+to\s+)?thank\b|good\s+(?:morning|afternoon|evening|night)\b|hello\b"
            r"|hi\b|welcome\b|congratulations\b)",
        ),
        (
            "opinion",
            """think believe feel hope guess suppose wish doubt opinion view judgment sure
            positive convinced confident certain optimistic proud glad happy worried know
            seems""",
            r"\b(?:i|we)\s+(?:really\s+|do\s+|still\s+|just\s+|strongly\s+)?(?:think|believe"
            r"|feel|hope|guess|suppose|wish|doubt)\b|\bin\s+my\s+(?:opinion|view|judgment)\b"
            rf"|\b(?:i{_APOS}m|i\s+am|we{_APOS}re|we\s+are)\s+(?:not\s+)?(?:sure|positive"
            r"|convinced|confident|certain|optimistic|proud|glad|happy|worried)\b"
            rf"|\bi\s+(?:don{_APOS}t|do\s+not)\s+know\b|\bit\s+seems\b",
        ),
        (
            "evaluative language",
            lexicon_words("evaluative_words"),
            None,
        ),
        ("prediction", "will shall gonna ll", None),
        (
            "prediction",
            "won going want wants plan plans intend intends hope hopes promise promises",
            rf"\bwon{_APOS}t\b|\bgoing\s+to\s+(?!be\s+\w+ed\b)\w"
            r"|\b(?:wants?|plans?|intends?|hopes?|promises?)\s+to\b",
        ),
        (
            "obligation",
            "should must ought need needs have has got let",
            rf"\b(?:should|must|ought\s+to|needs?\s+to|have\s+to|has\s+to|got\s+to|let{_APOS}s"
            r"|let\s+us)\b",
        ),
        ("hypothetical", "would could might", None),
        ("hypothetical", "d", rf"\b(?:i|we|you){_APOS}d\b"),
        ("second person", "you your", None),
    )
)
_WORD_RE = re.compile(r"[\w’'-]+")


def checkworthiness_assess(text: str, *, figures: Sequence[Figure] | None = None) -> Assessment:
    """Score how worth checking a sentence is, with the reasons that fired.

    ``figures`` may be passed when already computed (their offsets do not matter here).
    """
    if figures is None:
        figures = figures_find(text)
    lowered = text.lower()
    words = frozenset(_ALPHA_RE.findall(lowered))
    reasons = _figure_reasons(figures) + _actor_reasons(text, lowered, words)
    for reason, trigger, pattern in _RULES:
        if reason in reasons or trigger.isdisjoint(words):
            continue
        if pattern is None or pattern.search(lowered):
            reasons.append(reason)
    reasons += _form_reasons(text, figures)
    if "attributed quote" in reasons and "reported speech" in reasons:
        reasons.remove("reported speech")  # one attribution, counted once
    score = _BASE_SCORE + sum(_WEIGHTS[reason] for reason in reasons)
    score = round(min(1.0, max(0.0, score)), 3)
    veto = checkworthiness_veto(text)
    return Assessment(score, tuple(reasons), score >= CHECKABLE_THRESHOLD and not veto, veto)


# --- What is never a statement ----------------------------------------------------------
# A question or an exhortation asserts nothing that could be checked, quoted or not, so
# neither the rules nor the model may make a statement of it. Only single-sentence texts
# (or a quotation and its attribution) are judged by their last mark: a quoted passage of
# several sentences that ends in "!" can still carry claims before it.

_QUOTED_THEN_ATTRIBUTION_RE = re.compile(
    rf"[?!][”\"’'»]\s*,?\s*[^”“\"]{{0,80}}?\b{SPEECH_VERBS}\b[^”“\"]{{0,80}}$"
)
_INNER_STOP_RE = re.compile(r"[.!?…][”\"’'»)]*\s+[“\"‘'«(]*[A-Z]")
_EXHORTATION_OPENING_RE = re.compile(
    r"^(?:(?:so|and|but|now|then)\s*,?\s+)?(?:let[’']s|let\s+us"
    r"|(?:we|you|everyone|everybody)\s+(?:all\s+)?(?:must|should|have\s+to|need\s+to|ought\s+to))\b"
)


# "Speaking alongside him, NATO Secretary-General Mark Rutte concurred.": someone spoke,
# and the sentence says nothing of what they said.
# Only verbs that carry no content of their own: "Prices rose, the office said." says
# something, so "said" and "told" are not among them.
_ATTRIBUTION_ONLY_RE = re.compile(
    r"^[^“”\"«»]{0,160}\b(?:concurred|agreed|disagreed|demurred|objected|declined to comment"
    r"|(?:did|would|could) not comment)\s*\.$"
)


def checkworthiness_veto(text: str) -> str | None:
    """ "question", "exhortation" or "attribution only" when ``text`` can never be a
    checkable statement."""
    core = text.strip().lstrip(OPENERS + " ").strip()
    if _EXHORTATION_OPENING_RE.match(core.lower()):
        return "exhortation"
    if _ATTRIBUTION_ONLY_RE.match(core):
        return "attribution only"
    if _INNER_STOP_RE.search(core.rstrip(CLOSERS)):
        return None  # several sentences: one question among them does not decide
    last = core.rstrip(CLOSERS + " ")[-1:]
    if not last or last not in "?!":
        match = _QUOTED_THEN_ATTRIBUTION_RE.search(core)
        if match is None:
            return None
        last = match.group()[0]
    return "question" if last == "?" else "exhortation"


def _figure_reasons(figures: Sequence[Figure]) -> list[str]:
    kinds = {figure.kind for figure in figures}
    return [_FIGURE_REASONS[kind] for kind in FIGURE_KINDS if kind in kinds]


def _actor_reasons(text: str, lowered: str, words: frozenset[str]) -> list[str]:
    reasons = []
    if _ATTRIBUTED_QUOTE_RE.search(text):
        reasons.append("attributed quote")
    if _has_named_actor(text):
        reasons.append("named actor")
    if _has_past_action(lowered, words):
        reasons.append("concrete past action")
    return reasons


def _has_past_action(lowered: str, words: frozenset[str]) -> bool:
    if not words.isdisjoint(_IRREGULAR_PAST):
        return True
    for word in words:
        if len(word) <= 3 or not word.endswith("ed") or word in _NOT_PAST:
            continue
        # "so-called", "state-owned": hyphenated "-ed" words are adjectives
        if f" {word}" in lowered or f"-{word}" not in lowered:
            return True
    return "not" in words and _NEGATED_PAST_RE.search(lowered) is not None


def _has_named_actor(text: str) -> bool:
    """A capitalised word that is neither the first word of the sentence or of a
    quotation, nor "I"/"I'm"."""
    body = text.lstrip(OPENERS + " ")
    for match in _PROPER_NOUN_RE.finditer(body):
        if match.start() == 0 or _NOT_ACTORS.match(match.group()):
            continue
        if body[match.start() - 1] in OPENERS:
            continue
        return True
    return False


def _form_reasons(text: str, figures: Sequence[Figure]) -> list[str]:
    """Negative cues from the shape of the sentence: a question, a fragment, a headline."""
    reasons = []
    if text.rstrip().rstrip(CLOSERS).endswith("?"):
        reasons.append("question")
    words = len(_WORD_RE.findall(text))
    if words < 5:
        reasons.append("short fragment")
    elif not SENTENCE_END_RE.search(text) and words <= 12 and not figures:
        reasons.append("headline")
    return reasons
