"""Every route, every method it allows plus HEAD and OPTIONS, signed out and signed in: GET, HEAD and
OPTIONS change nothing (no row of any table, no email, no sign-in) and nothing answers 5xx.

This walks `app.url_map`, so a route added tomorrow is walked too; a URL parameter this file can't fill
fails the test, so whoever adds one says here what a real value is. Safe requests carry a valid sign-in
form and CSRF token in their body, so a view that acts on a GET or HEAD is caught acting.
"""

from __future__ import annotations

from pathlib import Path

from werkzeug.routing import Rule

from tests.app.test_your_data import fill
from tests.conftest import PASSWORD, Auth, csrf_token
from tracker import tokens
from tracker.emails import address_tag, password_tag
from tracker.insights import local_date_of
from tracker.models import ApiToken, Log, Pause, Person, Plan, PushSubscription, ReminderRule, User, database

SAFE = ("GET", "HEAD", "OPTIONS")


def snapshot(outbox: Path) -> dict:
    """Every row of every table, and the emails sent so far."""
    rows = {}
    for table in sorted(database.get_tables()):
        cursor = database.execute_sql(f'SELECT * FROM "{table}"')  # noqa: S608 (names from the schema)
        rows[table] = sorted(map(repr, cursor.fetchall()))
    rows["(emails sent)"] = sorted(p.name for p in outbox.glob("*")) if outbox.exists() else []
    return rows


def differences(before: dict, after: dict) -> list[str]:
    """The tables whose rows changed, to name in a failure."""
    return [name for name in before.keys() | after.keys() if before.get(name) != after.get(name)]


def values_for(user: User, now) -> dict[str, object]:
    """A real value for each URL parameter, all of this user's."""
    log = Log.select().where(Log.user == user.id).first()
    rule = ReminderRule.select().where(ReminderRule.user == user.id).first()
    day = local_date_of(now, user.timezone)
    link = {
        "done": tokens.make("done", user.id, 1, now, k="closeness", s=1, d=day.isoformat()),
        "snooze": tokens.make("snooze", user.id, 1, now),
        "not_today": tokens.make("not_today", user.id, 1, now),
        "unsubscribe": tokens.make("unsubscribe", user.id, rule.id, now),
        "fresh_off": tokens.make("fresh_off", user.id, user.id, now),
        "details": tokens.make("details", user.id, str(log.id), now),
        "verify": tokens.make("verify", user.id, user.id, now, m=address_tag(user.email)),
        "reset": tokens.make("reset", user.id, user.id, now, h=password_tag(user.password_hash)),
    }
    return {
        "log_id": str(log.id),
        "person_id": Person.select().where(Person.user == user.id).first().id,
        "rule_id": rule.id,
        "plan_id": Plan.select().where(Plan.user == user.id).first().id,
        "pause_id": Pause.select().where(Pause.user == user.id).first().id,
        "token_id": ApiToken.select().where(ApiToken.user == user.id).first().id,
        "device_id": PushSubscription.select().where(PushSubscription.user == user.id).first().id,
        "day_iso": day.isoformat(),
        "ym": f"{day:%Y-%m}",
        "year_str": str(day.year),
        "kind": "closeness",
        "number": 1,
        "filename": "css/app.css",
        "token": link,  # by the endpoint's purpose, below
    }


def url_of(rule: Rule, values: dict) -> str:
    """The rule's path with every parameter filled by a real value (an email link's token by purpose)."""
    unknown = set(rule.arguments) - set(values)
    assert not unknown, f"{rule.rule}: say in values_for() what a real {unknown} is"
    arguments = {name: values[name] for name in rule.arguments}
    if "token" in arguments:  # /email/<purpose>/<token>, /verify/<token>, /reset/<token>
        purpose = rule.rule.removeprefix("/email").removeprefix("/push").split("/")[1].replace("-", "_")
        arguments["token"] = values["token"][purpose]
    return rule.build(arguments, append_unknown=False)[1]


def signed_in(client) -> bool:
    with client.session_transaction() as session:
        return "_user_id" in session


def walk(client, rules: list[Rule], values: dict, outbox: Path, who: str) -> list[str]:
    """Send every safe method to every rule; the problems found."""
    problems = []
    was_signed_in = signed_in(client)
    token = csrf_token(client)
    for rule in rules:
        path = url_of(rule, values)
        # A form that would sign in (or up) if a safe request acted on it, with a valid CSRF token.
        email = "new@example.com" if rule.rule == "/register" else "ana@example.com"
        form = {
            "email": email,
            "password": PASSWORD,
            "timezone": "UTC",
            "remember": "on",
            "csrf_token": token,
        }
        for method in SAFE:
            before = snapshot(outbox)
            response = client.open(path, method=method, data=form)
            response.close()  # a static file's answer holds its file open until closed
            what = f"{who} {method} {path[:60]}"
            if response.status_code >= 500:
                problems.append(f"{what}: {response.status_code}")
            if changed := differences(before, snapshot(outbox)):
                problems.append(f"{what} changed {sorted(changed)}")
            if signed_in(client) != was_signed_in:
                problems.append(f"{what} signed {'out' if was_signed_in else 'in'}")
                assert not was_signed_in, "the walk can't go on signed out"
                for cookie in ("session", "remember_token"):  # the walk goes on signed out
                    client.delete_cookie(cookie)
                token = csrf_token(client)
    return problems


def send_the_rest(client, rules: list[Rule], values: dict, who: str) -> list[str]:
    """Every other method a rule allows, as a bare request (no CSRF token): never a 5xx."""
    problems = []
    for rule in rules:
        path = url_of(rule, values)
        for method in sorted(rule.methods - set(SAFE)):
            response = client.open(path, method=method)
            response.close()
            if response.status_code >= 500:
                problems.append(f"{who} {method} {path}: {response.status_code}")
    return problems


def test_safe_methods_change_nothing_and_nothing_answers_5xx(app, user, clock, tmp_path):
    """One app per engine (the app fixture runs on SQLite and PostgreSQL)."""
    outbox = tmp_path / "outbox"
    with app.app_context():  # not around the requests: they would share its `g` (and CSRF token)
        fill(user)
        values = values_for(User.get_by_id(user.id), clock.now)
    rules = sorted(app.url_map.iter_rules(), key=lambda rule: (rule.rule, rule.endpoint))
    anonymous = app.test_client()
    problems = walk(anonymous, rules, values, outbox, "signed out")
    member = app.test_client()
    assert Auth(member).login().status_code == 303
    problems += walk(member, rules, values, outbox, "signed in")
    problems += send_the_rest(anonymous, rules, values, "signed out")
    problems += send_the_rest(member, rules, values, "signed in")
    assert not problems, "\n".join(problems)
