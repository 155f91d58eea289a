"""Load from `wrk` (not a Python client on the same cores) against gunicorn on 127.0.0.1:

- `GET /api/v1/claimreviews/?page_size=100` beside the floor (bench/floor.py: the same
  100 stored documents, one query, no framework), 20 connections, three 5-second runs of
  each, alternated: throughput ratio and p95 of the median runs;
- the review page for logged-in reviewers (sample article), 20 connections: p50 / p99.

wrk comes from Debian (`apt-get install -y wrk`; `make bench` installs it when missing).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PORT = 8766
# The API list and its floor: runs of each, alternated (bench_load says why).
ALTERNATIONS = 3
RUN_SECONDS = 5
# wrk's --latency prints no 95th percentile: this script does.
WRK_LUA = """
done = function(summary, latency, requests)
  io.write(string.format("BENCH p50=%.3f p95=%.3f p99=%.3f requests=%d non2xx=%d\\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, summary.requests, summary.errors.status))
end
"""


def gunicorn_start(*, env: dict, workers: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(BASE_DIR / ".venv/bin/gunicorn"),
            "factcheck.wsgi",
            *("--bind", f"127.0.0.1:{PORT}", "--workers", str(workers)),
            *("--log-level", "warning"),
        ],
        cwd=BASE_DIR,
        env=env,
    )
    import httpx

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{PORT}/login/", timeout=2)
            return server
        except httpx.HTTPError:
            time.sleep(0.3)
    server.terminate()
    raise RuntimeError("gunicorn did not answer within 30 s")


def wrk(path: str, *, headers: dict[str, str], connections: int = 20, seconds: int = 10) -> dict:
    """Requests/s and latency percentiles (ms) of one wrk run (2 threads)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_LUA)
    args = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", script.name]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    out = subprocess.run(
        [*args, f"http://127.0.0.1:{PORT}{path}"], capture_output=True, text=True, check=True
    ).stdout
    os.unlink(script.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    stats = dict(re.findall(r"(\w+)=([\d.]+)", out.split("BENCH", 1)[1]))
    return {"rps": rps, **{k: float(v) for k, v in stats.items()}}


def _median_run(runs: list[dict]) -> dict:
    """The run with the median throughput (an odd number of runs)."""
    return sorted(runs, key=lambda run: run["rps"])[len(runs) // 2]


def bench_load(*, api_token: str, review_cookie: str, review_path: str, env: dict) -> None:
    if shutil.which("wrk") is None:
        print("Load: skipped (wrk is not installed: apt-get install -y wrk)")
        return
    workers = 2 * (os.cpu_count() or 1) + 1
    env = {**env, "DJANGO_SETTINGS_MODULE": "bench.settings_floor"}
    server = gunicorn_start(env=env, workers=workers)
    try:
        auth = {"Authorization": f"Bearer {api_token}"}
        api_path = "/api/v1/claimreviews/?page_size=100"
        wrk(api_path, headers=auth, seconds=3)  # warm every worker
        # Alternated, and the median run of each kept: one run each, back to back, saw the
        # ratio move between 0.43 and 0.64 on this machine as its speed drifted.
        runs: dict[str, list[dict]] = {"floor": [], "api": []}
        for _ in range(ALTERNATIONS):
            runs["floor"].append(wrk("/bench/floor/", headers={}, seconds=RUN_SECONDS))
            runs["api"].append(wrk(api_path, headers=auth, seconds=RUN_SECONDS))
        median = {name: _median_run(every) for name, every in runs.items()}
        floor, api = median["floor"], median["api"]
        print(
            f"API list under wrk, 20 connections, {workers} gunicorn workers, "
            f"{ALTERNATIONS} alternated runs of {RUN_SECONDS} s each, the median run of each:"
        )
        for label, name in (("floor view", "floor"), ("GET claimreviews", "api")):
            r = median[name]
            every = ", ".join(f"{run['rps']:.0f}" for run in runs[name])
            print(
                f"  {label:17} {r['rps']:7.0f} req/s  p50 {r['p50']:6.1f} ms"
                f"  p95 {r['p95']:6.1f} ms  ({int(r['non2xx'])} non-2xx; runs: {every} req/s)"
            )
        print(f"  throughput API/floor: {api['rps'] / floor['rps']:.2f} (target >= 0.5)")
        print(f"  p95 {api['p95']:.1f} ms (target <= 50 ms)")
        page = wrk(review_path, headers={"Cookie": review_cookie})
        print(
            f"Review page, 20 logged-in reviewers: {page['rps']:.0f} req/s, p50 "
            f"{page['p50']:.0f} ms, p99 {page['p99']:.0f} ms (target p99 <= 1000 ms),"
            f" {int(page['non2xx'])} non-2xx"
        )
    finally:
        server.terminate()
        server.wait(timeout=10)
