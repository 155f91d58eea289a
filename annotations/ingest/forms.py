from collections.abc import Mapping
from typing import Any

from django import forms
from django.conf import settings

from annotations.core.forms import HttpURLField
from annotations.ingest.services import (
    TITLE_MAX_CHARS,
    ArticleInputError,
    article_body_clean,
    article_size_message,
    article_text_decode,
)


def request_too_large_message() -> str:
    megabytes = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024)
    return (
        f"This text can't be used: the request is larger than {megabytes:g} MB, and an "
        f"article has at most {settings.ARTICLE_MAX_CHARS:,} characters."
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
    url = HttpURLField(
        label="Or the article's web address",
        required=False,
        max_length=2000,
        assume_scheme="https",
        help_text="The page is fetched, the article's text, title, publisher and date are "
        "taken from it, and the page is archived beside the article.",
    )
    html = forms.FileField(
        label="Or upload a saved web page (.html)",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".html,.htm,text/html"}),
    )
    source_url = HttpURLField(
        label="Source URL",
        required=False,
        max_length=2000,
        assume_scheme="https",
    )
    publisher = forms.CharField(max_length=200, required=False)
    published_on = forms.DateField(
        label="Published on", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, undecodable: Mapping[str, int] | None = None, **kwargs) -> None:
        """``undecodable``: the fields whose submitted bytes were not UTF-8, with the
        position of the first bad byte (see views.post_data_decode)."""
        super().__init__(*args, **kwargs)
        self.undecodable = dict(undecodable or {})
        # No maxlength in the page: a browser silently cuts a longer pasted title, where
        # the form's own check says so beside the field and keeps what was typed.
        self.fields["title"].widget.attrs.pop("maxlength", None)

    @classmethod
    def refused(cls, *, field: str, message: str) -> "ArticleForm":
        """An empty form with one error, for a request whose data could not be read."""
        form = cls(data={})
        form.is_valid()
        form.errors.clear()
        form.add_error(field, message)
        return form

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if not upload:
            return None
        # Checked before reading: the file is on disk, and need not all come into memory.
        if upload.size > settings.ARTICLE_MAX_CHARS * 4:
            raise forms.ValidationError(f"This file can't be used: {article_size_message()}.")
        try:
            return article_body_clean(text=article_text_decode(raw=upload.read()))
        except ArticleInputError as exc:
            raise forms.ValidationError(f"This file can't be used: {exc}.") from None

    def clean_html(self) -> bytes | None:
        upload = self.cleaned_data.get("html")
        if not upload:
            return None
        if upload.size > settings.INGEST_URL_MAX_BYTES:
            limit = settings.INGEST_URL_MAX_BYTES / (1024 * 1024)
            raise forms.ValidationError(f"This file can't be used: it is larger than {limit:g} MB.")
        return upload.read()

    def clean(self) -> dict[str, Any]:
        super().clean()  # returns self.cleaned_data (typed as maybe None)
        cleaned = self.cleaned_data
        for name, position in self.undecodable.items():
            if name in self.fields:
                what = "text" if name == "text" else "value"
                self.add_error(
                    name,
                    f"This {what} can't be used: it is not valid UTF-8 "
                    f"(bad byte at position {position}).",
                )
        text, upload = cleaned.get("text", ""), cleaned.get("upload")
        if any(name in self.errors for name in ("upload", "text", "url", "html")):
            return cleaned
        pages = [name for name in ("url", "html") if cleaned.get(name)]
        if pages:
            # A page is the article's source: the text and .txt upload stay empty.
            if text.strip() or upload or len(pages) > 1:
                self.add_error(
                    pages[-1], "Give one of: the text, a .txt file, a web address, an HTML file."
                )
            if pages == ["url"] and cleaned.get("source_url"):
                self.add_error("source_url", "Leave this empty: the web address is the source.")
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
            self.add_error(
                "text",
                "Paste the article's text here, upload a .txt file, or give its web address.",
            )
        return cleaned
