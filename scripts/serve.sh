#!/usr/bin/env bash
# Serve Secure Base beyond this machine: gunicorn on $BIND (default 0.0.0.0:8000, every interface)
# and the reminder scheduler as its own process, so the web workers never send reminders twice.
# Ctrl-C stops both. Settings come from the environment (README, "Configuration").
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

SCHEDULER=0 "$BIN/flask" --app wsgi tracker scheduler &
scheduler=$!
trap 'kill "$scheduler" 2>/dev/null || true' EXIT INT TERM

SCHEDULER=0 "$BIN/gunicorn" --workers "${WORKERS:-2}" --worker-class gthread --threads 4 \
    --bind "${BIND:-0.0.0.0:8000}" --access-logfile - wsgi:app
