"""One clock: the app's CLOCK setting holds in views, model defaults and the CLI alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.conftest import FIXED_NOW, make_user
from tracker import clock as app_clock
from tracker.models import Person, naive_utc


def test_model_defaults_read_the_app_clock(app, clock):
    clock.now = FIXED_NOW + timedelta(days=3)
    with app.app_context():
        person = Person.create(user=make_user(), nickname="Sam", role="partner")
        assert person.created_at == naive_utc(clock.now)
        assert app_clock.now() == clock.now


def test_outside_an_app_the_wall_clock_answers():
    before = datetime.now(UTC)
    assert before <= app_clock.now() <= datetime.now(UTC)
    assert app_clock.stored_now().tzinfo is None
