"""Forms of the editors' pages: they parse what the browser sends; the services check it
again (annotations.tagging.learned for the learned names)."""

from django import forms

from annotations.nlp.entities import LEARNABLE_LABELS
from annotations.review.forms import ENTITY_LABELS

LEARNABLE_CHOICES = tuple((v, text) for v, text in ENTITY_LABELS if v in LEARNABLE_LABELS)


class LearnedNameForm(forms.Form):
    name = forms.CharField(
        max_length=300,
        help_text="As articles write it, capitals included: the tagger looks for exactly this.",
    )
    label = forms.ChoiceField(choices=LEARNABLE_CHOICES)
    rejected = forms.BooleanField(
        required=False,
        label="Not an entity",
        help_text="Drop the model's mentions of this name with this label instead.",
    )
