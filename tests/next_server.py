"""A generated Next.js app built and served by a real `next start` (next, react and react-dom
pinned in tests/node), and the model's answers compared with the server's."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corslint.frameworks import framework_of
from corslint.http import Request, Response
from corslint.model import CorsPolicy, UnresolvedValueError
from tests.probe_battery import cors_headers
from tests.test_differential_express import NODE_DIR, require_node_package

HOST = "127.0.0.1"
BUILD_SECONDS = 240
NEXT_OWN_VARY = frozenset(
    {
        "rsc",
        "next-router-state-tree",
        "next-router-prefetch",
        "next-router-segment-prefetch",
        "accept-encoding",
    }
)


def require_next() -> None:
    for package in ("next", "react", "react-dom"):
        require_node_package(package)  # node and `npm ci` there; in CI a failure, not a skip


def write_app(project: Path, files: dict[str, str]) -> None:
    """The app's files, its node_modules a link to tests/node's."""
    for name, text in files.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text)
    (project / "node_modules").symlink_to(NODE_DIR / "node_modules", target_is_directory=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def next_command(project: Path, *arguments: str, **options: Any) -> subprocess.Popen[str]:
    command = ["node", str(NODE_DIR / "node_modules" / "next" / "dist" / "bin" / "next"), *arguments]
    env = {**os.environ, "NEXT_TELEMETRY_DISABLED": "1", "NODE_ENV": "production"}
    return subprocess.Popen(command, cwd=project, env=env, text=True, **options)


@contextlib.contextmanager
def served(project: Path, ready_path: str) -> Iterator[int]:
    """The app built (`next build --webpack`: Turbopack refuses a node_modules outside the
    project) and served by `next start` on HOST until the block ends: its port, once
    `ready_path` answers."""
    build = next_command(project, "build", "--webpack", stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output, _ = build.communicate(timeout=BUILD_SECONDS)
    assert build.returncode == 0, output[-4000:]
    port = free_port()
    server = next_command(
        project,
        "start",
        "-p",
        str(port),
        "-H",
        HOST,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: next start forks next-server
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                send(HOST, port, Request("GET", None, path=ready_path))
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "next start did not come up"
                time.sleep(0.2)
        yield port
    finally:
        with contextlib.suppress(ProcessLookupError):  # the group it leads: next start, next-server
            os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)


def send(host: str, port: int, request: Request) -> tuple[int, list[tuple[str, str]]]:
    connection = http.client.HTTPConnection(host, port, timeout=10)
    try:
        headers = dict(request.headers)
        if request.origin is not None:
            headers["origin"] = request.origin
        connection.request(request.method, request.path, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status, response.getheaders()
    finally:
        connection.close()


def without_next_vary(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """CORS headers as compared: Next.js's own Vary tokens left out, the rest kept."""
    headers = cors_headers(pairs)
    if "vary" in headers:
        kept = [t.strip() for t in headers["vary"].split(",") if t.strip().lower() not in NEXT_OWN_VARY]
        if kept:
            headers["vary"] = ", ".join(kept)
        else:
            del headers["vary"]
    return headers


def served_mismatch(
    where: str, status: int, pairs: list[tuple[str, str]], predicted: Response, expected: dict[str, str]
) -> str | None:
    """How the server's answer differs from the model's: its status, where the model gives
    one, else its CORS headers (Next.js's own Vary tokens left out) from `expected`."""
    if predicted.status is not None and predicted.status != status:
        return f"{where}: status {status} != {predicted.status}"
    real = without_next_vary(pairs)
    if real != expected:
        return f"{where}: {real} != {expected}"
    return None


@dataclass(frozen=True)
class Compared:
    """What replaying requests on the server found."""

    requests: int
    unresolved: int  # requests the model leaves unanswered
    compared: int
    preflights: int  # OPTIONS requests compared
    mismatches: tuple[str, ...]


def compare_served(
    port: int,
    policy: CorsPolicy,
    requests: list[Request],
    label: str,
    expected_of: Callable[[Response], dict[str, str]] = lambda predicted: cors_headers(predicted.headers),
) -> Compared:
    """Each request sent to the server, its answer beside the model's (its CORS headers as
    `expected_of` says the server sends them); `label` names the policy in a mismatch."""
    respond = framework_of(policy).respond
    answered: list[Request] = []
    mismatches: list[str] = []
    for request in requests:
        status, pairs = send(HOST, port, request)
        try:
            predicted = respond(policy, request)
        except UnresolvedValueError:
            continue
        answered.append(request)
        where = f"{label}: {request.method} {request.path} Origin={request.origin} {dict(request.headers)}"
        mismatch = served_mismatch(where, status, pairs, predicted, expected_of(predicted))
        if mismatch is not None:
            mismatches.append(mismatch)
    preflights = sum(request.method == "OPTIONS" for request in answered)
    unresolved = len(requests) - len(answered)
    return Compared(len(requests), unresolved, len(answered), preflights, tuple(mismatches))
