"""Differential truth for a Cloudflare Worker whose handlers are wrapped by a project's
curried CORS wrapper, `corsFor({ credentials: true })(route)` (SWEEP13 M2, getclaps/worker
`src/vendor/middleware/cors.ts`). The fixture serverless/worker_curried_cors_wrapper runs
on Node's own Fetch API (`Request`/`Response`/`Headers`): its default export's `fetch` is
called with each probe. corslint's policy must answer as it does: every Origin echoed with
`Access-Control-Allow-Credentials: true` and no `Vary`; the clean twin (a fixed `origin`
passed) sends that origin to everyone and is not judged."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from corslint.http import Request
from tests.conftest import FIXTURES, linted_inside, sole_policy_inside
from tests.probe_battery import battery
from tests.test_differential_express import compare_answers, wire

PROJECT = FIXTURES / "serverless" / "worker_curried_cors_wrapper"
CLEAN = FIXTURES / "serverless" / "worker_curried_cors_wrapper_fixed_origin_clean"

_RUN = """
const worker = (await import(process.argv[1])).default;
const requests = JSON.parse(process.argv[2]);
const out = [];
for (const r of requests) {
  const answer = await worker.fetch(new Request("https://badges.example.net" + r.path, { method: r.method, headers: new Headers(r.headers) }), {});
  out.push({ status: answer.status, headers: [...answer.headers.entries()] });
}
console.log(JSON.stringify(out));
"""


def _answers(project, requests: list[Request]) -> list[dict]:
    completed = subprocess.run(
        [
            "node",
            "--input-type=module",
            "-e",
            _RUN,
            "--",
            (project / "src" / "worker.js").as_uri(),
            json.dumps([wire(request) for request in requests]),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(completed.stdout)


def test_the_wrapped_worker_answers_as_modelled() -> None:
    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    policy = sole_policy_inside(PROJECT, "fetch_headers")
    requests = [request for request in battery(policy) if request.origin is not None]
    requests += [Request("GET", "https://attacker.invalid"), Request("POST", "https://attacker.invalid")]
    real = _answers(PROJECT, requests)
    for request, answer in zip(requests, real, strict=True):
        headers = dict(map(tuple, answer["headers"]))
        assert headers.get("access-control-allow-origin") == request.origin
        assert headers.get("access-control-allow-credentials") == "true"
        assert "vary" not in headers
    mismatches, compared = compare_answers(policy, requests, real)
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 5


def test_a_fixed_origin_is_sent_to_everyone_and_not_judged() -> None:
    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    request = Request("GET", "https://attacker.invalid")
    real = _answers(CLEAN, [request])
    headers = dict(map(tuple, real[0]["headers"]))
    assert headers.get("access-control-allow-origin") == "https://badges.example.org"
    assert not [p for p in linted_inside(CLEAN) if p.framework == "fetch_headers"]
