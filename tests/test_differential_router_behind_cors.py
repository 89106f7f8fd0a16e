"""Differential truth for routes of exported routers mounted after an app-wide `cors()` that
lets every Origin through (extractors.express.mounted_router_cors): the app's server runs
under the real `cors` package on express (each router module inlined), and

- a route that only writes again what `cors()` sent (the echoed Origin, Allow-Credentials)
  has no policy of its own: its answers must be exactly `cors()`'s policy's;
- a route that adds a header of its own has a policy with `cors()`'s Vary and
  Allow-Credentials first and its preflights answered before it: its answers must be that
  policy's.
"""

from __future__ import annotations

from corslint.browser import PageRequest
from tests.conftest import FIXTURES, policies_linted_inside
from tests.test_differential_express import compare_answers, require_node_package, run_harness, wire

_NAME = "router_echo_behind_open_cors"
_ORIGINS = ("https://evil.example", "https://pantry.example.org", "http://localhost:5173")
_REQUIRE = 'const express = require("express");'


def _inlined(project_text: str) -> str:
    """A router module as an expression: its code in a function returning the router."""
    body = project_text.replace(_REQUIRE, "").replace("module.exports = router;", "return router;")
    return f"(() => {{\n{body}\n}})()"


def test_routes_behind_app_cors_answer_as_the_server() -> None:
    require_node_package("cors")
    project = FIXTURES / "express" / _NAME
    (cors_policy,) = policies_linted_inside(project, "express")
    (pantry,) = policies_linted_inside(project, "express_headers")  # the session route has none
    assert pantry.options["options_status"].raw == "answered-before"
    sessions = [
        PageRequest(
            origin, "POST", (("content-type", "text/plain"),), credentials=True, path="/session"
        ).actual()
        for origin in _ORIGINS
    ]
    pantries = [PageRequest(origin, "GET", credentials=True, path="/pantry").actual() for origin in _ORIGINS]
    pantries += [PageRequest(origin, "GET", path="/pantry").actual() for origin in _ORIGINS]
    server = (project / "server.js").read_text("utf-8").replace("app.listen(5000);", "")
    for name, module in (("session", "sessionRoutes"), ("pantry", "pantryRoutes")):
        router = _inlined((project / "routes" / f"{name}.js").read_text("utf-8"))
        server = server.replace(
            f'const {module} = require("./routes/{name}");', f"const {module} = {router};"
        )
    case = {
        "kind": "node",
        "name": _NAME,
        "preamble": server,
        "source": "app",
        "requests": [wire(request) for request in sessions + pantries],
    }
    real_answers = run_harness([case])[_NAME]
    for policy, sent, real in (
        (cors_policy, sessions, real_answers[: len(sessions)]),
        (pantry, pantries, real_answers[len(sessions) :]),
    ):
        mismatches, compared = compare_answers(policy, sent, real)
        assert not mismatches, "\n".join(mismatches[:20])
        assert compared == len(sent)
