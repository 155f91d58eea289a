#!/usr/bin/env bash
# `make run`: the embedded set-up on one machine. A real Celery worker (with the beat
# scheduler that sweeps stuck tagging jobs) runs beside Django's development server; both
# stop together.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export DEBUG="${DEBUG:-1}"
RUN_ADDR="${RUN_ADDR:-127.0.0.1:8000}"
# ClaimReview urls (and the organisation's url) follow the address served on, unless
# SITE_URL is set in the environment or in .env.
if [ -z "${SITE_URL:-}" ] && ! grep -q '^SITE_URL=' .env 2>/dev/null; then
  export SITE_URL="http://$RUN_ADDR"
fi

VAR="${VAR_DIR:-var}"
mkdir -p "$VAR"

"$BIN/python" manage.py migrate --no-input -v 0
"$BIN/python" manage.py load_demo

# The worker runs in a session of its own: a signal sent to this script's process group
# (Ctrl-C, or `kill -TERM -- -PGID`) must not reach its pool processes, which would die
# mid-task. The trap asks the worker's main process for a warm shutdown instead: it lets
# a running task finish (its time limit bounds the wait), then exits.
setsid "$BIN/celery" -A factcheck worker --beat --schedule "$VAR/celerybeat-schedule" \
  --concurrency "${WORKER_CONCURRENCY:-2}" --loglevel INFO &
worker=$!
trap 'kill -TERM "$worker" 2>/dev/null; wait "$worker" 2>/dev/null' EXIT INT TERM

echo "Open http://$RUN_ADDR/ (log in with the demo reviewer above). Ctrl-C stops both."
"$BIN/python" manage.py runserver "$RUN_ADDR"
