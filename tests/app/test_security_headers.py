"""Security headers on every answer, and session cookie flags."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tracker import create_app

TEMPLATES = Path(__file__).parents[2] / "templates"


@pytest.mark.parametrize(
    "path", ["/login", "/about", "/nowhere", "/static/css/app.css", "/healthz", "/api/v1/kinds"]
)
def test_every_answer_carries_the_headers(client, path):
    response = client.get(path)
    response.close()  # a static file answer holds its file open until closed
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert "style-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in response.headers  # http: HSTS would lock a dev site out


def test_hsts_only_when_the_site_is_https(app, tmp_path, database_url):
    secure = create_app(
        {"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "x", "BASE_URL": "https://sb.example"}
    )
    response = secure.test_client().get("/login")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert secure.config["SESSION_COOKIE_SECURE"] and secure.config["REMEMBER_COOKIE_SECURE"]


def test_session_cookie_is_httponly_and_lax(app, auth, client, user):
    response = auth.login()
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert app.config["SESSION_COOKIE_SECURE"] is False


def test_session_protection_is_on(app):
    assert app.login_manager.session_protection in ("basic", "strong")


def test_pages_have_no_inline_script_or_style():
    """The policy allows neither, so no template may rely on them (emails are not pages)."""
    for path in TEMPLATES.rglob("*.html"):
        if "emails" in path.parts:
            continue
        text = path.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), path
        assert not re.search(r"\sstyle=|<style|\s(data-)?hx-on|\son[a-z]+=", text), path
