"""Differential truth for a router's own `router.use(cors(...))` mounted (through another
router) on an app that `.use`s `cors()` for every path first
(extractors.express.mounted_router_cors.outer_cors_app): the two `cors()` policies corslint
reads from the fixture run as that server on the real `cors` package and express, and

- the app's `cors()` answers every preflight to the router's paths, exactly as its own
  policy does;
- on the router's other responses the router's `cors()` replaces the app's Allow-Origin
  while the app's Allow-Credentials stays: neither policy is what the browser gets, which
  is why the two are one app's layers (CORS302).
"""

from __future__ import annotations

import json

from corslint.browser import PageRequest
from corslint.frameworks import framework_of
from tests.conftest import FIXTURES, policies_linted_inside
from tests.test_differential_express import (
    compare_answers,
    known_options,
    require_node_package,
    run_harness,
    wire,
)

_NAME = "router_own_cors_behind_app_cors"
_ORIGINS = ("https://evil.example", "https://studio.relayhooks.example")


def test_router_cors_mixes_with_the_app_cors() -> None:
    require_node_package("cors")
    project = FIXTURES / "express" / _NAME
    policies = {p.location.path: p for p in policies_linted_inside(project, "express")}
    app_policy, router_policy = policies["src/app.js"], policies["src/routes/hooks.js"]
    assert policies["src/routes/feeds.js"].app == app_policy.app  # `export const feedsRouter`
    assert app_policy.app == router_policy.app
    app_options, router_options = known_options(app_policy), known_options(router_policy)
    assert app_options is not None and router_options is not None
    preamble = (
        'const express = require("express");\nconst cors = require("cors");\n'
        "const app = express();\n"
        f"app.use(cors({json.dumps(app_options)}));\n"
        "const outer = express.Router();\nconst hooks = express.Router();\n"
        f"hooks.use(cors({json.dumps(router_options)}));\n"
        'hooks.post("/:hookId", (req, res) => res.status(202).json({ ok: true }));\n'
        'outer.use("/hooks", hooks);\napp.use("/", outer);\n'
    )
    preflights = [
        PageRequest(
            origin, "POST", (("content-type", "application/json"),), credentials=True, path="/hooks/h1"
        ).preflight()
        for origin in _ORIGINS
    ]
    posts = [
        PageRequest(origin, "POST", (("content-type", "text/plain"),), path="/hooks/h1").actual()
        for origin in _ORIGINS
    ]
    case = {
        "kind": "node",
        "name": _NAME,
        "preamble": preamble,
        "source": "app",
        "requests": [wire(request) for request in preflights + posts],
    }
    real = run_harness([case])[_NAME]
    mismatches, compared = compare_answers(app_policy, preflights, real[: len(preflights)])
    assert not mismatches, "\n".join(mismatches)
    assert compared == len(preflights)
    for request, answer in zip(posts, real[len(preflights) :], strict=True):
        headers = {key.lower(): value for key, value in answer["headers"]}
        router_answer = framework_of(router_policy).respond(router_policy, request)
        app_answer = framework_of(app_policy).respond(app_policy, request)
        assert (
            headers["access-control-allow-origin"] == router_answer.get("access-control-allow-origin") == "*"
        )
        assert headers["access-control-allow-credentials"] == "true"
        assert app_answer.get("access-control-allow-credentials") == "true"
        assert router_answer.get("access-control-allow-credentials") is None
