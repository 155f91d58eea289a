"""Forms of the review page: they parse and validate what the browser sends before the
services (annotations.review.services) check it again against the database."""

from typing import Any

from django import forms

from annotations.core.forms import HttpURLField
from annotations.models import (
    CLAIM_SUMMARY_MAX_CHARS,
    SPEAKER_MAX_CHARS,
    SpeakerType,
    Verdict,
    VerdictSource,
)
from annotations.nlp.entities import LABELS_KEPT
from annotations.review.services import ClaimInput, SourceInput

MAX_SOURCES = 20

# The entity labels a reviewer can choose, in the order the menus list them.
ENTITY_LABELS: tuple[tuple[str, str], ...] = (
    ("PERSON", "PERSON — person"),
    ("ORG", "ORG — organisation"),
    ("GPE", "GPE — country, city, state"),
    ("LOC", "LOC — other location"),
    ("NORP", "NORP — nationality, religious or political group"),
    ("FAC", "FAC — building, airport, road"),
    ("EVENT", "EVENT — named event"),
    ("LAW", "LAW — law or treaty"),
    ("MONEY", "MONEY — amount of money"),
    ("DATE", "DATE — date or period"),
    ("PERCENT", "PERCENT — percentage"),
)
assert {value for value, _ in ENTITY_LABELS} == LABELS_KEPT, "keep the menu in step with NER"

# The verdict's fields about the claim itself (the rest are about its truth).
CLAIM_FIELDS = ("claim_summary", "speaker", "speaker_type")


