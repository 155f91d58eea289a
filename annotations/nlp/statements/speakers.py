"""Speakers: who a sentence attributes its words to (``speaker_find``: "..., she said",
"X told reporters", "according to X"), and who is speaking in each sentence of an article
(``speakers_track``: pronouns, bare surnames and quotations running over several
sentences resolved against what came before), and what kind of speaker a name is
(``claimant_type``: a Person or an Organization, for ClaimReview's claimant).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from annotations.nlp.lexicon import lexicon_entries, lexicon_words, words_pattern
from annotations.nlp.statements.sentences import SENTENCE_END_RE, Sentence

__all__ = [
    "CLOSING_QUOTE",
    "SPEECH_VERBS",
    "SPEECH_VERB_ENTRIES",
    "claimant_type",
    "speaker_find",
    "speakers_track",
]

# The verbs that attribute words, as a regex group; check-worthiness uses them too.
SPEECH_VERB_ENTRIES = lexicon_entries("speech_verbs")
SPEECH_VERBS = rf"(?:{words_pattern(SPEECH_VERB_ENTRIES)})"
_SPEECH_ADVERBS = r"(?:(?:also|then|later|again|previously|further|has|had|have|had\s+also)\s+)*"
_NAME_PARTICLES = lexicon_words("name_particles")
_NAME_TOKEN = r"[A-Z][\w’'.-]*"
# "of" and "for" join the words of a body's name ("Central Bureau of Statistics", "Office
# for National Statistics") when a capitalised word follows.
_NAME_CONNECTOR = r"(?:of|for)(?:\s+the)?(?=\s+[A-Z])"
# At most eight words: names are short, and the bound keeps ALL-CAPS text from backtracking.
_NAME_RUN = (
    rf"{_NAME_TOKEN}(?:\s+(?:{_NAME_TOKEN}|(?:{words_pattern(sorted(_NAME_PARTICLES))})\b"
    rf"|{_NAME_CONNECTOR})){{0,7}}"
)
# A quotation closing before its attribution: right after punctuation ('...,” he said'),
# or followed by a comma (British style, '...”, he said'). A bare ’ could be an apostrophe.
CLOSING_QUOTE = r"(?:(?<=[,.!?…])[”\"’']|[”\"](?=,))"
_QUOTE_THEN_SUBJECT_RE = re.compile(
    rf"{CLOSING_QUOTE}\s*,?\s*(?P<subject>[^”“\"]{{1,160}}?)\s+{_SPEECH_ADVERBS}{SPEECH_VERBS}\b"
)
_QUOTE_THEN_VERB_RE = re.compile(
    rf"{CLOSING_QUOTE}\s*,?\s*{SPEECH_VERBS}\s+(?P<subject>{_NAME_RUN}|he|she)\b"
)
_NAME_THEN_VERB_RE = re.compile(rf"(?P<subject>{_NAME_RUN})\s+{_SPEECH_ADVERBS}{SPEECH_VERBS}\b")
_PRONOUN_THEN_VERB_RE = re.compile(rf"\b(?:he|she)\s+{_SPEECH_ADVERBS}{SPEECH_VERBS}\b")
# What may stand between "according to" and the body or person: "figures (published) by",
# "data from", "the Dutch statistics office" (a descriptor before the name). Not "and" or
# "or" ("according to Trump and Macron" is Trump's), nor "of"/"for", which belong inside
# a body's name ("the Office for National Statistics").
_LOWER_WORD = r"(?!(?:and|or|but|who|which|that|of|for)\b)[a-z][\w’'-]*"
_ACCORDING_TO_RE = re.compile(
    rf"\b[Aa]ccording\s+to\s+(?:the\s+)?"
    rf"(?:(?:{_NAME_TOKEN}\s+)?(?:{_LOWER_WORD}\s+){{1,5}}?(?:(?:by|from)\s+(?:the\s+)?)?)?"
    rf"(?P<subject>{_NAME_RUN})"
)
# ", said Statistics Netherlands." without a quotation before it.
_COMMA_THEN_VERB_RE = re.compile(rf",\s*{SPEECH_VERBS}\s+(?:the\s+)?(?P<subject>{_NAME_RUN})")

_TITLE_WORDS = lexicon_words("title_words")
_CONNECTORS = frozenset({"of", "for", "the"})
# Capitalised words that start a sentence or name nobody.
_NOT_NAMES = lexicon_words("not_names")


def speaker_find(sentence: str, *, previous_speaker: str | None = None) -> str | None:
    """The person (or body) a sentence attributes its words to, or None.

    A pronoun subject ("he wrote on X") resolves to ``previous_speaker``.
    """
    for pattern in (_QUOTE_THEN_SUBJECT_RE, _QUOTE_THEN_VERB_RE, _COMMA_THEN_VERB_RE):
        match = pattern.search(sentence)
        if match:
            name = _speaker_name(match.group("subject"), previous_speaker)
            if name:
                return name
    for match in _NAME_THEN_VERB_RE.finditer(sentence):
        name = _speaker_name(match.group("subject"), previous_speaker)
        if name:
            return name
    if _PRONOUN_THEN_VERB_RE.search(sentence):
        return previous_speaker
    match = _ACCORDING_TO_RE.search(sentence)
    if match:
        return _speaker_name(match.group("subject"), previous_speaker)
    return None


def _speaker_name(subject: str, previous_speaker: str | None) -> str | None:
    """ "Ukrainian President Volodymyr Zelenskyy" -> "Volodymyr Zelenskyy"; "Ursula von der
    Leyen, the president of ..." -> "Ursula von der Leyen"; "he" -> previous_speaker."""
    subject = subject.split(",")[0].strip()
    if subject.lower() in ("he", "she"):
        return previous_speaker
    tokens = subject.split()
    last_title = -1
    for index, token in enumerate(tokens):
        bare = token.strip(".,").lower()
        if token.endswith(("’s", "'s")) or any(p in _TITLE_WORDS for p in bare.split("-")):
            last_title = index  # "Germany’s Foreign Minister": everything up to here goes
    name: list[str] = []
    rest = tokens[last_title + 1 :]
    for index, token in enumerate(rest):
        joins = token in _NAME_PARTICLES or (
            token in _CONNECTORS and index + 1 < len(rest) and rest[index + 1][0].isupper()
        )
        if token[0].isupper() or (name and joins):
            name.append(token)
        else:
            break
    while name and name[0].lower() in _NOT_NAMES:
        name.pop(0)
    while name and (name[-1] in _NAME_PARTICLES or name[-1] in _CONNECTORS):
        name.pop()
    # "Statistics Netherlands’ latest figures": the possessive is not part of the name.
    return " ".join(name).rstrip(".").rstrip("’'") or None


