"""Static files under content-hashed names, compressed once, served by WhiteNoise ahead of Flask.

At start-up the static folder is copied into `instance/static-build/<hash of its content>/` (once per
content: later starts, other workers and the test suite reuse it), where Flask-Static-Digest gives each
file a twin named by its content (`css/app.css` → `css/app-<md5>.css`) and a manifest of those names,
and WhiteNoise's compressor writes a brotli and a gzip copy beside each text file. Nothing generated
is committed and no setup step is needed: a fresh clone builds on its first start.

WhiteNoise serves that folder before a request reaches Flask: the file in the best coding the request
accepts, hashed names with `public, max-age=31536000, immutable` (a changed file gets a new URL, so
browsers and the service worker may keep a copy for a year), plain names with `no-cache`, and the
security headers every answer has. `url_for("static", filename=...)` gives the hashed name, so templates
need no change. A hashed name this build doesn't have (a page or worker from before a deploy) is sent
to the plain name; any other name is a 404, without looking at the disk. In debug mode the static
folder is served as it is, under plain names, so an edit shows at the next reload.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import shutil
import string
import tempfile
from pathlib import Path, PurePosixPath

from flask import Flask, abort, current_app, redirect
from flask.typing import ResponseReturnValue
from flask_static_digest import digester
from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

from tracker.security_headers import headers_for

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
MANIFEST = "cache_manifest.json"  # Flask-Static-Digest's name for it
KEEP_BUILDS = 3  # workers of the previous deploy may still be serving from theirs


def content_key(folder: Path) -> str:
    """A hash of every file's name and bytes: a new build exactly when something changed."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            digest.update(f"{path.relative_to(folder).as_posix()}\0{len(data)}\0".encode() + data)
    return digest.hexdigest()[:20]


def build(source: Path, builds: Path) -> Path:
    """The build of `source` (`files/` and the manifest), made unless one for this content exists."""
    target = builds / content_key(source)
    if (target / MANIFEST).is_file():
        return target
    builds.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".building-", dir=builds))
    try:
        files = scratch / "files"
        shutil.copytree(source, files)
        with contextlib.redirect_stdout(io.StringIO()):  # it reports where the files went
            digester.compile(f"{files}/", f"{files}/", [], False, False)
        (files / MANIFEST).rename(scratch / MANIFEST)  # a list for us, not a file to serve
        compressor = Compressor(quiet=True)  # skips images and the like, keeps only real savings
        for path in sorted(files.rglob("*")):
            if path.is_file() and compressor.should_compress(path.name):
                compressor.compress(str(path))
        with contextlib.suppress(OSError):  # another process finished the same build first
            scratch.rename(target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    _forget_old_builds(builds)
    return target


def _forget_old_builds(builds: Path) -> None:
    """Remove all but the newest few builds."""
    done = sorted(
        (path for path in builds.iterdir() if not path.name.startswith(".") and (path / MANIFEST).is_file()),
        key=lambda path: path.stat().st_mtime,
        reverse=True,
    )
    for old in done[KEEP_BUILDS:]:
        shutil.rmtree(old, ignore_errors=True)


def plain_name(name: str) -> str | None:
    """`css/app-<32 hex digits>.css` → `css/app.css`; None for a name without a content hash."""
    path = PurePosixPath(name)
    stem, dash, digest = path.stem.rpartition("-")
    if not (stem and dash and len(digest) == 32 and set(digest) <= set(string.hexdigits.lower())):
        return None
    return str(path.with_name(stem + path.suffix))


def hashed(app: Flask, name: str) -> str:
    """The name a URL gives a static file: hashed when the build has the file, else as given."""
    return app.extensions["static_names"].get(name, name)


def _hashed_url(endpoint: str, values: dict) -> None:
    """url_for("static", filename=...) builds the hashed name."""
    if endpoint == "static" and isinstance(values.get("filename"), str):
        values["filename"] = hashed(current_app, values["filename"])


def _older_name(filename: str) -> ResponseReturnValue:
    """Flask's static view sees only names WhiteNoise doesn't have: an older hash goes to the plain name."""
    plain = plain_name(filename)
    if plain is None or plain not in current_app.extensions["static_names"]:
        abort(404)
    response = redirect(f"{current_app.static_url_path}/{plain}", 302)
    response.headers["Cache-Control"] = REVALIDATE
    return response


def init_app(app: Flask) -> None:
    """Build the static files (unless in debug mode), serve them through WhiteNoise, hash url_for's names."""
    if app.static_folder is None:
        return
    source = Path(app.static_folder)
    if app.debug:
        root, names = source, {}
    else:
        built = build(source, Path(app.instance_path) / "static-build")
        root, names = built / "files", json.loads((built / MANIFEST).read_text())
    prefix = f"{app.static_url_path}/"
    immutable = {prefix + name for name in names.values()}
    security = headers_for(app.config)

    def add_headers(headers, path: str, url: str) -> None:
        for header, value in security.items():
            headers[header] = value
        headers["Cache-Control"] = IMMUTABLE if url in immutable else REVALIDATE

    app.wsgi_app = WhiteNoise(
        app.wsgi_app,
        root=root,
        prefix=prefix,
        autorefresh=app.debug,
        max_age=None,
        allow_all_origins=False,
        add_headers_function=add_headers,
    )
    app.extensions["static_names"] = names
    app.url_defaults(_hashed_url)
    app.view_functions["static"] = _older_name
