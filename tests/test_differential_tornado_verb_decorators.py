"""Differential truth for home-made decorators on Tornado handler verbs (fixtures
python_headers/tornado_verb_decorator_wildcard and tornado_verb_decorator_allow_list_clean,
the shape of pepeul1191/gestion-swp `config/middleware.py`'s `@enable_cors()` on `get`):
a real Tornado 6 runs the decorator's `self.set_header(...)` around the verb it wraps, and
corslint's model of that layer must give the decorated GETs the Allow-Origin and Vary the
real handlers send, for a foreign, a listed and no Origin."""

from __future__ import annotations

from pathlib import Path

import pytest

from corslint.frameworks import framework_of
from corslint.http import Request
from corslint.model import CorsPolicy
from tests.conftest import FIXTURES, run_lint
from tests.python_apps import fixture_module, serve_tornado

tornado_web = pytest.importorskip("tornado.web")

WILDCARD = FIXTURES / "python_headers" / "tornado_verb_decorator_wildcard"
ALLOW_LIST = FIXTURES / "python_headers" / "tornado_verb_decorator_allow_list_clean"
ORIGINS = (None, "https://evil.example", "https://maps.example.org")


def _real(app: object, path: str) -> list[tuple[int, str | None, str | None]]:
    sent = serve_tornado(app, [("GET", path, {"Origin": o} if o else {}) for o in ORIGINS])
    found = []
    for status, headers in sent:
        named = {name.lower(): value for name, value in headers}
        found.append((status, named.get("access-control-allow-origin"), named.get("vary")))
    return found


def _predicted(policy: CorsPolicy, path: str) -> list[tuple[int, str | None, bool]]:
    model = framework_of(policy)
    answers = [model.respond(policy, Request("GET", origin, path=path)) for origin in ORIGINS]
    return [
        (a.status or 200, a.get("Access-Control-Allow-Origin"), "origin" in (a.get("Vary") or "").lower())
        for a in answers
    ]


def _sole_policy(project: Path) -> CorsPolicy:
    (policy,) = run_lint(project).policies
    return policy


def test_wildcard_verb_decorator_matches_tornado() -> None:
    with fixture_module(WILDCARD, "regions_server", ("regions_server", "geo_regions")) as server:
        real = _real(server.make_app(), "/regions")
    assert [(s, o) for s, o, _ in real] == [(200, "*")] * len(ORIGINS)
    predicted = _predicted(_sole_policy(WILDCARD), "/regions")
    assert [(s, o) for s, o, _ in predicted] == [(s, o) for s, o, _ in real]


def test_allow_list_verb_decorator_matches_tornado() -> None:
    with fixture_module(ALLOW_LIST, "tiles_app", ("tiles_app",)) as module:
        application = tornado_web.Application([(r"/tiles/(\d+)", module.TilesHandler)])
        real = _real(application, "/tiles/3")
    assert real[2][1] == "https://maps.example.org" and real[1][1] is None
    predicted = _predicted(_sole_policy(ALLOW_LIST), "/tiles/3")
    for (status, origin, vary), (p_status, p_origin, p_vary) in zip(real, predicted, strict=True):
        assert (p_status, p_origin) == (status, origin)
        assert p_vary == ("origin" in (vary or "").lower())
