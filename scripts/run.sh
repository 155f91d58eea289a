#!/usr/bin/env bash
# `make run`: the embedded set-up on one machine. A real Celery worker (with the beat
# scheduler that sweeps stuck tagging jobs) runs beside Django's development server; both
# stop together.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export DEBUG="${DEBUG:-1}"
mkdir -p var/celery/queue var/celery/processed

"$BIN/python" manage.py migrate --no-input -v 0
"$BIN/python" manage.py load_demo

"$BIN/celery" -A factcheck worker --beat --schedule var/celerybeat-schedule \
  --concurrency "${WORKER_CONCURRENCY:-2}" --loglevel INFO &
worker=$!
trap 'kill "$worker" 2>/dev/null; wait "$worker" 2>/dev/null' EXIT INT TERM

echo "Open http://127.0.0.1:8000/ (log in with the demo reviewer above). Ctrl-C stops both."
"$BIN/python" manage.py runserver "${RUN_ADDR:-127.0.0.1:8000}"
