"""If-then plans on the pages (issue 16, item 1): the plans page (plain forms and htmx), a plan as its
kind's Today subtitle and on its ladder, the offer after the welcome, removal, and the user's words
escaped everywhere."""

from __future__ import annotations

import pytest

from tests.conftest import FIXED_NOW, make_user
from tracker import rules
from tracker.models import Plan, ReminderRule
from tracker.queries import active_plans, save_plan

SCRIPT = "<script>alert(1)</script> & “quotes”"


def tile_of(html: str, kind: str) -> str:
    """The Today tile of a kind (its form)."""
    start = html.index(f'data-offline-kind="{kind}"')
    return html[start : html.index("</form>", start)]


def test_a_plan_made_without_javascript_shows_on_today_and_its_ladder(client, logged_in, user):
    response = logged_in.post(
        "/plans", {"kind": "trust_space", "when": " I want to text again ", "then": "wait 30 minutes"}
    )
    assert response.status_code == 303 and response.headers["Location"] == "/plans"
    page = client.get("/plans").get_data(as_text=True)
    assert "Your plan for “Give space”: When I want to text again, I will wait 30 minutes." in page
    today = client.get("/").get_data(as_text=True)
    assert "When I want to text again, I will wait 30 minutes." in tile_of(today, "trust_space")
    assert "When" not in tile_of(today, "closeness")  # other tiles keep their step
    ladder = client.get("/ladder").get_data(as_text=True)
    card = ladder[ladder.index('id="ladder-trust_space"') :]
    assert (
        "Your plan: When I want to text again, I will wait 30 minutes."
        in card[: card.index('<div class="actions">')]
    )
    assert 'href="/plans?kind=trust_space">Change your plan' in ladder
    assert 'href="/plans?kind=closeness">Make a plan' in ladder


def test_a_new_plan_replaces_the_kinds_plan(client, logged_in, user):
    logged_in.post("/plans", {"kind": "space", "when": "I feel crowded", "then": "ask for ten minutes"})
    logged_in.post(
        "/plans", {"kind": "space", "when": "I need to leave the room", "then": "say when I'll be back"}
    )
    assert active_plans(user.id)["space"].cue == "I need to leave the room"
    today = client.get("/").get_data(as_text=True)
    assert "I feel crowded" not in today and "I need to leave the room" in tile_of(today, "space")


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"kind": "space", "when": "", "then": "b"}, "when", "Write when, in your own words"),
        ({"kind": "space", "when": "a" * 201, "then": "b"}, "when", "Keep it to 200 characters or fewer."),
        ({"kind": "space", "when": "a", "then": "   "}, "then", "Write one small step"),
        ({"kind": "nope", "when": "a", "then": "b"}, "kind", "Choose a practice from the list."),
    ],
)
def test_mistakes_re_render_with_messages_and_save_nothing(client, logged_in, form, field, message):
    plain = logged_in.post("/plans", form)
    assert plain.status_code == 422 and message in plain.get_data(as_text=True)
    assert f'id="{field}-error"' in plain.get_data(as_text=True)
    htmx = logged_in.post("/plans", form, htmx=True)
    assert htmx.status_code == 200 and "<html" not in htmx.get_data(as_text=True)
    assert message in htmx.get_data(as_text=True)
    assert Plan.select().count() == 0


