"""JSON API v1 under /api/v1: one blueprint (base.py), its routes by area in the modules below.

Importing the package attaches every area's routes to `bp`, as microblog's api package does.
"""

from tracker.views.api import logs, openapi, plans, push, reminders, summary, tokens
from tracker.views.api.base import bp

__all__ = ["bp", "logs", "openapi", "plans", "push", "reminders", "summary", "tokens"]
