"""Differential truth for h3 2.x's own header writers (`h3_v2`): `event.res.headers.set(...)`
/ `.append(...)`, `event.req.headers.get("origin")`, `event.req.method`, `event.res.status`,
in `defineHandler` / `defineMiddleware` handlers (Nitro 3), helpers handed the event, and
functions handed straight to a `new H3()` app (`app.options(path, fn)`, `app.post(...)`).
Each fixture runs on real h3 2.0.8 (tests/node/h3_headers_harness.mjs, through `app.fetch`,
h3's exports in scope as in the 1.x test) and the answers to the probe battery are compared
with the ones corslint's policies predict. h3 1.x has no `event.res`: these run on 2.x only."""

from __future__ import annotations

from typing import Any

from corslint.http import Request
from corslint.model import CorsPolicy
from tests.conftest import policies_linted_inside
from tests.test_differential_express import compare_answers, require_node_package, run_harness, wire
from tests.test_differential_h3_headers import H3, _handler, _javascript, _requests

# fixture -> (util files, [(handler file, mount)], path prefix of the requests)
CASES: dict[str, tuple[tuple[str, ...], tuple[tuple[str, str], ...], str]] = {
    "h3_v2_middleware_allowlist_credentials": ((), (("server/middleware/cors.ts", "use"),), ""),
    "h3_v2_middleware_fixed_origin_clean": ((), (("server/middleware/cors.ts", "use"),), ""),
    "h3_v2_util_reflect_credentials": (
        ("server/utils/cors.ts",),
        (("server/routes/api/orders.get.ts", "get"),),
        "",
    ),
    # the module's own app: routes under /votes/
    "h3_v2_app_routes_any_origin": ((), (("server.mjs", "app"),), "/votes"),
}


def _source(text: str) -> str:
    """The fixture's code as the harness evaluates it: h3 in scope, no `serve(...)` start."""
    return "\n".join(
        line for line in _javascript(text).splitlines() if not line.startswith("if (process.env")
    )


def _case(fixture: str, requests: list[Request]) -> dict[str, Any]:
    project = H3 / fixture
    utils, handlers, prefix = CASES[fixture]
    preamble = "\n".join(_source((project / util).read_text("utf-8")) for util in utils)
    sources = []
    for file, mount in handlers:
        before, handler = _handler(project / file)
        if mount == "app":  # `export default app;` then a `serve(...)` start: the app alone
            handler = handler.split(";")[0]
        preamble += "\n" + _source(before)
        sources.append({"source": handler, "mount": mount})
    wired = []
    for request in requests:
        sent = wire(request)
        sent["path"] = prefix + sent["path"] if prefix else sent["path"]
        wired.append(sent)
    return {"kind": "h3-2", "name": fixture, "preamble": preamble, "handlers": sources, "requests": wired}


def test_h3_v2_fetch_header_writers_match_real_h3() -> None:
    require_node_package("h3-2")
    cases = []
    expected: dict[str, list[tuple[CorsPolicy, list[Request], int, int]]] = {}
    for fixture, (_, handlers, _) in CASES.items():
        mount = handlers[-1][1]
        found = policies_linted_inside(H3 / fixture, "h3_headers")
        assert found, fixture
        for policy in found:
            # a route answers its own method (`app.post`, `orders.get.ts`: `policy.routes`)
            methods = {m.upper() for route in policy.routes or () for m in route.methods}
            requests = _requests(policy, "all" if mount in {"use", "app"} else mount)
            if methods:
                requests = [r for r in requests if r.method.upper() in methods | {"OPTIONS"}]
            start = sum(len(batch) for _, batch, _, _ in expected.get(fixture, []))
            expected.setdefault(fixture, []).append((policy, requests, start, start + len(requests)))
        every = [request for _, batch, _, _ in expected[fixture] for request in batch]
        cases.append(_case(fixture, every))
    real = run_harness(cases, script="h3_headers_harness.mjs")
    total = 0
    for fixture, policies in expected.items():
        for policy, requests, start, end in policies:
            mismatches, compared = compare_answers(policy, requests, real[fixture][start:end])
            assert not mismatches, f"{fixture}:\n" + "\n".join(mismatches[:20])
            total += compared
    assert total > 40, total
