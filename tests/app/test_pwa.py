"""The installable app's server side: manifest, service worker, offline page, one-kind log screens."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from flask import url_for

from tests.app.test_page_weight import loaded_by
from tests.conftest import Auth, make_user
from tracker.models import User
from tracker.views.pwa import account_key


def _worker_shell(client) -> dict:
    """The SHELL object the server injects at the top of /sw.js."""
    first_line = client.get("/sw.js").get_data(as_text=True).splitlines()[0]
    match = re.fullmatch(r"const SHELL = (\{.*\});", first_line)
    assert match, first_line
    return json.loads(match.group(1))


def test_manifest_is_installable_json(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.get_data(as_text=True))
    assert manifest["name"] == "Secure Base" and manifest["short_name"]
    assert manifest["description"]
    assert manifest["start_url"] == "/?source=pwa"
    assert manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == manifest["background_color"] == "#f6f4ef"


def test_manifest_icons_exist_in_every_size_and_purpose(client):
    icons = json.loads(client.get("/manifest.webmanifest").get_data(as_text=True))["icons"]
    described = {(icon["sizes"], icon["type"], icon["purpose"]) for icon in icons}
    assert ("192x192", "image/png", "any") in described
    assert ("512x512", "image/png", "any") in described
    assert ("512x512", "image/png", "maskable") in described
    assert ("any", "image/svg+xml", "any") in described
    for icon in icons:
        with client.get(icon["src"]) as response:
            assert response.status_code == 200, icon["src"]
            assert response.mimetype == icon["type"]
            data = response.get_data()
        if icon["type"] == "image/png":
            width, height = (int(n) for n in icon["sizes"].split("x"))
            # The PNG header's IHDR chunk holds the real pixel size.
            assert (int.from_bytes(data[16:20]), int.from_bytes(data[20:24])) == (width, height)


def test_manifest_shortcuts_open_a_log_screen_per_kind(client, logged_in):
    shortcuts = json.loads(client.get("/manifest.webmanifest").get_data(as_text=True))["shortcuts"]
    assert [s["name"] for s in shortcuts] == ["Ask for closeness", "Ask for space", "Confide"]
    for shortcut in shortcuts:
        html = client.get(shortcut["url"]).get_data(as_text=True)
        assert f'<h1 id="kind-heading">{shortcut["name"]}</h1>' in html


def test_log_kind_page_logs_without_javascript(client, logged_in, user):
    html = client.get("/log/space").get_data(as_text=True)
    assert 'action="/logs"' in html and 'method="post"' in html
    assert 'data-offline-kind="space"' in html
    response = logged_in.post("/logs", {"kind": "space"})
    assert response.status_code == 303
    assert "logged=" in response.headers["Location"]


def test_log_kind_unknown_is_404_and_anonymous_must_log_in(client, logged_in):
    assert client.get("/log/not-a-kind").status_code == 404
    logged_in.logout()
    response = client.get("/log/closeness")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_service_worker_is_served_from_the_root_without_long_cache(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert response.headers["Cache-Control"] == "no-cache"
    body = response.get_data(as_text=True)
    assert "clients.claim()" in body and 'addEventListener("activate"' in body
    assert client.get("/sw.js", headers={"If-None-Match": response.headers["ETag"]}).status_code == 304


def test_service_worker_carries_the_offline_queue_instead_of_importing_it(app, client):
    # Chromium revalidates imported scripts when a worker first installs: one request more.
    body = client.get("/sw.js").get_data(as_text=True)
    queue = Path(app.static_folder, "js", "offline.js").read_text()
    assert queue in body and "importScripts" not in body


def test_service_worker_precaches_files_that_exist(app, client):
    shell = _worker_shell(client)
    assert re.fullmatch(r"[0-9a-f]{16}", shell["version"])
    assert shell["offline"] == "/offline"
    with app.test_request_context():
        expected = {
            url_for("static", filename=name)
            for name in ("css/app.css", "js/app.js", "js/offline.js", "vendor/htmx.min.js")
        }
    assert expected <= set(shell["assets"])
    for url in [*shell["assets"], shell["offline"]]:
        with client.get(url) as response:
            assert response.status_code == 200, url


def test_service_worker_precaches_the_urls_pages_link(client, logged_in):
    # The same content-hashed URLs, so the worker's precache finds them in the HTTP cache of the page
    # that registered it. Not the apple-touch-icon: Chromium never loads it, Safari only when adding
    # to the home screen, online.
    html = client.get("/").get_data(as_text=True)
    linked = {url for url, _ in loaded_by(html) if url.startswith("/static/")}
    assert set(_worker_shell(client)["assets"]) == linked


def test_cache_version_follows_the_content(app, tmp_path):
    from tracker.views.pwa import build_shell

    before = build_shell(app)
    assert build_shell(app) == before
    app.static_folder = str(tmp_path)  # other content, other version (same URL path)
    app.static_url_path = "/static"
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "app.css").write_text("body { color: red }")
    after = build_shell(app)
    assert after.version != before.version
    assert after.assets == (f"/static/{app.extensions['static_names']['css/app.css']}",)


def test_offline_page_is_anonymous_even_when_logged_in(client, logged_in):
    response = client.get("/offline")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "You're offline" in html
    assert html.count("data-offline-kind=") == 10
    assert 'aria-label="Main"' not in html and "Log out" not in html
    assert '<meta name="csrf-token" content="">' in html
    assert "data-account" not in html


def test_offline_page_does_not_swallow_a_flashed_message(client, logged_in):
    logged_in.logout()
    client.get("/offline")
    assert "You are logged out." in client.get("/login").get_data(as_text=True)


def _tag(app, user) -> str:
    with app.app_context():
        return account_key(user)


def test_pages_link_manifest_icons_and_scripts(app, client, logged_in, user):
    html = client.get("/").get_data(as_text=True)
    # With credentials: the manifest differs by person (the discreet mode, tests/app/test_discretion.py).
    assert '<link rel="manifest" href="/manifest.webmanifest" crossorigin="use-credentials">' in html
    assert 'rel="apple-touch-icon"' in html
    assert re.search(r'<script src="/static/js/offline-[0-9a-f]{32}\.js" defer></script>', html)
    assert html.count('name="theme-color"') == 2
    assert html.count("data-offline-kind=") == 10
    assert f'data-account="{_tag(app, user)}"' in html


def test_session_gives_replays_a_fresh_token_and_the_account(app, client, auth, user):
    assert client.get("/pwa/session").get_json() == {"account": None, "csrf_token": None}
    auth.login()
    response = client.get("/pwa/session")
    body = response.get_json()
    assert response.headers["Cache-Control"] == "no-store"
    assert body["account"] == _tag(app, user)
    replay = client.post(
        "/api/v1/logs",
        json={
            "id": "6f1c2d1e-8a51-4a4b-9a55-2f0b8d3f1a10",
            "kind": "confide",
            "at": "2026-05-13T11:00:00+02:00",
        },
        headers={"X-CSRFToken": body["csrf_token"]},
    )
    assert replay.status_code == 201


def test_account_keys_differ_between_accounts(app):
    assert _tag(app, make_user("a@example.com")) != _tag(app, make_user("b@example.com"))


def test_account_tag_is_keyed_by_the_secret_and_not_computable_from_the_id(app, user):
    """Issue 12: the tag was sha256 of the id, so anyone could compute it (and read the id off it)."""
    tag = _tag(app, user)
    for text in (f"secure-base-account:{user.id}", str(user.id), f"{user.id}:{user.token_key}"):
        for name in ("sha256", "sha1", "md5", "blake2b"):
            assert tag not in hashlib.new(name, text.encode()).hexdigest()
    app.config["SECRET_KEY"] = "another secret"
    assert _tag(app, user) != tag  # it depends on the key, not on the id alone


def test_account_tag_is_the_same_in_every_session_of_the_account(app, user):
    tags = []
    for _ in range(2):  # two devices, each with a session of its own
        client = app.test_client()
        Auth(client).login()
        tags.append(client.get("/pwa/session").get_json()["account"])
    assert tags[0] == tags[1] == _tag(app, User.get_by_id(user.id))


def test_account_tag_of_a_deleted_account_differs_from_a_new_one_with_its_id(app, user):
    before = _tag(app, user)
    user.delete_instance()
    again = make_user(id=user.id)  # forced: ids are never handed out twice on their own
    assert _tag(app, again) != before


def test_templates_render_outside_requests(app):
    # The scheduler renders emails with only an app context: the account tag must not need a request.
    from flask import render_template_string

    with app.app_context():
        assert render_template_string("{{ offline_account }}") == "None"
