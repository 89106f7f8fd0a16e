"""A Python fixture project's own app, run by the real framework: imported from the project,
and called as a WSGI app."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import io
import sys
from collections.abc import Callable, Collection, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

from corslint.http import Request


@contextlib.contextmanager
def fixture_module(project: Path, name: str, packages: Collection[str]) -> Iterator[ModuleType]:
    """The module `name` imported from `project`; the project's `packages` leave
    sys.modules before and afterwards (other fixtures use the same package names, and not
    every test that imports one cleans up after itself)."""

    def forget() -> None:
        for loaded in [m for m in sys.modules if m.split(".")[0] in packages]:
            del sys.modules[loaded]

    forget()
    sys.path.insert(0, str(project))
    try:
        yield importlib.import_module(name)
    finally:
        sys.path.remove(str(project))
        forget()


def call_wsgi(app: Callable[..., Any], path: str, request: Request) -> tuple[int, list[tuple[str, str]]]:
    """The status and header lines `app` answers `request` with at `path`; every request
    header, Origin included, is an HTTP_ variable."""
    environ: dict[str, Any] = {
        "REQUEST_METHOD": request.method,
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "api.internal",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "api.internal",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }
    headers = dict(request.headers)
    if request.origin is not None:
        headers["Origin"] = request.origin
    for name, value in headers.items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    answer: dict[str, Any] = {}

    def start_response(status: str, lines: list[tuple[str, str]], exc_info: Any = None) -> None:
        answer["status"], answer["lines"] = int(status.split()[0]), lines

    b"".join(app(environ, start_response))
    return answer["status"], list(answer["lines"])


def serve_tornado(
    app: Any, requests: list[tuple[str, str, dict[str, str]]]
) -> list[tuple[int, list[tuple[str, str]]]]:
    """Each (method, path, headers) request sent to the Tornado `app` on a local port, as a
    browser would: the status and headers of each answer."""
    from tornado.httpclient import AsyncHTTPClient
    from tornado.httpserver import HTTPServer
    from tornado.netutil import bind_sockets

    sockets = bind_sockets(0, "127.0.0.1")
    port = sockets[0].getsockname()[1]

    async def run() -> list[tuple[int, list[tuple[str, str]]]]:
        server = HTTPServer(app)
        server.add_sockets(sockets)
        answers = []
        try:
            for method, path, headers in requests:
                answer = await AsyncHTTPClient().fetch(
                    f"http://127.0.0.1:{port}{path}",
                    method=method,
                    headers=headers,
                    body="{}" if method in ("POST", "PUT") else None,
                    raise_error=False,
                    allow_nonstandard_methods=True,
                )
                answers.append((answer.code, list(answer.headers.get_all())))
        finally:
            server.stop()
        return answers

    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(run())
    finally:
        loop.close()
