"""Hono's cors middleware: how its calls, scopes and origin functions are read."""

from __future__ import annotations

from pathlib import Path

import pytest

from corslint.model import CorsPolicy, FunctionValue, OriginFunction
from tests.test_express import plain_options, policies

APP = "const app = new Hono();\nconst allowed = ['https://app.example.com'];\n"


def hono(root: Path, text: str, header: str = "import { cors } from 'hono/cors';\n") -> CorsPolicy:
    found = policies(root, {"index.ts": header + APP + text}, "hono_cors")
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("header", "call"),
    [
        ("import { cors } from 'hono/cors';\n", "cors"),
        ("import { cors as allowCors } from 'hono/cors';\n", "allowCors"),
        ("import * as c from 'hono/cors';\n", "c.cors"),
        ("const { cors } = require('hono/cors');\n", "cors"),
    ],
)
def test_imported_under_any_name(in_tmp: Path, header: str, call: str) -> None:
    policy = hono(in_tmp, f"app.use('/api/*', {call}({{ origin: allowed }}));\n", header)
    assert plain_options(policy) == {"origin": ("https://app.example.com",)}
    assert (policy.scope, policy.probe_path, policy.app) == ("/api/*", "/api/x", "index.ts::app")


def test_the_cors_package_is_not_hono(in_tmp: Path) -> None:
    assert policies(in_tmp, {"index.ts": "import cors from 'cors';\napp.use(cors());\n"}, "hono_cors") == []


@pytest.mark.parametrize(
    ("origin", "kind"),
    [
        ("(origin) => origin", "reflect-all"),
        ("() => null", "deny-all"),
        ("(origin, c) => (allowed.includes(origin) ? origin : null)", "allow-list"),
        ("(origin) => { if (allowed.indexOf(origin) === -1) return ''; return origin; }", "allow-list"),
        # `true` would be sent as the header's text: no allow-list
        ("(origin) => allowed.includes(origin)", "unknown"),
        # `o.endsWith(...) ? o : 'https://example.com'`: an allow-list of the pattern and the
        # fixed fallback, tested in test_differential_origin_callbacks.py against hono (NODE7A)
    ],
)
def test_origin_functions_are_classified(in_tmp: Path, origin: str, kind: str) -> None:
    raw = hono(in_tmp, f"app.use(cors({{ origin: {origin} }}));\n").options["origin"].raw
    assert isinstance(raw, FunctionValue) and raw.kind == kind
    if kind == "allow-list":
        assert isinstance(raw, OriginFunction)
        assert [item.raw for item in raw.allowed] == ["https://app.example.com"]


def test_unknown_options_and_unused_middleware(in_tmp: Path) -> None:
    policy = hono(in_tmp, "app.use('*', cors({ origin: allowed, allowedHeaders: ['X-Id'] }));\n")
    assert policy.scope == ""
    assert [e.kind for e in policy.evidence] == ["unknown-option"]
    assert "did you mean `allowHeaders`" in policy.evidence[0].detail
    unused = hono(in_tmp, "const layer = cors();\n")
    assert [e.kind for e in unused.evidence] == ["not-applied"]


def test_handwritten_hono_headers_are_named_for_hono(in_tmp: Path) -> None:
    text = (
        "import { Hono } from 'hono';\nconst app = new Hono();\n"
        "app.use('*', async (c, next) => {\n"
        "  c.header('Access-Control-Allow-Origin', c.req.header('Origin'));\n"
        "  if (c.req.method === 'OPTIONS') return c.text('', 204);\n  await next();\n});\n"
    )
    (policy,) = policies(in_tmp, {"index.js": text}, "hono_headers")
    steps = {name: step.raw for name, step in policy.options.items()}
    assert steps["Access-Control-Allow-Origin"]["writer"].raw == "hono-set"
    assert steps["end"]["status"].raw == 204
    # the same spelling without Hono imported is no Hono handler
    assert (
        policies(in_tmp, {"index.js": text.replace("import { Hono } from 'hono';\n", "")}, "hono_headers")
        == []
    )
