"""The main navigation: four tabs on a phone (Today, Month, People, More), and More lists the rest."""

from __future__ import annotations

import re

from tests.conftest import make_person

MORE_LINKS = ("/history", "/year", "/ladder", "/checkin", "/recall", "/reminders", "/settings", "/about")


def test_more_needs_an_account(client):
    answer = client.get("/more")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]


def test_more_lists_every_section_the_tabs_leave_out(client, logged_in):
    page = client.get("/more").get_data(as_text=True)
    more = page[page.index('aria-label="More"') :]
    for path in MORE_LINKS:
        assert f'href="{path}"' in more, path


def test_the_tabs_mark_where_you_are(client, logged_in):
    nav = re.search(
        r'<nav class="tabs" aria-label="Main">(.*?)</nav>',
        client.get("/reminders").get_data(as_text=True),
        re.S,
    )
    current = re.findall(r'<a[^>]*href="([^"]+)"[^>]*aria-current="page"', nav[1])
    assert current == ["/more"]  # reminders live behind More
    nav = re.search(
        r'<nav class="tabs" aria-label="Main">(.*?)</nav>', client.get("/people").get_data(as_text=True), re.S
    )
    assert re.findall(r'<a[^>]*href="([^"]+)"[^>]*aria-current="page"', nav[1]) == ["/people"]


def test_no_tabs_for_a_visitor(client):
    assert 'class="tabs"' not in client.get("/login").get_data(as_text=True)


def test_the_footer_offers_help_for_the_users_region(client, logged_in, user):
    """Berlin (the test user's zone) gets Germany's lines; London gets Samaritans; numbers never wrap."""
    page = client.get("/").get_data(as_text=True)
    assert 'href="tel:08001110111"' in page and '<span class="tel">0800 111 0 111</span>' in page
    footer = page.split("<footer", 1)[1]  # Today's tap ids are random hex: "988" may be in one
    assert "988" not in footer and "findahelpline.com" in footer
    user.timezone = "Europe/London"
    user.save()
    page = client.get("/").get_data(as_text=True)
    assert "Samaritans" in page and 'href="tel:116123"' in page and "TelefonSeelsorge" not in page


def test_the_quick_exit_is_on_the_sign_in_page(client):
    assert "data-quick-exit" in client.get("/login").get_data(as_text=True)
    assert "data-quick-exit" not in client.get("/register").get_data(as_text=True)


def test_the_quick_exit_shows_everywhere_once_someone_is_marked_not_safe(client, logged_in, user):
    assert "data-quick-exit" not in client.get("/").get_data(as_text=True)
    make_person(user, "Alex", not_safe=True)
    for path in ("/", "/month", "/people", "/more"):
        page = client.get(path).get_data(as_text=True)
        assert 'href="https://www.bbc.com/weather" rel="noreferrer" data-quick-exit' in page, path


def test_remember_me_is_off_until_ticked(client):
    """On a shared phone, staying signed in must be a choice (DOMAIN.md, "Care": discretion)."""
    page = client.get("/login").get_data(as_text=True)
    assert re.search(r'<input type="checkbox" name="remember">', page)
