"""Differential truth for a Supabase/Deno edge function whose Allow-Origin comes from a
helper that echoes the Origin under suffix and substring tests (census 11 B2,
0GIN/rpg-react-supabase supabase/functions/_shared/cors.ts). The fixture
serverless/supabase_origin_from_suffix_helper runs on Node's own Fetch API with a stand-in
`Deno.serve` that hands over the handler (its files are plain JavaScript, copied as .mjs);
corslint's policy must answer the probe battery, with the echoed origins added, as it does:
`https://x.netlify.app` and any origin containing `localhost` echoed with credentials."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from corslint.http import Request
from tests.conftest import FIXTURES, sole_policy_inside
from tests.probe_battery import battery
from tests.test_differential_express import compare_answers, wire

PROJECT = FIXTURES / "serverless" / "supabase_origin_from_suffix_helper"
FUNCTIONS = PROJECT / "supabase" / "functions"
ECHOED = ("https://corslint-tenant.netlify.app", "https://localhost.evil.test", "http://localhost:5173")

_RUN = """
let handler;
globalThis.Deno = { serve: (h) => { handler = h; }, env: { get: () => undefined } };
await import("./redeem/index.mjs");
const requests = JSON.parse(process.argv[2]);
const out = [];
for (const r of requests) {
  const answer = await handler(new Request("https://fn.example.net" + r.path, { method: r.method, headers: new Headers(r.headers) }));
  out.push({ status: answer.status, headers: [...answer.headers.entries()] });
}
console.log(JSON.stringify(out));
"""


def _copy(tmp_path: Path) -> Path:
    for name in ("_shared/cors", "redeem/index"):
        target = tmp_path / f"{name}.mjs"
        target.parent.mkdir(parents=True, exist_ok=True)
        text = (FUNCTIONS / f"{name}.ts").read_text().replace("../_shared/cors.ts", "../_shared/cors.mjs")
        target.write_text(text)
    (tmp_path / "run.mjs").write_text(_RUN)
    return tmp_path


def test_the_function_answers_as_modelled(tmp_path: Path) -> None:
    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    policy = sole_policy_inside(PROJECT, "fetch_headers")
    requests = [request for request in battery(policy) if request.origin is not None]
    for origin in ECHOED:
        requests += [
            Request("GET", origin),
            Request("OPTIONS", origin, (("access-control-request-method", "POST"),)),
        ]
    folder = _copy(tmp_path)
    completed = subprocess.run(
        ["node", str(folder / "run.mjs"), json.dumps([wire(request) for request in requests])],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        cwd=folder,
    )
    real = json.loads(completed.stdout)
    echoed = [a for r, a in zip(requests, real, strict=True) if r.origin in ECHOED]
    assert all(
        ("access-control-allow-origin", r.origin) in map(tuple, a["headers"])
        for r, a in zip([r for r in requests if r.origin in ECHOED], echoed, strict=True)
    )
    mismatches, compared = compare_answers(policy, requests, real)
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 10
