"""Differential truth for a Next.js route handler whose OPTIONS export reads the Origin
through a `headers()` promise kept in a local (`const incoming = headers(); (await
incoming).get("origin")`; census 7 sample 22, 07-Vignesh/VikneshwaranPortfolio), the
fixture tests/fixtures/nextjs/route_options_stored_headers_promise built and served by a
real `next start` (next, react, react-dom pinned in tests/node; built once with `next
build --webpack`, as in test_differential_next.py; served as route.js, its one type
annotation removed). The export answers the preflights
itself, echoing the Origin and allowing POST; corslint's policy must answer the probe
battery and a POST preflight as the server does."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from corslint.http import Request
from tests.conftest import FIXTURES, linted_inside
from tests.next_server import compare_served, require_next, served, write_app
from tests.probe_battery import battery

FIXTURE = FIXTURES / "nextjs" / "route_options_stored_headers_promise"
ROUTE = "app/api/newsletter/route.ts"
PATH = "/api/newsletter"


def _without_types(source: str) -> str:
    """The route as JavaScript (next refuses TypeScript without the typescript package):
    its one annotation removed."""
    assert source.count("(request: Request)") == 1
    return source.replace("(request: Request)", "(request)")


@pytest.fixture(scope="module")
def newsletter_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path]]:
    require_next()
    project = tmp_path_factory.mktemp("next_stored_headers")
    write_app(
        project,
        {
            "app/api/newsletter/route.js": _without_types((FIXTURE / ROUTE).read_text("utf-8")),
            "package.json": '{ "name": "next-stored-headers", "private": true }\n',
            "app/layout.js": "export default function Root({ children }) {\n"
            "  return <html><body>{children}</body></html>;\n}\n",
        },
    )
    with served(project, PATH) as port:
        yield port, project


@pytest.mark.slow
def test_stored_headers_promise_options_answer_matches_next_start(
    newsletter_server: tuple[int, Path],
) -> None:
    port, project = newsletter_server
    policies = [p for p in linted_inside(project) if p.framework == "nextjs_route_headers"]
    assert len(policies) == 1
    policy = policies[0]
    preflight = Request.make(
        "OPTIONS",
        "https://blog.partner.example",
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
