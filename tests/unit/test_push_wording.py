"""The notification's words (issue 15) follow the discreet mode (issue 17): no action named."""

from datetime import date

from tracker import emails, push


def test_the_discreet_mode_names_no_action_on_the_lock_screen():
    suggestion = emails.suggestion_for("closeness", date(2026, 12, 4), {}, frozenset())
    title, body = push.wording(suggestion, any_kind=False, discreet=True)
    assert (title, body) == (emails.DISCREET_NUDGE_SUBJECT, "Your reminder for today, if it fits.")
    assert suggestion.kind.label not in body
    plain_title, plain_body = push.wording(suggestion, any_kind=False)
    assert plain_title == emails.NUDGE_SUBJECT and suggestion.kind.label in plain_body
