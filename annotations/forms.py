from django import forms
from django.core.validators import URLValidator

from annotations.services.articles import (
    TITLE_MAX_CHARS,
    ArticleInputError,
    article_body_clean,
    article_text_decode,
)


class ArticleForm(forms.Form):
    title = forms.CharField(
        max_length=TITLE_MAX_CHARS,
        required=False,
        help_text="Leave empty to use the first line of the text.",
    )
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 14}),
        required=False,
        strip=False,
        help_text="Paste the article: one paragraph per line.",
    )
    upload = forms.FileField(
        label="Or upload a .txt file",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,text/plain"}),
    )
    source_url = forms.URLField(
        label="Source URL",
        required=False,
        max_length=2000,
        validators=[URLValidator(schemes=["http", "https"])],
        assume_scheme="https",
    )
    publisher = forms.CharField(max_length=200, required=False)
    published_on = forms.DateField(
        label="Published on", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if not upload:
            return None
        try:
            return article_body_clean(text=article_text_decode(raw=upload.read()))
        except ArticleInputError as exc:
            raise forms.ValidationError(f"This file can't be used: {exc}.") from None

    def clean(self):
        cleaned = super().clean()
        text, upload = cleaned.get("text", ""), cleaned.get("upload")
        if "upload" in self.errors:
            return cleaned
        if text.strip() and upload:
            self.add_error("upload", "Paste the text or upload a file, not both.")
        elif upload:
            cleaned["body"] = upload
        elif text.strip():
            try:
                cleaned["body"] = article_body_clean(text=text)
            except ArticleInputError as exc:
                self.add_error("text", f"This text can't be used: {exc}.")
        else:
            self.add_error("text", "Paste the article's text here, or upload a .txt file.")
        return cleaned
