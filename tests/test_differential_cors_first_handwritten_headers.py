"""Differential truth for census 9 row C1: an app-wide `cors()` registered first, then
hand-written code writing `Access-Control-Allow-Headers` without `Authorization` (a later
`app.use` middleware, or a helper route handlers hand their response to).

cors 2.8 (preflightContinue false) ends every OPTIONS request itself with 204, reflecting
`Access-Control-Request-Headers`: the hand-written list never answers a preflight, so a
request carrying `Authorization` passes and CORS204 must not be reported on that list. Each
fixture's entry module runs with the pinned express and cors (tests/node/entry_app_harness.mjs);
its preflights are the `cors()` policy's answers, and its other responses carry the
hand-written headers corslint read.
"""

from __future__ import annotations

import pytest

from corslint.browser import PageRequest
from corslint.frameworks import framework_of
from corslint.http import Request, Response
from tests.conftest import FIXTURES, linted_inside, run_lint
from tests.test_differential_express import require_node_package
from tests.test_differential_imported_app_order import entry_answers

EXPRESS = FIXTURES / "express"
# fixture -> (entry module, an allowed origin, (method, path) of a route)
CASES = {
    "cors_first_then_handwritten_allow_headers": ("app.js", "https://books.example.com", ("GET", "/entries")),
    "cors_first_route_helper_allow_headers": ("server.js", "https://kiosk.example.org", ("GET", "/screens")),
}


def _answer(real: dict) -> Response:
    return Response(real["status"], tuple((k.lower(), v) for k, v in real["headers"]))


@pytest.mark.parametrize("fixture", sorted(CASES))
def test_a_token_preflight_is_answered_by_the_first_cors(fixture: str) -> None:
    for needed in ("express", "cors"):
        require_node_package(needed)
    entry, origin, (method, path) = CASES[fixture]
    project = EXPRESS / fixture
    token = PageRequest(origin, "PUT", (("authorization", "Bearer t"),), True, "/entries/3")
    preflight = token.preflight()
    actual = Request(method, origin, path=path, credentials=True)
    real_preflight, real_actual = entry_answers(project, entry, [preflight, actual])
    # the real app: cors() answers the token preflight, and it passes
    assert real_preflight["status"] == 204, real_preflight
    answered = _answer(real_preflight)
    allowed = {n.strip().lower() for n in (answered.get("access-control-allow-headers") or "").split(",")}
    assert "authorization" in allowed, real_preflight
    policies = linted_inside(project)
    library = [p for p in policies if p.framework == "express"]
    assert len(library) == 1, policies
    predicted = framework_of(library[0]).respond(library[0], preflight)
    assert predicted.status == 204
    assert predicted.get("access-control-allow-headers") == answered.get("access-control-allow-headers")
    assert predicted.get("access-control-allow-origin") == answered.get("access-control-allow-origin")
    # the hand-written headers reach the other responses: what corslint read is what runs
    written = [p for p in policies if p.framework != "express"]
    assert len(written) == 1, policies
    real_headers = {k.lower(): v for k, v in real_actual["headers"]}
    steps = {name.split(" #", 1)[0].lower() for name in written[0].options}
    assert "access-control-allow-headers" in steps
    assert "authorization" not in real_headers["access-control-allow-headers"].lower()
    # so the hand-written list, which never answers a preflight, is not CORS204
    findings = run_lint(project).findings
    assert not [f for f in findings if f.rule_id == "CORS204"], findings
