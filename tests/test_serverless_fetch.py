"""Differential truth for Fetch `Response` headers (framework `fetch_headers`): the model's
answers against Node's own `Headers` / `Response` / `Request` classes (the WHATWG Fetch
implementation workers, Deno and Bun share), run on small Cloudflare-Worker-shaped modules.

Each worker below is written to a temporary project and linted; a Node driver imports it,
sends every request of the policy's probe battery to its `fetch(request)` and prints the
status and header lines of the Response it returns. The conversions the model follows are
the ones measured here: a boolean or number is written as its string (`true` -> "true"),
an array joined with "," (`['GET', 'POST']` -> "GET,POST"), an absent Origin read with
`request.headers.get('origin')` is `null` and written as "null", a later `set` replaces,
`append` adds to the same header (read back joined with ", "), and a later key in an object
literal (after a spread) replaces the earlier one."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from corslint.frameworks import framework_of
from corslint.model import UnresolvedValueError
from tests.conftest import policies_linted_inside
from tests.probe_battery import battery, cors_headers
from tests.test_differential_express import NODE_DIR, require_node_package

WORKERS = {
    # booleans, numbers and arrays in a header object; the Origin reflected (null when absent)
    "conversions": """\
const corsHeaders = (request) => ({
  'Access-Control-Allow-Origin': request.headers.get('origin'),
  'Access-Control-Allow-Credentials': true,
  'Access-Control-Allow-Methods': ['GET', 'POST', 'PUT'],
  'Access-Control-Allow-Headers': ['Content-Type', 'Authorization'],
  'Access-Control-Max-Age': 600,
  Vary: 'Origin',
});

export default {
  async fetch(request) {
    if (request.method === 'OPTIONS') {
      return new Response(null, { status: 204, headers: corsHeaders(request) });
    }
    return new Response('{}', { headers: { ...corsHeaders(request), 'Content-Type': 'application/json' } });
  },
};
""",
    # a Headers object: set replaces, append adds to the same header
    "headers_object": """\
export default {
  async fetch(request) {
    const headers = new Headers({ 'Access-Control-Allow-Origin': 'https://first.example.com', Vary: 'Accept' });
    headers.set('Access-Control-Allow-Origin', 'https://app.example.com');
    headers.append('Vary', 'Origin');
    headers.append('Access-Control-Expose-Headers', 'X-Total');
    headers.append('Access-Control-Expose-Headers', 'X-Page');
    if (request.method === 'OPTIONS') {
      headers.set('Access-Control-Allow-Methods', 'GET, PUT');
      headers.set('Access-Control-Allow-Headers', 'content-type');
      return new Response(null, { status: 204, headers });
    }
    return new Response('ok', { headers });
  },
};
""",
    # Response.json, then headers set on the response; the one return answers every method
    "response_json": """\
export default {
  async fetch(request) {
    const res = Response.json({ ok: true });
    res.headers.set('Access-Control-Allow-Origin', '*');
    res.headers.set('Access-Control-Allow-Methods', 'GET');
    return res;
  },
};
""",
    # an allow-list echoed, the first entry otherwise; a spread then a later key replacing it
    "allow_list": """\
const allowed = ['https://app.example.com', 'https://admin.example.com'];
const base = { 'Access-Control-Allow-Origin': 'https://ignored.example.com', 'Access-Control-Allow-Headers': 'Content-Type' };

export default {
  async fetch(request) {
    const origin = request.headers.get('Origin') || '';
    const chosen = allowed.includes(origin) ? origin : allowed[0];
    const headers = { ...base, 'Access-Control-Allow-Origin': chosen, 'Access-Control-Allow-Methods': 'POST', Vary: 'Origin' };
    if (request.method === 'OPTIONS') {
      return new Response(null, { status: 200, headers });
    }
    return new Response('done', { status: 201, headers });
  },
};
""",
    # an early 403 for origins a prefix test refuses, before the preflight is answered
    "guard_prefix": """\
const TRUSTED = ['https://app.example.com', 'http://localhost:5173'];
function trusted(origin) {
  if (!origin) return false;
  return TRUSTED.some((entry) => origin.startsWith(entry));
}
const cors = (origin) => ({ 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true', Vary: 'Origin' });

export default {
  async fetch(request) {
    const origin = request.headers.get('Origin');
    if (!trusted(origin)) {
      return new Response('refused', { status: 403 });
    }
    if (request.method === 'OPTIONS') {
      return new Response(null, { status: 204, headers: { ...cors(origin), 'Access-Control-Allow-Methods': 'GET, PUT' } });
    }
    return new Response('ok', { headers: cors(origin) });
  },
};
""",
    # the preflight answered first, then an exact allow-list guard before the answer
    "guard_after_preflight": """\
const PARTNERS = ['https://app.example.com', 'https://admin.example.com'];

export default {
  async fetch(request) {
    const origin = request.headers.get('origin') || '';
    if (request.method === 'OPTIONS') {
      return new Response(null, { status: 204, headers: { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': 'content-type' } });
    }
    if (!PARTNERS.includes(origin)) {
      return new Response('unknown origin', { status: 403 });
    }
    return new Response('{}', { headers: { 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true', Vary: 'Origin' } });
  },
};
""",
}

DRIVER = """\
import { pathToFileURL } from 'node:url';
const [file, input] = process.argv.slice(2);
const worker = (await import(pathToFileURL(file).href)).default;
const answers = [];
for (const r of JSON.parse(input)) {
  const response = await worker.fetch(new Request('http://localhost' + r.path, { method: r.method, headers: r.headers }));
  answers.push({ status: response.status, headers: [...response.headers] });
}
console.log(JSON.stringify(answers));
"""


def _send(project: Path, name: str, requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    result = subprocess.run(
        ["node", str(project / "driver.mjs"), str(project / f"{name}.mjs"), json.dumps(requests)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        cwd=NODE_DIR,
    )
    answers: list[dict[str, Any]] = json.loads(result.stdout)
    return answers


@pytest.mark.parametrize("name", sorted(WORKERS))
def test_model_matches_node_fetch(name: str, tmp_path: Path) -> None:
    require_node_package("express")  # node present and the harness installed
    project = tmp_path / name
    project.mkdir()
    (project / "package.json").write_text('{ "name": "worker", "private": true, "type": "module" }\n')
    (project / f"{name}.mjs").write_text(WORKERS[name])
    (project / "driver.mjs").write_text(DRIVER)
    policies = policies_linted_inside(project, "fetch_headers")
    assert len(policies) == 1, policies
    policy = policies[0]
    framework = framework_of(policy)
    compared = []
    for request in battery(policy):
        try:
            predicted = framework.respond(policy, request)
        except UnresolvedValueError:
            continue
        compared.append((request, predicted))
    assert len(compared) >= 10
    sent = [
        {
            "method": r.method,
            "path": r.path,
            "headers": {**dict(r.headers), **({"origin": r.origin} if r.origin else {})},
        }
        for r, _ in compared
    ]
    real = _send(project, name, sent)
    mismatches = []
    for (request, predicted), answer in zip(compared, real, strict=True):
        pairs = [(str(k), str(v)) for k, v in answer["headers"]]
        if predicted.status is not None and answer["status"] != predicted.status:
            mismatches.append(f"{request}: status {answer['status']} != {predicted.status}")
        elif cors_headers(pairs) != cors_headers(list(predicted.headers)):
            mismatches.append(f"{request}: {cors_headers(pairs)} != {cors_headers(list(predicted.headers))}")
    assert not mismatches, "\n".join(mismatches[:10])
