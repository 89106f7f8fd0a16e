"""Differential truth for Next.js route exports wrapped by a project helper that only
observes the request (`export const POST = timed(startPairing)`), answering through a JSON
helper that hands the caller's init on unchanged (`replyJson(data, { headers })` ->
`Response.json(x, init)`; Life-USTC/server-nextjs, held-out set 17): the fixture
tests/fixtures/nextjs/route_timed_wrapper_public_star built and served by a real `next
start` (next, react, react-dom pinned in tests/node; built once with `next build --webpack`,
as in test_differential_next.py). corslint's policy must answer the probe battery and a
POST preflight as the server does."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from corslint.http import Request
from tests.conftest import FIXTURES, linted_inside
from tests.next_server import compare_served, require_next, served, write_app
from tests.probe_battery import battery

FIXTURE = FIXTURES / "nextjs" / "route_timed_wrapper_public_star"
FILES = ("src/app/api/pairing/route.js", "src/lib/replies.js", "src/lib/timing.js")
PATH = "/api/pairing"


@pytest.fixture(scope="module")
def pairing_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path]]:
    require_next()
    project = tmp_path_factory.mktemp("next_wrapped_routes")
    write_app(
        project,
        {
            **{name: (FIXTURE / name).read_text("utf-8") for name in FILES},
            "package.json": '{ "name": "next-wrapped-routes", "private": true }\n',
            "src/app/layout.js": "export default function Root({ children }) {\n"
            "  return <html><body>{children}</body></html>;\n}\n",
        },
    )
    with served(project, PATH) as port:
        yield port, project


@pytest.mark.slow
def test_wrapped_route_exports_answer_as_next_start(pairing_server: tuple[int, Path]) -> None:
    port, project = pairing_server
    policies = [p for p in linted_inside(project) if p.framework == "nextjs_route_headers"]
    assert len(policies) == 1
    policy = policies[0]
    preflight = Request.make(
        "OPTIONS",
        "https://tv.vendor.example",
        {"access-control-request-method": "POST", "access-control-request-headers": "content-type"},
    )
    requests = [
        Request(request.method, request.origin, request.headers, PATH, request.credentials)
        for request in [*battery(policy), preflight]
        if request.method in {"OPTIONS", "POST"} and request.origin is not None
    ]
    found = compare_served(port, policy, requests, PATH)
    assert not found.mismatches, "\n".join(found.mismatches[:10])
    assert found.preflights >= 3
    assert found.compared >= 6
