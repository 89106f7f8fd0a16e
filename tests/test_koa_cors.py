"""@koa/cors: how its calls, options and origin functions are read, and what the model sends."""

from __future__ import annotations

from pathlib import Path

import pytest

from corslint.frameworks.koa_cors import respond
from corslint.http import Request
from corslint.model import CorsPolicy, FunctionValue, OriginFunction
from tests.test_express import policies

HEADER = "const Koa = require('koa');\nconst cors = require('@koa/cors');\nconst app = new Koa();\n"
LIST = "const allowed = ['https://app.example.com'];\n"


def koa(root: Path, text: str) -> CorsPolicy:
    found = policies(root, {"server.js": HEADER + LIST + text}, "koa_cors")
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    "header",
    [
        "import cors from '@koa/cors';",
        "import * as cors from '@koa/cors';",
        "const cors = require('@koa/cors');",
    ],
)
def test_koa_cors_imported_under_any_name(in_tmp: Path, header: str) -> None:
    found = policies(
        in_tmp, {"server.mjs": f"{header}\napp.use(cors({{ credentials: true }}));\n"}, "koa_cors"
    )
    assert [p.options["credentials"].raw for p in found] == [True]
    assert (
        policies(in_tmp, {"server.mjs": "const cors = require('cors');\napp.use(cors());\n"}, "koa_cors")
        == []
    )


@pytest.mark.parametrize(
    ("origin", "kind"),
    [
        ("(ctx) => ctx.get('Origin')", "reflect-all"),
        ("async (ctx) => ctx.request.header.origin", "reflect-all"),
        ("() => false", "deny-all"),
        ("(ctx) => allowed.includes(ctx.get('Origin')) ? ctx.get('Origin') : ''", "allow-list"),
        (
            "(ctx) => { const o = ctx.headers.origin; if (!allowed.includes(o)) return false; return o; }",
            "allow-list",
        ),
        (
            "function (ctx) { const o = ctx.get('origin'); if (allowed.indexOf(o) !== -1) { return o; } }",
            "allow-list",
        ),
        ("(ctx) => process.env.ORIGIN", "unknown"),
        ("(ctx) => isTrusted(ctx) ? ctx.get('Origin') : ''", "unknown"),
    ],
)
def test_origin_functions_are_classified(in_tmp: Path, origin: str, kind: str) -> None:
    policy = koa(in_tmp, f"app.use(cors({{ origin: {origin} }}));\n")
    raw = policy.options["origin"].raw
    assert isinstance(raw, FunctionValue)
    assert raw.kind == kind
    if kind == "allow-list":
        assert isinstance(raw, OriginFunction)
        assert [item.raw for item in raw.allowed] == ["https://app.example.com"]


def test_wiring_and_unknown_options(in_tmp: Path) -> None:
    policy = koa(in_tmp, "router.use('/api', cors({ origins: allowed, methods: 'GET' }));\n")
    assert policy.scope == "/api" and policy.probe_path == "/api/x"
    assert [e.kind for e in policy.evidence] == ["unknown-option", "unknown-option"]
    assert "did you mean `origin`" in policy.evidence[0].detail
    assert "did you mean `allowMethods`" in policy.evidence[1].detail
    unused = koa(in_tmp, "const layer = cors();\n")
    assert [e.kind for e in unused.evidence] == ["not-applied"]
    exported = koa(in_tmp, "module.exports = cors();\n")
    assert exported.evidence == ()


def test_credentials_turn_the_default_origin_into_reflection(in_tmp: Path) -> None:
    policy = koa(in_tmp, "app.use(cors({ credentials: true }));\n")
    answer = respond(policy, Request("GET", "https://evil.example"))
    assert answer.get("access-control-allow-origin") == "https://evil.example"
    assert answer.get("access-control-allow-credentials") == "true"
    assert answer.status is None  # the app answers
    bare = respond(policy, Request("GET", None))
    assert bare.get("access-control-allow-origin") == ""
    not_preflight = respond(policy, Request("OPTIONS", "https://evil.example"))
    assert not_preflight.headers == (("vary", "Origin"),) and not_preflight.status is None
