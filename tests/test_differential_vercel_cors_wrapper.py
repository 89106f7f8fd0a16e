"""Differential truth for the Vercel-docs CORS wrapper, `shareAcross = (handler) => async
(req, res) => {...}` (census 11 C4, AK-Network/local-trust_api src/utils/cors.ts): a
higher-order function sends its headers only where a function applies it.

tests/fixtures/vercel_netlify/vercel_cors_wrapper_applied: `export default
shareAcross(forecast)`; the wrapped function runs on a plain Node server (tests/node
harness.js, a "node" case, with the `res.status`/`res.json` helpers Vercel adds) and
corslint's policy must answer the probe battery as it does (`*` with credentials: CORS201,
CORS105). tests/fixtures/vercel_netlify/vercel_cors_wrapper_never_applied_clean: the same
wrapper, applied by nothing; the function Vercel runs sends no CORS header at all, and
corslint reads no policy (before: the three findings of the applied form)."""

from __future__ import annotations

from corslint.http import Request
from tests.conftest import FIXTURES, linted_inside, policies_linted_inside
from tests.probe_battery import battery
from tests.test_differential_express import compare_answers, require_node_package, run_harness, wire

APPLIED = FIXTURES / "vercel_netlify" / "vercel_cors_wrapper_applied"
UNUSED = FIXTURES / "vercel_netlify" / "vercel_cors_wrapper_never_applied_clean"
HELPERS = """
  res.status = (code) => { res.statusCode = code; return res; };
  res.json = (body) => { res.setHeader("Content-Type", "application/json"); res.end(JSON.stringify(body)); };
"""


def _function(project: str, wrapped: bool) -> str:
    wrapper = (
        (FIXTURES / "vercel_netlify" / project / "lib" / "shareAcross.js")
        .read_text("utf-8")
        .replace("export const", "const")
    )
    forecast = "function forecast(req, res) {\n  res.status(200).json({ city: 'Lisbon' })\n}\n"
    call = "shareAcross(forecast)(req, res)" if wrapped else "forecast(req, res)"
    return wrapper + forecast, f"(req, res) => {{{HELPERS}  return {call};\n}}"


def test_the_applied_wrapper_answers_as_modelled() -> None:
    require_node_package("express")
    (policy,) = policies_linted_inside(APPLIED, "node_headers")
    requests = [request for request in battery(policy) if request.origin is not None]
    preamble, source = _function(APPLIED.name, wrapped=True)
    case = {"kind": "node", "name": "applied", "preamble": preamble, "source": source}
    case["requests"] = [wire(r) for r in requests]
    real = run_harness([case])["applied"]
    mismatches, compared = compare_answers(policy, list(requests), real)
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 10


def test_the_unapplied_wrapper_sends_nothing_and_is_not_read() -> None:
    require_node_package("express")
    requests = [
        Request("GET", "https://evil.example", path="/api/forecast"),
        Request(
            "OPTIONS",
            "https://evil.example",
            (("access-control-request-method", "POST"),),
            path="/api/forecast",
        ),
    ]
    preamble, source = _function(UNUSED.name, wrapped=False)
    case = {"kind": "node", "name": "unused", "preamble": preamble, "source": source}
    case["requests"] = [wire(r) for r in requests]
    for answer in run_harness([case])["unused"]:
        assert answer["status"] == 200
        assert not any(pair[0].lower().startswith("access-control-") for pair in answer["headers"])
    assert linted_inside(UNUSED) == []
