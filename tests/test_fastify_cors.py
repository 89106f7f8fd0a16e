"""@fastify/cors: how registrations, options, origin functions and delegators are read."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from corslint.frameworks.fastify_cors import respond
from corslint.frameworks.fastify_cors_versions import VERSION_OPTION, version_value
from corslint.http import Request
from corslint.model import CorsPolicy, FunctionValue, OriginFunction
from tests.test_express import plain_options, policies

APP = "const app = require('fastify')();\nconst allowed = ['https://app.example.com'];\n"


def fastify(root: Path, text: str, header: str = "const cors = require('@fastify/cors');\n") -> CorsPolicy:
    found = policies(root, {"server.js": header + APP + text}, "fastify_cors")
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("header", "plugin"),
    [
        ("import cors from '@fastify/cors';\n", "cors"),
        ("import { fastifyCors } from '@fastify/cors';\n", "fastifyCors"),
        ("import * as corsPlugin from '@fastify/cors';\n", "corsPlugin.default"),
        ("", "require('@fastify/cors')"),
        ("", "import('@fastify/cors')"),
    ],
)
def test_registrations_in_any_spelling(in_tmp: Path, header: str, plugin: str) -> None:
    policy = fastify(in_tmp, f"app.register({plugin}, {{ origin: allowed }});\n", header)
    assert plain_options(policy) == {"origin": ("https://app.example.com",)}
    assert policy.app == "server.js::app"


def test_other_plugins_are_not_cors(in_tmp: Path) -> None:
    text = "const helmet = require('@fastify/helmet');\napp.register(helmet, { origin: '*' });\n"
    assert policies(in_tmp, {"server.js": text}, "fastify_cors") == []


@pytest.mark.parametrize(
    ("origin", "kind"),
    [
        ("async (origin) => true", "reflect-all"),
        ("async (origin) => false", "deny-all"),
        ("async (origin) => allowed.includes(origin)", "allow-list"),
        (
            "async function (origin) { if (allowed.includes(origin)) return true; return false; }",
            "allow-list",
        ),
        ("(origin, cb) => cb(null, allowed.includes(origin))", "allow-list"),
        (
            "(origin, cb) => { if (allowed.indexOf(origin) !== -1) cb(null, true); else cb(null, false); }",
            "allow-list",
        ),
        ("async (origin) => lookup(origin)", "unknown"),
    ],
)
def test_origin_functions_are_classified(in_tmp: Path, origin: str, kind: str) -> None:
    raw = fastify(in_tmp, f"app.register(cors, {{ origin: {origin} }});\n").options["origin"].raw
    assert isinstance(raw, FunctionValue) and raw.kind == kind
    if kind == "allow-list":
        assert isinstance(raw, OriginFunction)
        assert [item.raw for item in raw.allowed] == ["https://app.example.com"]


@pytest.mark.parametrize(
    ("delegator", "style"),
    [
        ("(req, cb) => cb(null, { origin: allowed, credentials: true })", "callback"),
        ("async (req) => ({ origin: allowed, credentials: true })", "promise"),
    ],
)
def test_a_delegator_with_one_options_object(in_tmp: Path, delegator: str, style: str) -> None:
    policy = fastify(in_tmp, f"app.register(cors, {{ hook: 'preHandler', delegator: {delegator} }});\n")
    assert plain_options(policy) == {
        "origin": ("https://app.example.com",),
        "credentials": True,
        "hook": "preHandler",
        "delegator": style,
    }
    answer = respond(policy, Request("GET", "https://app.example.com"))
    assert answer.get("vary") == "Origin"


def test_a_delegator_that_changes_its_options_is_unknown(in_tmp: Path) -> None:
    text = (
        "app.register(cors, { delegator: (req, cb) => {\n  const options = { origin: false };\n"
        "  if (allowed.includes(req.headers.origin)) options.origin = true;\n  cb(null, options);\n} });\n"
    )
    assert list(fastify(in_tmp, text).options) == ["**"]


def test_routes_and_unknown_options(in_tmp: Path) -> None:
    text = (
        "app.register(cors, { origin: allowed, allowMethods: ['PUT'] });\n"
        "app.get('/a', h);\napp.route({ method: ['PUT', 'patch'], url: '/b', handler: h });\n"
        "other.delete('/c', h);\n"
    )
    policy = fastify(in_tmp, text)
    assert [(r.path, r.methods) for r in policy.routes or ()] == [
        ("/a", ("GET", "HEAD")),
        ("/b", ("PUT", "PATCH")),
    ]
    assert [e.kind for e in policy.evidence] == ["unknown-option"]
    assert "did you mean `methods`" in policy.evidence[0].detail
    assert fastify(in_tmp, "app.register(cors);\n").routes is None


def test_default_methods_refuse_put_and_strict_preflight_refuses_bare_options(in_tmp: Path) -> None:
    policy = fastify(in_tmp, "app.register(cors);\n")
    eleven = version_value(11, policy.location, "@fastify/cors 11.x")  # the default methods of 11
    policy = dataclasses.replace(policy, options={**policy.options, VERSION_OPTION: eleven})
    preflight = respond(
        policy, Request.make("OPTIONS", "https://a.example", {"access-control-request-method": "PUT"})
    )
    assert (preflight.status, preflight.get("access-control-allow-methods")) == (204, "GET,HEAD,POST")
    assert respond(policy, Request("OPTIONS", "https://a.example")).status == 400
