"""Where the time of one partner API list page goes: pyinstrument over 200 requests of
`GET /api/v1/claimreviews/?page_size=100` (Django test client, throwaway PostgreSQL
database, 1,000 published verdicts). Prints the profile as text.

    DATABASE_URL=postgres://... .venv/bin/python bench/profile_api.py
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.harness import django_setup, throwaway_database

os.environ.setdefault("API_SYNC_LAG_SECONDS", "0")  # a page as soon as it is published
django_setup()

from django.test import Client  # noqa: E402
from pyinstrument import Profiler  # noqa: E402


def main() -> None:
    from annotations.models import Partner
    from annotations.partners.tokens import partner_token_create
    from bench.bench_api import published_create

    with throwaway_database("profile"):
        published_create(1_000)
        token = partner_token_create(name="Profile partner").secret
        Partner.objects.update(rate_per_minute=100_000_000)
        client = Client(headers={"Authorization": f"Bearer {token}"})
        path = "/api/v1/claimreviews/?page_size=100"
        first = client.get(path)
        assert first.status_code == 200, (first.status_code, first.content[:300])
        if os.environ.get("PROFILE_TIMES") == "1":  # per request, beside the floor view
            floor = Client()
            for label, get, url in (
                ("floor", floor.get, "/bench/floor/"),
                ("api", client.get, path),
            ) * 3:
                start = time.perf_counter()
                for _ in range(500):
                    get(url)
                print(f"{label}: {(time.perf_counter() - start) / 500 * 1000:.3f} ms")
            return
        if os.environ.get("PROFILE_CPROFILE") == "1":
            import cProfile
            import pstats

            with cProfile.Profile() as prof:
                for _ in range(500):
                    client.get(path)
            pstats.Stats(prof).sort_stats("cumulative").print_stats(60)
            return
        profiler = Profiler(interval=0.0002)
        profiler.start()
        for _ in range(200):
            client.get(path)
        profiler.stop()
        print(
            profiler.output_text(
                unicode=False, color=False, show_all=os.environ.get("PROFILE_ALL") == "1"
            )
        )


if __name__ == "__main__":
    main()
