"""The check-worthiness model's share of `make bench`: time per sentence and per article
on one core, and the resident memory it adds to a worker process."""

import statistics
import time

from annotations.nlp.statements import sentences_split, statements_detect
from annotations.nlp.statements.model import checkworthiness_model_get, checkworthiness_scores
from bench.timing import median_ms


def _rss_mib() -> float:
    """This process's resident set size now (Linux /proc)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def bench_checkworthiness(*, sample: str, texts: list[str]) -> None:
    print("Check-worthiness model (int8 ONNX, onnxruntime, one intra-op thread)")
    before = _rss_mib()
    started = time.perf_counter()
    model = checkworthiness_model_get()
    load_s = time.perf_counter() - started
    checkworthiness_scores(sentences=["A warm-up sentence of 12 words."] * 4, model=model)
    print(
        f"  load + verify sha256: {load_s * 1000:.0f} ms; "
        f"resident memory +{_rss_mib() - before:.0f} MiB"
    )

    sentences = [s.text for s in sentences_split(sample)]
    n_words = len(sample.split())
    article_s = median_ms(lambda: checkworthiness_scores(sentences=sentences, model=model), 20)
    article_s /= 1000
    one_s = statistics.median(
        median_ms(lambda s=s: checkworthiness_scores(sentences=[s], model=model), 3)
        for s in sentences
    )
    one_s /= 1000
    print(
        f"  sample article ({n_words} words, {len(sentences)} sentences): "
        f"{article_s * 1000:.1f} ms per article, {article_s / len(sentences) * 1000:.2f} ms "
        f"per sentence; median sentence {one_s * 1000:.2f} ms"
    )
    rules_s = median_ms(lambda: statements_detect(sample), 20) / 1000
    both_s = median_ms(lambda: statements_detect(sample, model=model), 20) / 1000
    print(
        f"  statements, rules alone: {rules_s * 1000:.1f} ms; "
        f"with the model: {both_s * 1000:.1f} ms"
    )
    started = time.perf_counter()
    for text in texts:
        statements_detect(text, model=model)
    per_article = (time.perf_counter() - started) / len(texts)
    print(f"  {len(texts)} articles: {per_article * 1000:.1f} ms per article with the model")
