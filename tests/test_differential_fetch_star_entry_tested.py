"""Differential truth for Fetch helpers that keep `"*"` in their origin list and test
`list.includes("*")` themselves, two helpers of one module each declaring its own
`const allowed = opts.origins || PARTNERS` (census 11 C2, ARTHURVANBELLE/SolidWebApp
src/utils/cors.ts). The fixture's Worker (tests/fixtures/express/
worker_helpers_star_entry_tested_each_own_list) runs on Node's own Fetch API (`Request`,
`Response`, `Headers`), its `fetch` called as the platform calls it; corslint's policy must
answer the probe battery as it does: the listed origin echoed, every other origin `*`, each
with `Access-Control-Allow-Credentials: true`. Before, the second helper's `allowed` made the
first's unreadable (CORS305) and the `"*"` entry was called dead (CORS301)."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from corslint.http import Request
from tests.conftest import FIXTURES, sole_policy_inside
from tests.probe_battery import battery
from tests.test_differential_express import compare_answers, wire

PROJECT = FIXTURES / "express" / "worker_helpers_star_entry_tested_each_own_list"
LISTED = "https://portal.example.org"

_RUN = """
import worker from %s;
const requests = JSON.parse(process.argv[1]);
const out = [];
for (const r of requests) {
  const headers = new Headers(r.headers);
  const answer = await worker.fetch(new Request("https://orders.example.net" + r.path, { method: r.method, headers }));
  out.push({ status: answer.status, headers: [...answer.headers.entries()] });
}
console.log(JSON.stringify(out));
"""


def test_the_worker_answers_as_modelled() -> None:
    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    policy = sole_policy_inside(PROJECT, "fetch_headers")
    requests = [request for request in battery(policy) if request.origin is not None]
    requests += [
        Request("GET", LISTED),
        Request("OPTIONS", LISTED, (("access-control-request-method", "PUT"),)),
    ]
    wired = [wire(request) for request in requests]
    script = _RUN % json.dumps((PROJECT / "src" / "index.js").as_uri())
    completed = subprocess.run(
        ["node", "--input-type=module", "-e", script, json.dumps(wired)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    real = json.loads(completed.stdout)
    assert {answer["status"] for answer in real} == {200, 204}
    mismatches, compared = compare_answers(policy, requests, real)
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared == len(requests)
