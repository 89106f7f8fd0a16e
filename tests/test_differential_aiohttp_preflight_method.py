"""An aiohttp class whose `@web.middleware` method hands OPTIONS to another method that
builds a `CIMultiDict` of `aiohttp.hdrs` headers with `Access-Control-Allow-Headers: *`
(fixture python_headers/aiohttp_class_middleware_preflight_method_bearer; seen in
bogonets/answer core/recc/http/v2/router_v2_plugins.py), while the routes take bearer
tokens. Measured with aiohttp 3.14: the preflight gets exactly the written headers, which
browsers read as a header literally named `*` for Authorization (CORS204)."""

from __future__ import annotations

import asyncio
import sys

from aiohttp.test_utils import TestClient, TestServer

from corslint.browser import PageRequest, preflight_check
from corslint.frameworks.python_headers import respond
from corslint.http import Response
from tests.conftest import FIXTURES, run_lint

PROJECT = FIXTURES / "python_headers" / "aiohttp_class_middleware_preflight_method_bearer"
ORIGIN = "https://mail.example.net"
NAMES = ("access-control-allow-origin", "access-control-allow-methods", "access-control-allow-headers")


async def real(page: PageRequest) -> Response:
    sys.path.insert(0, str(PROJECT))
    try:
        from relay.inbox import Inbox  # the fixture's own code, run on real aiohttp
    finally:
        sys.path.remove(str(PROJECT))
    request = page.preflight()
    async with TestClient(TestServer(Inbox().app)) as client:
        answer = await client.options(request.path, headers=dict(request.headers) | {"Origin": ORIGIN})
        kept = tuple((name, answer.headers[name]) for name in NAMES if name in answer.headers)
        return Response(answer.status, kept)


def test_the_fixture_preflight_matches_real_aiohttp() -> None:
    result = run_lint(PROJECT)
    assert sorted((f.rule_id, f.location.line) for f in result.findings) == [("CORS204", 28)]
    policy = next(p for p in result.policies if p.framework == "aiohttp_headers")
    for headers in ((("authorization", "Bearer t"),), (("content-type", "application/json"),)):
        page = PageRequest(ORIGIN, "PUT", headers, path="/messages/7")
        measured = asyncio.run(real(page))
        modelled = respond(policy, page.preflight())
        assert measured.status == 200 == modelled.status
        assert {n: measured.get(n) for n in NAMES} == {n: modelled.get(n) for n in NAMES}
        # the browser's verdict: a token preflight fails on `*`, a JSON one passes
        assert preflight_check(page, measured).ok is (headers[0][0] == "content-type")
