"""Error answers: friendly pages for people, JSON under /api/v1/, never a trace; and the health check."""

from __future__ import annotations

import html
import json

import pytest

from tests.conftest import csrf_token
from tracker import create_app
from tracker.models import ApiToken, Log
from tracker.security import new_api_token

BIG = 2 * 1024 * 1024  # over the 1 MiB MAX_CONTENT_LENGTH


def _text(response) -> str:
    """The response body with HTML entities decoded, so messages read as written."""
    return html.unescape(response.get_data(as_text=True))


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    page = _text(response)
    assert "<html" in page and "There's nothing here." in page
    assert "Back to Today" in page and "findahelpline.com" in page  # the layout, with the crisis footer


def test_unknown_page_for_a_logged_in_user_keeps_the_navigation(client, logged_in):
    page = _text(client.get("/nowhere"))
    assert "There's nothing here." in page and 'href="/history"' in page


@pytest.mark.parametrize(
    "path", ["/api/v1/nothing", "/api/v1/kinds/extra", "/api/v2/logs"], ids=["unknown", "too-deep", "v2"]
)
def test_unknown_url_under_the_json_prefix_answers_json_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.mimetype == "application/json"
    assert response.get_json() == {"error": "There's nothing here.", "field": None}


def test_wrong_method_is_405_with_allow(client, logged_in):
    response = client.get("/logout")
    assert response.status_code == 405
    assert "That page can't be used that way." in _text(response)
    assert "POST" in response.headers["Allow"]


def test_wrong_method_under_the_json_prefix_is_json_405(client, logged_in):
    response = client.post("/api/v1/kinds", headers={"X-CSRFToken": csrf_token(client)})
    assert response.status_code == 405
    assert response.get_json() == {"error": "That page can't be used that way.", "field": None}
    assert "GET" in response.headers["Allow"]


def test_oversized_form_is_413_and_stores_nothing(client, logged_in):
    response = logged_in.post("/logs", {"kind": "closeness", "note": "x" * BIG})
    assert response.status_code == 413
    assert "That was more than we can take at once." in response.get_data(as_text=True)
    assert Log.select().count() == 0


def test_oversized_json_is_json_413(client, user):
    token, digest = new_api_token()
    ApiToken.create(user=user, name="script", token_hash=digest)
    body = json.dumps({"kind": "closeness", "note": "x" * BIG})
    response = client.post(
        "/api/v1/logs",
        data=body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 413
    assert response.get_json()["error"] == "That was more than we can take at once."
    assert Log.select().count() == 0


def test_a_form_from_elsewhere_is_400_with_a_friendly_page(client, logged_in):
    response = client.post("/logs", data={"kind": "closeness", "csrf_token": "forged"})
    assert response.status_code == 400
    assert "This form expired or came from elsewhere." in response.get_data(as_text=True)
    assert Log.select().count() == 0


def test_an_unexpected_error_is_a_friendly_500_without_a_trace(app, caplog):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    @app.get("/api/v1/boom")
    def api_boom():
        raise RuntimeError("secret internals")

    client = app.test_client()
    page = client.get("/boom")
    assert page.status_code == 500
    assert "Something went wrong on our side." in _text(page) and "secret internals" not in _text(page)
    errors = [record for record in caplog.records if record.levelname == "ERROR"]
    assert len(errors) == 1 and "secret internals" in str(errors[0].exc_info[1])  # logged once, for us
    answer = client.get("/api/v1/boom")
    assert answer.status_code == 500
    assert answer.get_json()["error"].startswith("Something went wrong on our side.")


def test_healthz_reports_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_an_unreachable_database(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "MIGRATE_ON_START": False,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'missing' / 'dir' / 'tracker.db'}",
        }
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "degraded", "database": "unreachable"}