def speakers_track(sentences: Sequence[Sentence]) -> list[str | None]:
    """Speaker of every sentence, following the article.

    Pronouns resolve to the last named speaker; a surname alone resolves to the full name
    seen before ("Zelenskyy" -> "Volodymyr Zelenskyy"). A sentence inside a quotation with
    no attribution of its own takes the attribution that closes the quotation later in the
    paragraph, or else the speaker in effect before it (a quote running on).
    """
    inside_quote = _quotation_states(sentences)
    found: list[str | None] = []
    before: list[str | None] = []
    previous: str | None = None
    full_names: list[str] = []
    for sentence in sentences:
        before.append(previous)
        speaker = speaker_find(sentence.text, previous_speaker=previous)
        if speaker:
            speaker = _full_name(speaker, full_names)
            previous = speaker
        found.append(speaker)
    speakers = list(found)
    for index, sentence in enumerate(sentences):
        if speakers[index] or not inside_quote[index]:
            continue
        if not SENTENCE_END_RE.search(sentence.text):
            continue  # a quoted headline ("‘The coming week will be decisive’") stands alone
        speakers[index] = before[index]
        for later in range(index + 1, len(sentences)):
            if sentences[later].paragraph != sentence.paragraph or not inside_quote[later]:
                break
            if found[later]:
                speakers[index] = found[later]
                break
    return speakers


def _full_name(speaker: str, full_names: list[str]) -> str:
    if " " in speaker:
        full_names.append(speaker)
        return speaker
    for name in reversed(full_names):
        if name.endswith(" " + speaker):
            return name
    return speaker


_DOUBLE_QUOTE_RE = re.compile('[“”"]')


def _quotation_states(sentences: Sequence[Sentence]) -> list[bool]:
    """Whether each sentence starts inside (or with) a quotation of its paragraph."""
    states = []
    paragraph = -1
    is_open = False
    for sentence in sentences:
        if sentence.paragraph != paragraph:
            paragraph, is_open = sentence.paragraph, False
        states.append(is_open or sentence.text[0] in '“"‘')
        for char in _DOUBLE_QUOTE_RE.findall(sentence.text):
            is_open = (char == "“") if char != '"' else not is_open
    return states


# --- What kind of speaker: a Person or an Organization ---------------------------------

# Entity labels (spaCy's) of a tagged mention named like the speaker, and what they make it.
ORGANIZATION_LABELS = frozenset({"ORG", "GPE", "NORP"})
PERSON_LABELS = frozenset({"PERSON"})
# Words only bodies carry in their names ("Statistics Netherlands", "Ministry of
# Finance"): the tagger's own list (nlp/lexicon/organisation_words.txt), lowercase.
ORGANIZATION_WORDS = lexicon_words("organisation_words")


def claimant_type(*, speaker: str, labels: Collection[str] = ()) -> str:
    """The schema.org type of who made the claim: "Person" or "Organization".

    ``labels`` are the entity labels of the article's tagged mentions named like the
    speaker (review.selectors.speaker_labels). They decide when they can: more
    organisation mentions (ORG, GPE, NORP) than person mentions (PERSON) make an
    Organization, more person mentions a Person. Where they cannot (no tagged mention of
    that name, or a tie), a rule on the name itself: a single all-capitals word (an
    acronym, "OECD") or a name with a word of ORGANIZATION_WORDS, the list the tagger
    labels organisations by ("Statistics Netherlands", "Ministry of Finance"), is an
    Organization; any other name a Person.
    """
    organisations = sum(1 for label in labels if label in ORGANIZATION_LABELS)
    persons = sum(1 for label in labels if label in PERSON_LABELS)
    if organisations != persons:
        return "Organization" if organisations > persons else "Person"
    words = speaker.replace("-", " ").split()
    if len(words) == 1 and len(speaker) > 1 and speaker.isupper():
        return "Organization"
    if any(word.strip(".,’'()").lower() in ORGANIZATION_WORDS for word in words):
        return "Organization"
    return "Person"
