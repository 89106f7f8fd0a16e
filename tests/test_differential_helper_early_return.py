"""Differential truth for census 9 row B4: a Next.js route handler's header helper that
returns a named constant without CORS headers when the request has no Origin
(`if (!request.headers.has('origin')) return cacheKeyHeaders;`), then echoes the Origin with
credentials (fixture nextjs/route_helper_early_return_named_headers).

The helper's own code runs on Node's Fetch `Request` (its three TypeScript annotations
removed, nothing else changed): for each request corslint's model of the route answers, the
headers the helper returns are the model's CORS headers (and Vary where an Origin is sent:
the early exit's object is read only as "no CORS header", so its `Vary` on requests without
an Origin, which no rule asks about, is not in the model).
"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from corslint.frameworks import framework_of
from corslint.http import Request
from tests.conftest import FIXTURES, linted_inside, run_lint

PROJECT = FIXTURES / "nextjs" / "route_helper_early_return_named_headers"
HELPER = PROJECT / "src" / "lib" / "cors-headers.ts"
_TYPES = (("(request: Request): Record<string, string> {", "(request) {"), (" as const;", ";"))
ORIGINS = ("https://guild.example.com", "https://attacker.invalid", None)

_SCRIPT = """
const source = process.argv[1];
const origins = JSON.parse(process.argv[2]);
const url = 'data:text/javascript,' + encodeURIComponent(source);
const { crossOriginHeaders } = await import(url);
const out = [];
for (const origin of origins) {
  const headers = origin === null ? {} : { Origin: origin };
  out.push(crossOriginHeaders(new Request('https://api.example.net/api/badges', { headers })));
}
process.stdout.write(JSON.stringify(out));
"""


def _helper_js() -> str:
    text = HELPER.read_text()
    for typed, plain in _TYPES:
        assert typed in text
        text = text.replace(typed, plain)
    return text


def test_the_helper_answers_as_the_model_says() -> None:
    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    done = subprocess.run(
        ["node", "--input-type=module", "-e", _SCRIPT, _helper_js(), json.dumps(ORIGINS)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    real = json.loads(done.stdout)
    policies = [p for p in linted_inside(PROJECT) if p.options]
    assert len(policies) == 1, policies
    policy = policies[0]
    for origin, returned in zip(ORIGINS, real, strict=True):
        request = Request("GET", origin, path="/api/badges")
        predicted = framework_of(policy).respond(policy, request)
        wanted = {k.lower(): v for k, v in returned.items()}
        got = {
            name: value
            for name, value in predicted.headers
            if name.startswith("access-control-") or name == "vary"
        }
        if origin is None:
            wanted.pop("vary", None)
        assert got == wanted, (origin, got, wanted)
    findings = run_lint(PROJECT).findings
    assert [(f.rule_id, f.location.line) for f in findings] == [("CORS101", 10)]
