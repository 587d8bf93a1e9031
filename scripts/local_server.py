"""What the scripts that start the app on loopback share: a free port and waiting for the first answer."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request

# Ports Chromium refuses to open (ERR_UNSAFE_PORT) that the OS may hand out.
UNSAFE_PORTS = {5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6697, 10080}


def free_port() -> int:
    """A loopback port nothing listens on (and that a browser will open)."""
    while True:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port not in UNSAFE_PORTS:
            return port


def wait_for(url: str, server: subprocess.Popen, seconds: float = 30) -> None:
    """Return once `url` answers 200; exit with why if the server stops first or never answers."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("the app exited before it answered")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (our own loopback URL)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"{url} did not answer within {seconds} s")
