"""A body sent again is compressed once; the memo stays within its byte budget."""

from __future__ import annotations

import gzip

import brotli

from tracker import compression
from tracker.compression import RecentlyCompressed


def test_a_body_sent_again_is_compressed_once(monkeypatch):
    calls = []
    real = compression.compress
    monkeypatch.setattr(
        compression, "compress", lambda data, coding: calls.append(coding) or real(data, coding)
    )
    memo, page = RecentlyCompressed(), b"<p>a page</p>" * 200
    first = memo.compressed(page, "br")
    assert memo.compressed(page, "br") == first and brotli.decompress(first) == page
    assert gzip.decompress(memo.compressed(page, "gzip")) == page
    assert calls == ["br", "gzip"]


def test_the_memo_forgets_the_oldest_bodies_beyond_its_budget():
    memo = RecentlyCompressed(max_bytes=2000)
    pages = [bytes(range(256)) * 4 + bytes([n]) for n in range(10)]  # barely compressible, ~1 KB each
    for page in pages:
        memo.compressed(page, "gzip")
    assert memo._bytes <= 2000
    assert len(memo._bodies) < len(pages)
