"""The page store: least recently used pages go first once the byte budget is spent."""

from __future__ import annotations

from tracker.page_cache import CachedPage, PageCache


def page(size: int) -> CachedPage:
    return CachedPage(b"x" * size, 200, (("Content-Type", "text/html"),))


def test_a_stored_page_comes_back_as_stored():
    store = PageCache(10_000)
    store.put("a", page(100))
    assert store.get("a") == page(100)
    assert store.get("b") is None


def test_the_least_recently_used_page_is_evicted_first():
    one = page(1000).size
    store = PageCache(4 * one)
    for key in "abcd":
        store.put(key, page(1000))
    store.get("a")  # a is now the most recently used
    store.put("e", page(1000))
    assert [key for key in "abcde" if store.get(key)] == ["a", "c", "d", "e"]
    assert len(store) == 4


def test_replacing_a_page_does_not_count_it_twice():
    one = page(1000).size
    store = PageCache(4 * one)
    for _ in range(5):
        store.put("a", page(1000))
    for key in "bcd":
        store.put(key, page(1000))
    assert all(store.get(key) for key in "abcd")


def test_a_page_larger_than_a_quarter_of_the_budget_is_not_kept():
    store = PageCache(4000)
    store.put("small", page(100))
    store.put("huge", page(1500))
    assert store.get("huge") is None and store.get("small")
