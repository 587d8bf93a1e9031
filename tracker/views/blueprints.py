"""Every blueprint of the app in one plain list, registered by create_app in this order.

Kept out of tracker/__init__.py: importing view modules there would bind their names on the tracker
package, and `tracker.insights` would then be the insights page instead of the pure insights module.
"""

from __future__ import annotations

from tracker.views import (
    account,
    api,
    auth,
    email_links,
    history,
    insights,
    lock,
    log,
    pages,
    pauses,
    people,
    push,
    pwa,
    recovery,
    reminders,
    settings,
)
from tracker.views.practice import checkin, ladder, plans, recall, welcome

BLUEPRINTS = (
    lock.bp,  # first: its idle lock runs before any other blueprint's code
    pages.bp,
    auth.bp,
    recovery.bp,
    log.bp,
    people.bp,
    history.bp,
    settings.bp,
    pauses.bp,
    insights.bp,
    pwa.bp,
    reminders.bp,
    email_links.bp,
    push.bp,
    account.bp,
    ladder.bp,
    checkin.bp,
    recall.bp,
    welcome.bp,
    plans.bp,
    api.bp,
)

# POSTs whose token in the URL is the credential, so they carry no CSRF token: RFC 8058 one-click
# unsubscribe (sent by mail apps: a reminder's, and a fresh-start email's "stop these") and a
# notification's buttons (sent by the service worker).
TOKEN_ONLY_POSTS = frozenset(
    {"email_links.confirm_unsubscribe", "email_links.confirm_fresh_off", *push.TOKEN_ONLY}
)
