"""Claim matching's share of `make bench`, and the measurement behind its threshold.

- precision and recall on bench/data/paraphrase_pairs.tsv (60 pairs written for this
  project, half not matching, many of those on the same topic or figures), for the raw
  cosine and for the figure-aware score of annotations.nlp.encoder.claims_compare, at
  the shipped threshold and around it;
- the encoder's time per statement on one core;
- the search over N published claims (a brute-force dot product in numpy) at 10,000 and
  100,000 claims, per query.

    python bench/bench_matching.py            # everything
    python bench/bench_matching.py --pairs    # the pairs only (no database needed)
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PAIRS = BASE_DIR / "bench" / "data" / "paraphrase_pairs.tsv"


def pairs_read() -> list[tuple[bool, str, str]]:
    lines = [line for line in PAIRS.read_text("utf-8").splitlines() if not line.startswith("#")]
    rows = [line.split("\t") for line in lines[1:] if line.strip()]
    return [(match == "1", published, new) for match, published, new in rows]


def pair_scores() -> list[tuple[bool, float, float]]:
    from annotations.nlp.encoder import claim_vectors, claims_compare

    out = []
    # As the site compares them: every vector of each claim (windows of a long one), the
    # best pair's cosine, then the figure check.
    for match, published, new in pairs_read():
        cosine = float((claim_vectors(published) @ claim_vectors(new).T).max())
        comparison = claims_compare(cosine=cosine, text=new, other=published)
        out.append((match, comparison.cosine, comparison.score))
    return out


def precision_recall(scored: list[tuple[bool, float]], threshold: float) -> tuple[float, float]:
    tp = sum(1 for match, s in scored if match and s >= threshold)
    fp = sum(1 for match, s in scored if not match and s >= threshold)
    positives = sum(1 for match, _ in scored if match)
    return (tp / (tp + fp) if tp + fp else 1.0), tp / positives


def bench_pairs() -> None:
    from annotations.nlp.encoder import sentence_encoder_get

    threshold = sentence_encoder_get().threshold
    scores = pair_scores()
    n_pos = sum(1 for m, _, _ in scores if m)
    print(f"claim matching on {PAIRS.name}: {len(scores)} pairs, {n_pos} matching")
    for name, index in (("cosine", 1), ("figure-aware score", 2)):
        scored = [(m, s[index - 1]) for m, *s in scores]
        print(f"  {name}:")
        for t in (threshold - 0.1, threshold - 0.05, threshold, threshold + 0.05):
            p, r = precision_recall(scored, t)
            mark = "  <- shipped threshold" if t == threshold and index == 2 else ""
            print(f"    >= {t:.2f}: precision {p:.3f} recall {r:.3f}{mark}")


def bench_encoder_latency() -> None:
    from annotations.nlp.encoder import sentences_embed

    texts = [p for _, p, _ in pairs_read()]
    sentences_embed(texts[:2])  # warm up
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        sentences_embed(texts)
        times.append((time.perf_counter() - t0) / len(texts))
    print(f"  encoder: {statistics.median(times) * 1000:.1f} ms per statement (one core)")


def bench_search(sizes=(10_000, 100_000), vectors_per_claim: int = 4) -> None:
    """The brute-force search the site runs over published claims' vectors: float16,
    ``vectors_per_claim`` rows a claim (a 30-word claim is its sentence and 3 windows),
    queried with a claim of as many rows, as annotations.review.matches does."""
    import numpy as np

    from annotations.review.matches import matrix_search

    rng = np.random.default_rng(7)
    for n in sizes:
        rows = n * vectors_per_claim
        matrix = rng.standard_normal((rows, 384)).astype(np.float32)
        matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
        matrix = matrix.astype(np.float16)
        starts = np.arange(0, rows, vectors_per_claim)
        query = matrix[rows // 2 : rows // 2 + vectors_per_claim].astype(np.float32)
        times = []
        for _ in range(10):
            t0 = time.perf_counter()
            matrix_search(matrix=matrix, query=query, limit=20, threshold=0.6, starts=starts)
            times.append(time.perf_counter() - t0)
        memory = matrix.nbytes / 2**20
        print(
            f"  search over {n:,} published claims ({rows:,} vectors): "
            f"{statistics.median(times) * 1000:.1f} ms per statement (median of 10),"
            f" {memory:.0f} MiB of float16 vectors in each process"
        )


def main() -> None:
    sys.path.insert(0, str(BASE_DIR))
    import django

    if "--pairs" not in sys.argv:
        import os

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
        django.setup()
    bench_pairs()
    bench_encoder_latency()
    if "--pairs" not in sys.argv:
        bench_search()


if __name__ == "__main__":
    main()
