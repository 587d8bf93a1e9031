"""The WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi run`."""

import gc
import os
import sys

if os.environ.get("DATABASE_URL", "").startswith("sqlite:"):
    # peewee imports psycopg2 whenever it is installed, and the psycopg2-binary wheel brings its own
    # libpq and OpenSSL: 5 MB in every worker of an SQLite deployment, which never talks to PostgreSQL.
    # Only when the environment names SQLite, since the environment has the last word on DATABASE_URL
    # (without it, instance/config.py may name PostgreSQL).
    sys.modules["psycopg2"] = None  # import psycopg2 now raises ImportError: peewee goes without

from tracker import create_app  # after the line above, which must come before peewee is imported

app = create_app()
# What start-up built (modules, routes, settings) lives as long as the process: frozen, the collector's
# full passes skip those objects, and with gunicorn's --preload the forked workers never write to their
# pages just to walk them, so the pages stay shared.
gc.freeze()
