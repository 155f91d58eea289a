""" "Checked before": the sentence vectors claims are matched by (annotations.nlp.encoder)."""

from django.db import models

from annotations.models.articles import Statement


class StatementEmbedding(models.Model):
    """A statement's vectors: the whole sentence, then windows of a long one (a clause of
    a 50-word sentence is what a later article repeats). float16, ``count`` rows of 384,
    in their own table so that statement queries never carry them."""

    statement = models.OneToOneField(
        Statement, on_delete=models.CASCADE, primary_key=True, related_name="embedding"
    )
    vectors = models.BinaryField()
    count = models.PositiveSmallIntegerField()
    encoder_version = models.CharField(max_length=12, help_text="sha256 prefix of the encoder.")
    text_sha256 = models.CharField(max_length=64, help_text="Of the text the vectors are of.")
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.count} vector(s) of statement {self.statement_id}"
