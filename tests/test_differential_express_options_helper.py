"""Differential truth for `app.use(cors(corsSettings()))` with a project helper that returns
one options object per deployment (extractors/express/cors_helper_variants.py, the Express
counterpart of the @fastify/cors reading in helper_return_variants.py).

The fixture runs as `node server.js` would run it, on the pinned express and cors of
tests/node (tests/node/entry_app_harness.mjs), twice: through a small entry that sets
NODE_ENV=development first (the first return) and one that sets NODE_ENV=production (the
last). corslint reads one configuration per return; each must answer every request as the
app started in that stage does."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from corslint.http import Request
from corslint.model import CorsPolicy
from tests.conftest import FIXTURES, policies_linted_inside
from tests.test_differential_express import NODE_DIR, compare_answers, require_node_package, run_harness, wire

PROJECT = FIXTURES / "express" / "cors_options_helper_per_stage"
ORIGINS = (
    "https://orders.greenhouse.example",
    "https://ops.greenhouse.example",
    "https://stranger.example",
    None,
)
_ENTRY = """process.env.NODE_ENV = "%s";
console.log = () => {};
await import("./server.js");
"""


def _requests() -> list[Request]:
    requests = []
    for origin in ORIGINS:
        requests.append(Request("GET", origin, path="/orders", credentials=True))
        for method in ("POST", "DELETE"):
            asked = (
                ("access-control-request-method", method),
                ("access-control-request-headers", "content-type"),
            )
            requests.append(Request("OPTIONS", origin, asked, path="/orders/o-1"))
    return requests


def _answers(stage: str, requests: list[Request]) -> list[dict[str, Any]]:
    copy = Path(tempfile.mkdtemp(prefix=".entry-", dir=NODE_DIR))
    try:
        shutil.copytree(PROJECT, copy / PROJECT.name)
        entry = copy / PROJECT.name / f"{stage}-entry.mjs"
        entry.write_text(_ENTRY % stage)
        case = {"name": stage, "entry": str(entry), "requests": [wire(request) for request in requests]}
        return run_harness([case], "entry_app_harness.mjs")[stage]
    finally:
        shutil.rmtree(copy)


def _policies() -> dict[int, CorsPolicy]:
    """The configuration of each return, by the line of its `origin` option."""
    found = {}
    for policy in policies_linted_inside(PROJECT, "express"):
        origin = policy.options["origin"]
        found[origin.location.line] = policy
    return found


def test_each_return_answers_as_the_app_started_in_that_stage() -> None:
    require_node_package("express")
    require_node_package("cors")
    policies = _policies()
    assert sorted(policies) == [8, 14], policies
    requests = _requests()
    for stage, line in (("development", 8), ("production", 14)):
        real = _answers(stage, requests)
        mismatches, compared = compare_answers(
            policies[line], requests, real, unresolved_counts=True, status_of=_status(real, requests)
        )
        assert not mismatches, f"{stage}:\n" + "\n".join(mismatches)
        assert compared == len(requests)
    stranger = [requests[6]]  # GET /orders from https://stranger.example
    assert stranger[0].origin == "https://stranger.example"
    # development reflects a stranger with credentials (CORS101); production refuses it
    development = _headers(_answers("development", stranger)[0])
    assert development.get("access-control-allow-origin") == "https://stranger.example"
    assert development.get("access-control-allow-credentials") == "true"
    assert "access-control-allow-origin" not in _headers(_answers("production", stranger)[0])


def _headers(answer: dict[str, Any]) -> dict[str, str]:
    return {name.lower(): value for name, value in answer["headers"]}


def _status(real: list[dict[str, Any]], requests: list[Request]) -> Any:
    """The routes answer the actual requests; the model answers the preflights."""
    statuses = {id(request): answer["status"] for request, answer in zip(requests, real, strict=True)}

    def status_of(request: Request, predicted: Any) -> int | None:
        if request.method == "OPTIONS":
            return predicted.status if predicted.status is not None else 200
        return statuses[id(request)]

    return status_of
