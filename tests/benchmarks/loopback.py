"""HTTP over loopback for the page benchmark: log in, time requests one at a time, and load a server
from several client processes for a bounded time.

Only the standard library, so the load processes start fast and spend little of the shared CPU.
"""

from __future__ import annotations

import http.client
import multiprocessing
import os
import re
import time
from collections.abc import Hashable, Mapping
from contextlib import suppress
from urllib.parse import urlencode

HOST = "127.0.0.1"
TRIVIAL = "/_bench/trivial"  # the reference route bench_wsgi.py adds to the app
CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
SERVER_TIMING = re.compile(r"app;dur=([0-9.]+)")


class BenchError(AssertionError):
    """A request the benchmark depends on did not answer as expected."""


def _remember(response: http.client.HTTPResponse, cookies: dict[str, str]) -> None:
    for header in response.msg.get_all("Set-Cookie") or []:
        name, _, value = header.split(";", 1)[0].partition("=")
        cookies[name.strip()] = value


def login(port: int, email: str, password: str) -> str:
    """Log in like a browser (the CSRF token from the page's meta tag) and return the Cookie header."""
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    cookies: dict[str, str] = {}
    try:
        connection.request("GET", "/login")
        response = connection.getresponse()
        token = CSRF.search(response.read().decode())
        _remember(response, cookies)
        if response.status != 200 or token is None:
            raise BenchError(f"GET /login answered {response.status} without a CSRF token")
        form = urlencode({"email": email, "password": password, "csrf_token": token[1]})
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": _cookie(cookies)}
        connection.request("POST", "/login", body=form, headers=headers)
        response = connection.getresponse()
        response.read()
        _remember(response, cookies)
        if response.status != 303 or response.getheader("Location", "").rstrip("/").endswith("/login"):
            raise BenchError(f"POST /login answered {response.status}, not a redirect into the app")
    finally:
        connection.close()
    return _cookie(cookies)


def _cookie(cookies: Mapping[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def unique(path: str, tag: str) -> str:
    """`path` with a query parameter no page reads: the same page under a URL never asked for before,
    so no cache can answer it and the page is computed afresh."""
    return f"{path}{'&' if '?' in path else '?'}fresh={tag}"


def server_times(
    port: int, targets: Mapping[Hashable, tuple[str, dict, bool]], rounds: int, warmup: int
) -> dict[Hashable, list[float]]:
    """Milliseconds of server time (the Server-Timing header) of each target, requested one at a time.

    A target is (path, headers, fresh): fresh ones get a unique URL every time. The targets take turns
    (round-robin), so a burst of load from elsewhere on the machine slows them all alike instead of one
    page. The first `warmup` rounds are not kept.
    """
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    times: dict[Hashable, list[float]] = {name: [] for name in targets}
    try:
        for round_number in range(warmup + rounds):
            for name, (page, headers, fresh) in targets.items():
                path = unique(page, str(time.monotonic_ns())) if fresh else page
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                body = response.read()
                if response.status != 200:
                    raise BenchError(f"GET {path} answered {response.status}: {body[:200]!r}")
                timing = SERVER_TIMING.search(response.getheader("Server-Timing", ""))
                if timing is None:
                    raise BenchError(f"GET {path} has no Server-Timing header")
                if round_number >= warmup:
                    times[name].append(float(timing[1]))
    finally:
        connection.close()
    return times


def client(
    port: int, page: str, headers: dict, fresh: bool, start: float, seconds: float
) -> tuple[int, float, list[str]]:
    """One load client: from `start` (time.monotonic, shared by the processes on Linux) for `seconds`,
    GET `page` again and again on one connection (a unique URL each time when `fresh`).

    Returns the 200 answers, when the last one ended (the request under way at the end of the window
    is finished and counted, so slow pages are not undercounted), and the errors (any other status, a
    broken connection).
    """
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    done, errors = 0, []
    time.sleep(max(0.0, start - time.monotonic()))
    while time.monotonic() < start + seconds:
        path = unique(page, f"{os.getpid()}-{time.monotonic_ns()}") if fresh else page
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException) as exc:
            errors.append(f"GET {path}: {exc!r}")
            connection.close()
            if len(errors) >= 20:  # the server is gone: say so, don't spin
                break
            continue
        if response.status == 200:
            done += 1
        else:
            errors.append(f"GET {path} answered {response.status}")
    connection.close()
    return done, time.monotonic(), errors


def _serve(pipe) -> None:
    """A load process: say it is ready, then run each client task that arrives and send back its result."""
    pipe.send("ready")
    while (task := pipe.recv()) is not None:
        pipe.send(client(*task))


class LoadClients:
    """`count` client processes started once (spawned, so they share nothing with the test process),
    each running exactly one client per measurement, so the load is truly `count` concurrent clients."""

    def __init__(self, count: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.pipes, self.processes = [], []
        for _ in range(count):
            ours, theirs = context.Pipe()
            process = context.Process(target=_serve, args=(theirs,), daemon=True)
            process.start()
            self.pipes.append(ours)
            self.processes.append(process)
        for pipe in self.pipes:
            try:
                ready = pipe.poll(60) and pipe.recv() == "ready"
            except EOFError:
                ready = False
            if not ready:
                self.__exit__()
                raise BenchError("a load client process did not start")

    def __enter__(self) -> LoadClients:
        return self

    def __exit__(self, *exc_info) -> None:
        for pipe in self.pipes:
            with suppress(OSError):
                pipe.send(None)
        for process in self.processes:
            process.join(timeout=30)
            if process.is_alive():
                process.terminate()

    def run(self, port: int, target: tuple[str, dict, bool], seconds: float) -> tuple[int, float, list[str]]:
        """All clients together on `target` ((path, headers, fresh) as for `server_times`) for about
        `seconds`: the 200 answers, the seconds from the start until the last one, and the errors."""
        start = time.monotonic() + 0.2  # time for every process to receive its task
        for pipe in self.pipes:
            pipe.send((port, *target, start, seconds))
        results = [pipe.recv() for pipe in self.pipes]
        errors = [error for *_, errors in results for error in errors]
        return sum(done for done, *_ in results), max(ended for _, ended, _ in results) - start, errors
