"""Differential truth for hand-written CORS headers in h3 handlers (framework `h3_headers`:
`setResponseHeader(s)` in Nuxt / Nitro server middleware, routes and utils). Each fixture's
files run on real h3 (tests/node/h3_headers_harness.mjs: 1.15.11 on Node's http server, as
Nitro's node preset serves it, and 2.0.8 through its Fetch handler), h3's functions in scope
as Nuxt auto-imports them, and the answers to the probe battery are compared with the ones
corslint's policy predicts. A request the model leaves unresolved (an OPTIONS request the
handler passes on, answered by the rest of the app) is not compared; a route file named for
a method is compared on that method's requests (the handler answers no other)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from corslint.http import Request
from corslint.model import CorsPolicy
from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery
from tests.test_differential_express import compare_answers, require_node_package, run_harness, wire

H3 = FIXTURES / "h3"
_IMPORT = re.compile(r"^import [^;]*;\n", re.MULTILINE)


def _javascript(text: str) -> str:
    """The fixture's TypeScript as the JavaScript Nitro builds from it (imports are h3's,
    in scope in the harness; the only annotations are `event: H3Event`)."""
    return _IMPORT.sub("", text).replace(": H3Event", "").replace("export function", "function")


def _handler(path: Path) -> tuple[str, str]:
    """(preamble, handler expression) of a file whose default export is the handler."""
    before, _, handler = _javascript(path.read_text("utf-8")).partition("export default ")
    assert handler, path
    return before, handler.rstrip().rstrip(";")


# fixture -> (util files, [(handler file, mount)])
CASES: dict[str, tuple[tuple[str, ...], tuple[tuple[str, str], ...]]] = {
    "nuxt_headers_middleware_allowlist_credentials": ((), (("server/middleware/cors.ts", "use"),)),
    "nuxt_headers_util_star_helper": (("server/utils/cors.ts",), (("server/api/stops.get.ts", "get"),)),
    "nuxt_headers_route_fixed_origin_clean": ((), (("server/api/articles.ts", "all"),)),
    "nuxt_headers_reflect_credentials_post_route": ((), (("server/api/feedback/index.post.ts", "post"),)),
    "nuxt_headers_route_reads_body_star": ((), (("server/api/relay.ts", "all"),)),
    "nuxt_headers_middleware_status_code_answer": ((), (("server/middleware/cors.ts", "use"),)),
    # vinxi's `vinxi/http` re-exports h3 1.x (an "http" router's handler answers every method)
    "vinxi_http_handler_any_origin": ((), (("server/feed.ts", "all"),)),
    # census 10 B5: the Allow-Origin and a credentials flag destructured from a util's object returns
    "nuxt_headers_util_object_arms": (("server/utils/origin.ts",), (("server/middleware/cors.ts", "use"),)),
}
# The fixtures are Nuxt 3 projects (h3 1.x); 2.x runs the ones whose code it answers alike.
# Not these: `event.node.res.statusCode = 204` (Node's response, which 2.x served through
# Fetch has not), and `readBody` on a GET or OPTIONS request (1.x answers 405, 2.x reads on;
# the model follows the project's major, 1 here); nor `return null` (1.x: 204, 2.x: 200)
H3_1_ONLY = frozenset(
    {
        "nuxt_headers_middleware_status_code_answer",
        "nuxt_headers_route_reads_body_star",
        "vinxi_http_handler_any_origin",
    }
)


def _case(kind: str, fixture: str, requests: list[Request]) -> dict[str, Any]:
    project = H3 / fixture
    utils, handlers = CASES[fixture]
    preamble = "\n".join(_javascript((project / util).read_text("utf-8")) for util in utils)
    sources = []
    for file, mount in handlers:
        before, handler = _handler(project / file)
        preamble += "\n" + before
        sources.append({"source": handler, "mount": mount})
    return {
        "kind": kind,
        "name": fixture,
        "preamble": preamble,
        "handlers": sources,
        "requests": [wire(request) for request in requests],
    }


def _requests(policy: CorsPolicy, mount: str) -> list[Request]:
    requests = [request for request in battery(policy) if request.origin is not None]
    requests += [
        Request("GET", "https://book.clinicnet.example", path="/"),
        Request("POST", "https://book.clinicnet.example", path="/"),
        Request("POST", "https://survey.shop.example", path="/"),
        Request("POST", "null", path="/"),
        Request("GET", None, path="/"),  # no Origin: a fallback (`|| '*'`) is what is sent
        Request("POST", None, path="/"),
        Request(
            "OPTIONS",
            "https://book.clinicnet.example",
            (("access-control-request-method", "PATCH"), ("access-control-request-headers", "content-type")),
            path="/",
        ),
    ]
    if mount not in {"use", "all"}:  # a method route file's handler answers its method alone
        requests = [r for r in requests if r.method.upper() in {mount.upper(), "OPTIONS"}]
    return requests


@pytest.mark.parametrize("kind", ["h3-1", "h3-2"])
def test_h3_hand_written_headers_match_real_h3(kind: str) -> None:
    require_node_package("h3")
    require_node_package("h3-2")
    cases = []
    expected: dict[str, tuple[CorsPolicy, list[Request]]] = {}
    for fixture, (_, handlers) in CASES.items():
        if kind != "h3-1" and fixture in H3_1_ONLY:
            continue
        found = policies_linted_inside(H3 / fixture, "h3_headers")
        assert len(found) == 1, (fixture, found)
        requests = _requests(found[0], handlers[-1][1])
        cases.append(_case(kind, fixture, requests))
        expected[fixture] = (found[0], requests)
    real = run_harness(cases, script="h3_headers_harness.mjs")
    total = 0
    for fixture, (policy, requests) in expected.items():
        mismatches, compared = compare_answers(policy, requests, real[fixture])
        assert not mismatches, f"{kind} {fixture}:\n" + "\n".join(mismatches[:20])
        total += compared
    assert total > 40