class VerdictForm(forms.Form):
    """The verdict itself; its sources come in SourceFormSet (prefix "sources")."""

    ACTIONS = (("save", "Save draft"), ("submit", "Submit for approval"))

    rating = forms.ChoiceField(
        label="Verdict", choices=Verdict.Rating.choices, required=False, widget=forms.RadioSelect
    )
    explanation = forms.CharField(
        label="Explanation",
        required=False,
        strip=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    claim_summary = forms.CharField(
        label="Claim as reviewed",
        required=False,
        max_length=CLAIM_SUMMARY_MAX_CHARS,
        help_text="Optional: the claim in a short sentence, if the original is long or "
        "garbled. The original sentence stays in the article.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    speaker = forms.CharField(
        label="Speaker",
        required=False,
        max_length=SPEAKER_MAX_CHARS,
        help_text="Who made the claim; leave empty if nobody is known.",
    )
    speaker_type = forms.ChoiceField(
        label="Speaker type",
        choices=[("", "—"), *SpeakerType.choices],
        required=False,
        error_messages={"invalid_choice": "Choose Person or Organization as the speaker type."},
    )
    base_version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    action = forms.ChoiceField(choices=ACTIONS, required=False)

    def claim(self) -> ClaimInput | None:
        """The claim as reviewed, from a valid form; None (keep it as saved) when none of
        its fields was sent, say by a page loaded before they existed."""
        if not any(name in self.data for name in CLAIM_FIELDS):
            return None
        return ClaimInput(
            summary=self.cleaned_data["claim_summary"],
            speaker=self.cleaned_data["speaker"],
            speaker_type=self.cleaned_data["speaker_type"],
        )


class SourceForm(forms.Form):
    url = HttpURLField(
        label="Source URL",
        required=False,
        max_length=VerdictSource._meta.get_field("url").max_length,
        assume_scheme="https",
    )
    title = forms.CharField(
        label="Source title",
        required=False,
        max_length=VerdictSource._meta.get_field("title").max_length,
    )
    publisher = forms.CharField(
        label="Publisher",
        required=False,
        max_length=VerdictSource._meta.get_field("publisher").max_length,
    )
    quote = forms.CharField(
        label="Quote",
        required=False,
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()  # returns self.cleaned_data (typed as maybe None)
        cleaned = self.cleaned_data
        filled = any(cleaned.get(name) for name in ("title", "publisher", "quote"))
        if filled and not cleaned.get("url") and "url" not in self.errors:
            self.add_error("url", "Add the source's web address, or remove this source.")
        return cleaned


class BaseSourceFormSet(forms.BaseFormSet):
    default_error_messages = {
        "too_many_forms": "A verdict can cite at most %(num)d sources.",
        "missing_management_form": "The list of sources was incomplete: reload the page.",
    }

    def sources(self) -> list[SourceInput]:
        """The filled rows, in order (rows left completely empty are skipped)."""
        return [
            SourceInput(
                url=f.cleaned_data["url"],
                title=f.cleaned_data.get("title", ""),
                publisher=f.cleaned_data.get("publisher", ""),
                quote=f.cleaned_data.get("quote", ""),
            )
            for f in self.forms
            if f.cleaned_data.get("url")
        ]


SourceFormSet = forms.formset_factory(
    SourceForm,
    formset=BaseSourceFormSet,
    extra=0,
    max_num=MAX_SOURCES,
    validate_max=True,
)
SOURCES_PREFIX = "sources"


class DismissForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=2_000,
        error_messages={"required": "Say why this statement is not checkable."},
        widget=forms.TextInput(attrs={"placeholder": "e.g. opinion, prediction, no claim"}),
    )


class AssignForm(forms.Form):
    assignee = forms.IntegerField(label="Assign to", required=False, min_value=1)


class SpanForm(forms.Form):
    """A selection in the article: code point offsets into its body (Python str indices,
    not the UTF-16 code units of JavaScript) and the selected text, which the service
    checks against ``body[start:end]``."""

    start = forms.IntegerField(min_value=0)
    end = forms.IntegerField(min_value=0)
    text = forms.CharField(
        strip=False,  # compared character for character, white space included
        error_messages={"required": "The selected text is missing: select the text again."},
    )

    def clean(self) -> dict[str, Any]:
        super().clean()  # returns self.cleaned_data (typed as maybe None)
        cleaned = self.cleaned_data
        start, end = cleaned.get("start"), cleaned.get("end")
        if start is not None and end is not None and start >= end:
            self.add_error("start", "The selection is empty.")
        return cleaned


class MentionAddForm(SpanForm):
    label = forms.ChoiceField(choices=ENTITY_LABELS)


class MentionRelabelForm(forms.Form):
    label = forms.ChoiceField(choices=ENTITY_LABELS)
    # Relabel every mention of the same entity in the article, not only this one.
    everywhere = forms.BooleanField(required=False)
    # The statement whose panel the answer re-renders (optional).
    statement = forms.IntegerField(required=False, min_value=1)


class MentionRemoveForm(forms.Form):
    statement = forms.IntegerField(required=False, min_value=1)


def form_first_error(form: forms.Form) -> str:
    """One message for a JSON answer: the first error of the form."""
    for errors in form.errors.values():
        if errors:
            return str(errors[0])
    return "Check the request."


def verdict_input_validate(*, form, formset) -> tuple[list | None, list[str]]:
    """Validate the verdict panel's form and source rows.

    When submitting, every missing part is reported at once, beside its field (the
    service would name only the first). Returns (sources, errors about the sources);
    sources is None when anything is wrong.
    """
    form_ok, formset_ok = form.is_valid(), formset.is_valid()
    sources = formset.sources() if formset_ok else []
    sources_errors = list(formset.non_form_errors())
    if form_ok and form.cleaned_data["action"] == "submit":
        if not form.cleaned_data["rating"]:
            form.add_error("rating", "Choose a verdict before submitting.")
        if not form.cleaned_data["explanation"].strip():
            form.add_error("explanation", "Write an explanation before submitting.")
        if formset_ok and not sources:
            sources_errors.append("Add at least one source before submitting.")
    if form.errors or not formset_ok or sources_errors:
        return None, sources_errors
    return sources, sources_errors
