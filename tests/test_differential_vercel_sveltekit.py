"""Differential truth for vercel.json `headers` over a SvelteKit app (extractors/express/
vercel_sveltekit.py): what SvelteKit itself answers an OPTIONS request with, path by path,
against the real @sveltejs/kit pinned in tests/node (`vite build`, then `vite preview`,
which serves the build through the kit's own server runtime).

The app is the fixture tests/fixtures/vercel_netlify/vercel_sveltekit_endpoints_without_options
with its adapter left out (adapter-vercel is not installed; the adapter does not change how
the kit answers). Vercel's edge, which adds the configured headers, is not run: the status
decides the preflight (an endpoint without an OPTIONS export: 405), so the statuses are
compared, at every route and at paths no route serves.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from corslint.extractors.config_files.json_reader import read_json
from corslint.extractors.express.vercel_sveltekit import kit_options_answers
from corslint.frameworks.express_headers import next_options_status
from tests.conftest import FIXTURES, linted_inside
from tests.next_server import free_port
from tests.test_differential_express import NODE_DIR, require_node_package

HOST = "127.0.0.1"
FIXTURE = FIXTURES / "vercel_netlify" / "vercel_sveltekit_endpoints_without_options"
PATHS = (
    "/api/bookings",  # GET, POST: 405
    "/api/bookings/b-17",  # DELETE: 405
    "/api/session",  # its own OPTIONS: 204
    "/api/health",  # GET only: 405
    "/dashboard",  # a page: 204 (left unanswered by the model)
    "/",  # no route
    "/api/missing",  # no route: 404
    "/API/bookings",  # another case: 404
    "/api/bookings/",  # a trailing slash: 308
)


def _vite(project: Path, *arguments: str, **options: Any) -> subprocess.Popen[str]:
    command = ["node", str(NODE_DIR / "node_modules" / "vite" / "bin" / "vite.js"), *arguments]
    return subprocess.Popen(command, cwd=project, text=True, **options)


@contextlib.contextmanager
def _previewed(project: Path) -> Iterator[int]:
    build = _vite(project, "build", stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output, _ = build.communicate(timeout=240)
    assert build.returncode == 0, output[-4000:]
    port = free_port()
    server = _vite(
        project,
        "preview",
        "--host",
        HOST,
        "--port",
        str(port),
        "--strictPort",
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                _options(port, "/api/health")
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "vite preview did not come up"
                time.sleep(0.2)
        yield port
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)


def _options(port: int, path: str) -> int:
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        connection.request(
            "OPTIONS",
            path,
            headers={
                "origin": "https://harbourmaster.example.net",
                "access-control-request-method": "PUT",
                "access-control-request-headers": "content-type, authorization",
            },
        )
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


@pytest.fixture(scope="module")
def kit_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    for package in ("@sveltejs/kit", "vite", "svelte", "@sveltejs/vite-plugin-svelte"):
        require_node_package(package)
    project = tmp_path_factory.mktemp("kit") / "app"
    shutil.copytree(FIXTURE, project, ignore=shutil.ignore_patterns("*.expect"))
    (project / "svelte.config.js").write_text("export default { kit: {} };\n")
    (project / "vite.config.js").write_text(
        "import { sveltekit } from '@sveltejs/kit/vite';\n"
        "export default { plugins: [sveltekit()], preview: { cors: false } };\n"
    )
    (project / "node_modules").symlink_to(NODE_DIR / "node_modules", target_is_directory=True)
    with _previewed(project) as port:
        yield port


def _answers() -> tuple[str, ...]:
    data = read_json("vercel.json", (FIXTURE / "vercel.json").read_text())
    answers = kit_options_answers(FIXTURE / "vercel.json", data.raw)
    assert answers is not None
    return answers


@pytest.mark.slow
def test_options_statuses_match_sveltekit(kit_port: int) -> None:
    answers = _answers()
    compared = 0
    for path in PATHS:
        real = _options(kit_port, path)
        predicted = next_options_status(answers, path)
        if predicted is None:
            continue  # left unanswered: the code behind decides, or not measured here
        compared += 1
        assert real == predicted, f"OPTIONS {path}: SvelteKit {real}, model {predicted}"
    assert compared >= 3
    assert _options(kit_port, "/api/session") == 204  # its own OPTIONS export
    assert _options(kit_port, "/api/missing") == 404


def test_policy_judged_on_an_endpoint_without_options() -> None:
    (policy,) = [p for p in linted_inside(FIXTURE) if p.framework == "vercel_headers"]
    assert policy.probe_path == "/api/bookings/1"  # a DELETE endpoint: preflighted
    assert next_options_status(_answers(), policy.probe_path) == 405


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (
            {"src/hooks.server.js": "export const handle = ({ event, resolve }) => resolve(event);\n"},
            "a hook",
        ),
        ({"api/ping.js": "export default function handler(req, res) { res.end('ok'); }\n"}, "functions"),
        ({"svelte.config.js": "export default { kit: {} };\n"}, "no Vercel adapter"),
    ],
)
def test_unread_setups_leave_options_unanswered(tmp_path: Path, change: dict[str, str], why: str) -> None:
    project = tmp_path / "app"
    shutil.copytree(FIXTURE, project)
    for name, text in change.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text)
    data = read_json("vercel.json", (project / "vercel.json").read_text())
    assert kit_options_answers(project / "vercel.json", data.raw) is None, why
