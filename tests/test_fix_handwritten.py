"""Proof (3) for the fixes of hand-written CORS code: the real framework runs the code
before and after the fix. CORS107: an allowed origin gets the same Allow-Origin, without
`Vary: Origin` before and with it after, and a refused origin still gets none. CORS301:
the origin a browser sends is refused before and allowed after. Python code runs in
Flask, Django, Starlette and Tornado (the senders of test_python_headers.py); JavaScript in
Express, Node http, Koa and Hono (the node harness) and Fastify (`fastify.inject`, below)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from corslint.browser import PageRequest
from corslint.http import Request
from corslint.model import CorsPolicy
from tests.conftest import run_lint
from tests.probe_battery import cors_headers
from tests.test_fixes import cases, project

SHOP, EVIL = "https://shop.example.com", "https://evil.test"
_FASTIFY = """
const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const app = require('fastify')();
app.addHook('onRequest', new Function('require', `${input.preamble}\\nreturn (${input.source});`)(require));
app.get('/items', async () => []);
(async () => {
  const out = [];
  for (const r of input.requests) {
    const res = await app.inject({ method: r.method, url: r.path, headers: r.headers });
    out.push({ status: res.statusCode, headers: Object.entries(res.headers).map(([k, v]) => [k, String(v)]) });
  }
  process.stdout.write(JSON.stringify(out));
})();
"""


def _policy(path: Path) -> CorsPolicy:
    """The hand-written policy, its path relative to the project (as the senders read it)."""
    cwd = Path.cwd()
    os.chdir(path.parent)
    try:
        (policy,) = [p for p in run_lint(Path(".")).policies if p.framework.endswith("_headers")]
    finally:
        os.chdir(cwd)
    return policy


def _python_answers(path: Path, requests: list[Request]) -> list[dict[str, str]]:
    # Django configured as the library tests need it (corsheaders installed), whichever
    # test imports Django first; the hand-written senders need only a superset of it
    from tests import test_differential_django  # noqa: F401
    from tests import test_python_headers as python_headers

    policy = _policy(path)
    project = path.parent
    with python_headers.importable(project):
        senders = python_headers.SENDERS[policy.framework](project, policy)
        send = senders[0][0]
        return [cors_headers(send(Request(r.method, r.origin, r.headers, r.path))[1]) for r in requests]


def _node_answers(path: Path, requests: list[Request]) -> list[dict[str, str]]:
    from tests import test_differential_express as express

    policy = _policy(path)
    source = express.handler_source(policy, path.parent)
    assert source is not None
    wired = [express.wire(r) for r in requests]
    if policy.framework == "fastify_headers":
        express.require_node_package("fastify")
        completed = subprocess.run(
            ["node", "-e", _FASTIFY],
            input=json.dumps({"preamble": source[0], "source": source[1], "requests": wired}),
            capture_output=True,
            text=True,
            timeout=120,
            cwd=express.NODE_DIR,
            check=False,
        )
        assert completed.returncode == 0, completed.stderr
        answers: list[dict[str, Any]] = json.loads(completed.stdout)
    else:
        kind = {"node_headers": "node", "koa_headers": "koa", "hono_headers": "hono"}.get(policy.framework)
        express.require_node_package("hono" if kind == "hono" else "koa" if kind == "koa" else "express")
        case: dict[str, Any] = {"name": "probe", "preamble": source[0], "requests": wired}
        if kind is None:
            case |= {"kind": "handler", "handlers": [{"mount": "use", "source": source[1]}]}
        else:
            case |= {"kind": kind, "source": source[1]}
        answers = express.run_harness([case])["probe"]
    return [cors_headers([(k, v) for k, v in answer["headers"]]) for answer in answers]


@pytest.mark.parametrize("case", [c for c in cases() if c.startswith("cors107")])
def test_allowed_origin_gets_vary_origin_after_the_fix(case: str, tmp_path: Path) -> None:
    before = project(case, tmp_path / "before")
    after = project(case, tmp_path / "after", "after")
    requests = [Request("GET", SHOP, path="/items"), Request("GET", EVIL, path="/items")]
    answers = _python_answers if before.suffix == ".py" else _node_answers
    (old_shop, old_evil), (new_shop, new_evil) = answers(before, requests), answers(after, requests)

    def varies(answer: dict[str, str]) -> bool:
        return "origin" in [v.strip().lower() for v in answer.get("vary", "").split(",")]

    assert old_shop.get("access-control-allow-origin") == new_shop.get("access-control-allow-origin") == SHOP
    assert not varies(old_shop) and varies(new_shop)
    assert not new_evil.get("access-control-allow-origin") and not old_evil.get("access-control-allow-origin")


@pytest.mark.parametrize("case", [c for c in cases() if c.startswith("cors301") and c.endswith("_headers")])
def test_hand_written_origin_matches_after_the_fix(case: str, tmp_path: Path) -> None:
    before = project(case, tmp_path / "before")
    after = project(case, tmp_path / "after", "after")
    answers = _python_answers if before.suffix == ".py" else _node_answers
    (old,), (new,) = (answers(path, [Request("GET", SHOP, path="/items")]) for path in (before, after))
    assert old.get("access-control-allow-origin") != SHOP
    assert new.get("access-control-allow-origin") == SHOP


# hand-written code only: headers written in hosting configuration are test_fix_hosting.py's
_HAND_WRITTEN_VALUES = [
    c
    for c in cases()
    if c.startswith(("cors203", "cors204", "cors207"))
    and c.endswith("_headers")
    and not c.endswith("nextjs_headers")
]


@pytest.mark.parametrize("case", _HAND_WRITTEN_VALUES)
def test_hand_written_preflight_answers_as_fixed(case: str, tmp_path: Path) -> None:
    """CORS203 / CORS204: the preflight for a JSON body (`Content-Type`) or a token
    (`Authorization`) is granted the header after the fix only, for the same origin.
    CORS207: the preflight's `Access-Control-Max-Age` is the long one before and 7200 after.
    Nothing else the preflight carries changes."""
    before = project(case, tmp_path / "before")
    after = project(case, tmp_path / "after", "after")
    rule = case.split("-")[0]
    header = {"cors203": "content-type", "cors204": "authorization"}.get(rule)
    asked = ((header, "x"),) if header else ()
    preflight = PageRequest(SHOP, "PUT" if header is None else "POST", asked, path="/items").preflight()
    answers = _python_answers if before.suffix == ".py" else _node_answers
    ((old,), (new,)) = (answers(path, [preflight]) for path in (before, after))
    assert old.get("access-control-allow-origin") == new.get("access-control-allow-origin") == SHOP
    if header is None:
        assert int(old["access-control-max-age"]) > 7200 and new["access-control-max-age"] == "7200"
    else:

        def granted(answer: dict[str, str]) -> bool:
            names = answer.get("access-control-allow-headers", "").split(",")
            return header in [name.strip().lower() for name in names]

        assert not granted(old) and granted(new)
    changed = {name for name in {*old, *new} if old.get(name) != new.get(name)}
    assert changed == {"access-control-max-age" if header is None else "access-control-allow-headers"}


def test_sarif_carries_the_two_edits_of_the_django_fix(in_tmp: Path) -> None:
    """The import and the `patch_vary_headers` line: one fix, two replacements, valid SARIF."""
    import jsonschema

    from tests.conftest import run_cli

    project("cors107-django_headers", in_tmp)
    _code, out, _err = run_cli("check", "--no-cache", "--format", "sarif", "cors107-django_headers")
    document = json.loads(out)
    schema = json.loads(Path("/work/shared/schemas/sarif-schema-2.1.0.json").read_text("utf-8"))
    jsonschema.validate(document, schema)
    (result,) = [r for r in document["runs"][0]["results"] if r["ruleId"] == "CORS107"]
    (change,) = result["fixes"][0]["artifactChanges"]
    inserted = [r["insertedContent"]["text"] for r in change["replacements"]]
    assert inserted == [
        "from django.utils.cache import patch_vary_headers\n",
        '\n            patch_vary_headers(response, ("Origin",))',
    ]