def test_with_htmx_the_card_comes_back_with_the_plan(client, logged_in, user):
    response = logged_in.post(
        "/plans", {"kind": "confide", "when": "I feel low", "then": "tell Sam"}, htmx=True
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html and 'id="plans"' in html
    assert "When I feel low, I will tell Sam." in html
    assert response.headers["Vary"] and "HX-Request" in response.headers["Vary"]


def test_a_plan_is_removed_and_another_users_is_a_404(client, logged_in, user):
    mine = save_plan(user.id, "space", "I feel crowded", "ask for ten minutes")
    bens = save_plan(make_user("ben@example.com").id, "space", "cue", "step")
    assert logged_in.post(f"/plans/{bens.id}/delete").status_code == 404
    assert Plan.get_by_id(bens.id)
    response = logged_in.post(f"/plans/{mine.id}/delete")
    assert response.status_code == 303 and active_plans(user.id) == {}
    assert "Removed your plan for “Ask for space”." in client.get("/plans").get_data(as_text=True)


def test_forms_need_the_csrf_token_and_a_sign_in(client, auth, user):
    assert client.get("/plans").status_code == 302
    auth.login()
    assert client.post("/plans", data={"kind": "space", "when": "a", "then": "b"}).status_code == 400
    assert Plan.select().count() == 0


def test_the_users_words_are_escaped_everywhere(client, logged_in, user):
    logged_in.post("/plans", {"kind": "recall", "when": SCRIPT, "then": SCRIPT})
    for url in ("/", "/ladder", "/plans"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in html, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; “quotes”" in html, url


def test_the_welcome_ends_with_a_skippable_offer_of_a_plan(client, logged_in, user):
    offer = client.get("/plans?welcome=1&kind=space").get_data(as_text=True)
    assert "One more thing, if you like: a plan" in offer and "Skip for now" in offer
    assert '<option value="space" selected>' in offer
    assert "When I want to text again, I will wait 30 minutes and take a walk." in offer  # an example
    again = logged_in.post("/plans", {"kind": "space", "when": "", "then": "b", "welcome": "1", "next": "/"})
    assert again.status_code == 422 and "Skip for now" in again.get_data(as_text=True)  # still the offer
    response = logged_in.post(
        "/plans", {"kind": "space", "when": "a", "then": "b", "welcome": "1", "next": "/"}
    )
    assert response.status_code == 303 and response.headers["Location"] == "/"


def test_a_cue_can_be_a_reminders_time_linked_to_it(client, logged_in, user):
    rules.create_rule(
        user, rules.parse_rule({"days": ["mon", "thu"], "time": "18:30", "kind": "space"}), FIXED_NOW
    )
    rule = ReminderRule.get(ReminderRule.user == user.id)
    page = client.get("/plans").get_data(as_text=True)
    assert f'<option value="{rule.id}">When it&#39;s 18:30 on Mon, Thu (Ask for space)</option>' in page
    response = logged_in.post(
        "/plans", {"kind": "space", "when": "", "then": "say when I'll be back", "rule": rule.id}
    )
    assert response.status_code == 303
    plan = active_plans(user.id)["space"]
    assert (plan.cue, plan.rule_id) == ("it's 18:30 on Mon, Thu", rule.id)
    assert "When it&#39;s 18:30 on Mon, Thu, I will say when I&#39;ll be back." in client.get("/").get_data(
        as_text=True
    )
    # Words of one's own win, and the reminder stays linked; deleting the reminder keeps the plan.
    logged_in.post("/plans", {"kind": "space", "when": "I feel crowded", "then": "step", "rule": rule.id})
    assert (active_plans(user.id)["space"].cue, active_plans(user.id)["space"].rule_id) == (
        "I feel crowded",
        rule.id,
    )
    rule.delete_instance()
    assert active_plans(user.id)["space"].rule_id is None


@pytest.mark.parametrize("rule", ["abc", "0", "-1", "99999999999"])
def test_a_reminder_that_is_not_yours_is_refused(client, logged_in, user, rule):
    bens = make_user("ben@example.com")
    theirs = rules.create_rule(bens, rules.parse_rule({"days": ["mon"], "time": "09:00"}), FIXED_NOW)
    for value in (rule, theirs.id):
        response = logged_in.post("/plans", {"kind": "space", "when": "", "then": "b", "rule": value})
        assert response.status_code == 422 and "Choose one of your reminders, or none." in response.get_data(
            as_text=True
        )
    assert Plan.select().count() == 0


def test_the_api_takes_no_reminder_link(client, user):
    from tests.app.test_api import bearer

    theirs = rules.create_rule(user, rules.parse_rule({"days": ["mon"], "time": "09:00"}), FIXED_NOW)
    body = {"kind": "space", "then": "b", "rule": theirs.id}
    assert client.post("/api/v1/plans", json=body, headers=bearer(user)).get_json()["field"] == "when"
