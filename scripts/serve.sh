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

# --preload builds the app once, before the workers fork (they share its memory until they write to
# it), so the web process must never start the scheduler: its thread would live in the master alone.
# SCHEDULER=0 here whatever the environment says; the scheduler above is the one. MALLOC_ARENA_MAX=1:
# glibc would give each of the 4 threads its own memory arena, which a worker holds on to (with the GIL
# they seldom allocate at once; a second arena held 2 MB more after the bench's load); a fixed
# MALLOC_MMAP_THRESHOLD_ keeps blocks over 128 KiB (compression buffers) out of the heap, where glibc
# would otherwise keep them after use.
SCHEDULER=0 MALLOC_ARENA_MAX=1 MALLOC_MMAP_THRESHOLD_=131072 "$BIN/gunicorn" --preload --workers "${WORKERS:-2}" --worker-class gthread \
    --threads 4 --bind "${BIND:-0.0.0.0:8000}" --access-logfile - wsgi:app
