"""Differential truth for `app.use("/api", cors(A), apiRouter)` followed by an app-wide
`app.use(cors(B))` (extractors.express.ended_scopes): the two policies corslint reads from
the fixture run as that server on the real `cors` package and express, and every answer
under `/api` is exactly A's while every answer elsewhere is exactly B's: the layers never
answer the same request, which is why they are no CORS302."""

from __future__ import annotations

import json

from corslint.browser import PageRequest
from tests.conftest import FIXTURES, policies_linted_inside
from tests.test_differential_express import (
    compare_answers,
    known_options,
    require_node_package,
    run_harness,
    wire,
)

_NAME = "api_router_mount_before_app_wide_cors"
_ORIGINS = ("https://evil.example", "https://dashboard.ledger.example")


def _requests(path: str) -> list:
    requests = []
    for origin in _ORIGINS:
        requests.append(
            PageRequest(
                origin, "POST", (("content-type", "application/json"),), credentials=True, path=path
            ).preflight()
        )
        requests.append(PageRequest(origin, "GET", (), path=path).actual())
    return requests


def test_scoped_router_layer_and_app_wide_layer_never_mix() -> None:
    require_node_package("cors")
    project = FIXTURES / "express" / _NAME
    policies = policies_linted_inside(project, "express")
    scoped = next(p for p in policies if p.scope == "/api")
    app_wide = next(p for p in policies if p.scope == "")
    assert scoped.app == app_wide.app
    assert any(e.kind == "scope-answered" for e in scoped.evidence)
    scoped_options, app_options = known_options(scoped), known_options(app_wide)
    assert scoped_options is not None and app_options is not None
    preamble = (
        'const express = require("express");\nconst cors = require("cors");\n'
        "const app = express();\nconst api = express.Router();\n"
        'api.get("/v1/ledgers/:id", (req, res) => res.json({ id: req.params.id }));\n'
        'api.post("/v1/ledgers/:id", (req, res) => res.status(201).json({}));\n'
        'api.use((req, res) => res.status(404).json({ message: "Unknown API endpoint" }));\n'
        f'app.use("/api", cors({json.dumps(scoped_options)}), api);\n'
        f"app.use(cors({json.dumps(app_options)}));\n"
        'app.get("/session", (req, res) => res.json({ user: null }));\n'
        'app.post("/session", (req, res) => res.status(204).end());\n'
    )
    under_api, elsewhere = _requests("/api/v1/ledgers/7"), _requests("/session")
    case = {
        "kind": "node",
        "name": _NAME,
        "preamble": preamble,
        "source": "app",
        "requests": [wire(request) for request in under_api + elsewhere],
    }
    real = run_harness([case])[_NAME]
    mismatches, compared = compare_answers(scoped, under_api, real[: len(under_api)])
    assert not mismatches, "\n".join(mismatches)
    assert compared == len(under_api)
    mismatches, compared = compare_answers(app_wide, elsewhere, real[len(under_api) :])
    assert not mismatches, "\n".join(mismatches)
    assert compared == len(elsewhere)
