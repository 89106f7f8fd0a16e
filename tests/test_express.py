"""Express extractor (cors() calls, wiring, config files, hand-written headers) and models."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from corslint.frameworks.express import js_string, respond
from corslint.frameworks.express_headers import respond as respond_headers
from corslint.http import Request
from corslint.model import (
    CorsPolicy,
    FunctionValue,
    HeaderReflection,
    Location,
    OriginFunction,
    Regex,
    UnresolvedValueError,
    Value,
)
from corslint.runner.run import lint
from corslint.runner.settings import Settings

ORIGIN = "https://app.example.com"
EVIL = "https://evil.example"


def policies(root: Path, files: dict[str, str], framework: str | None = None) -> list[CorsPolicy]:
    (root / "package.json").write_text(json.dumps({"name": "t", "dependencies": {"cors": "2.8.6"}}))
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    found = lint([Path(".")], Settings()).policies
    return [p for p in found if framework is None or p.framework == framework]


def one(root: Path, text: str, name: str = "server.js") -> CorsPolicy:
    found = policies(root, {name: text}, "express")
    assert len(found) == 1, found
    return found[0]


def plain_options(policy: CorsPolicy) -> dict[str, Any]:
    return {name: value.plain() for name, value in policy.options.items()}


@pytest.mark.parametrize(
    "header",
    [
        "const cors = require('cors');",
        "import cors from 'cors';",
        "import * as cors from 'cors';",
        "const corsMiddleware = require('cors'); const cors = corsMiddleware;",
    ],
)
def test_cors_imported_under_any_name(in_tmp: Path, header: str) -> None:
    name = "server.mjs" if header.startswith("import") else "server.js"
    text = f"{header}\nconst app = require('express')();\napp.use(cors({{ origin: ['{ORIGIN}'] }}));\n"
    if "corsMiddleware" in header:
        text = text.replace("cors({", "corsMiddleware({")
    policy = one(in_tmp, text, name)
    assert plain_options(policy) == {"origin": (ORIGIN,)}
    assert policy.app.endswith("::app")


def test_require_called_directly(in_tmp: Path) -> None:
    policy = one(
        in_tmp, "const app = require('express')();\napp.use(require('cors')({ credentials: true }));\n"
    )
    assert plain_options(policy) == {"credentials": True}


def test_mount_path_and_route_level(in_tmp: Path) -> None:
    text = (
        "const cors = require('cors');\nconst express = require('express');\nconst app = express();\n"
        "app.use('/api', cors({ origin: 'https://a.example' }));\n"
        "app.get('/x', cors(), (req, res) => res.end());\n"
        "app.options('/x', cors());\n"
    )
    found = sorted(policies(in_tmp, {"server.js": text}, "express"), key=lambda p: p.location.line)
    assert [(p.scope, p.probe_path, p.route_level) for p in found] == [
        ("/api", "/api/x", False),
        ("/x", "/x/x", True),
        ("/x", "/x/x", True),
    ]


def test_unknown_option_names_are_evidence(in_tmp: Path) -> None:
    policy = one(
        in_tmp, "const cors = require('cors');\napp.use(cors({ origins: ['https://a.example'] }));\n"
    )
    assert policy.options == {}
    (evidence,) = [e for e in policy.evidence if e.kind == "unknown-option"]
    assert "did you mean `origin`" in evidence.detail


def test_delegate_with_one_options_object(in_tmp: Path) -> None:
    text = (
        "const cors = require('cors');\nconst opts = { origin: true };\n"
        "app.use(cors(function (req, cb) { cb(null, opts); }));\n"
    )
    assert plain_options(one(in_tmp, text)) == {"origin": True}


def test_delegate_choosing_per_request_is_unknown(in_tmp: Path) -> None:
    text = (
        "const cors = require('cors');\n"
        "app.use(cors((req, cb) => { if (req.path.startsWith('/a')) cb(null, {origin: true}); "
        "else cb(null, {origin: false}); }));\n"
    )
    assert not one(in_tmp, text).options["**"].known


@pytest.mark.parametrize(
    ("function", "kind", "allowed"),
    [
        ("(origin, cb) => cb(null, true)", "reflect-all", ()),
        ("(origin, cb) => cb(null, origin)", "reflect-all", ()),
        (
            "(o, cb) => { if (LIST.includes(o)) cb(null, true); else cb(new Error('no')); }",
            "allow-list",
            (ORIGIN,),
        ),
        (
            "(o, cb) => { if (LIST.indexOf(o) !== -1) { cb(null, true) } else { cb(null, false) } }",
            "allow-list",
            (ORIGIN,),
        ),
        ("(o, cb) => cb(null, o === 'https://b.example')", "allow-list", ("https://b.example",)),
        (
            "(o: string | undefined, cb) => cb(null, o !== undefined && LIST.includes(o))",
            "allow-list",
            (ORIGIN,),
        ),
        ("(o, cb) => cb(null, check(o))", "unknown", ()),
        (
            "(o, cb) => { if (/\\.example\\.com$/.test(o)) return cb(null, true); cb(null, false); }",
            "allow-list",
            (Regex("\\.example\\.com$"),),
        ),
        (
            "(o, cb) => { if (new Set(LIST).has(o)) cb(null, true); else cb(null, false); }",
            "allow-list",
            (ORIGIN,),
        ),
        ("async (o, cb) => cb(null, await lookup(o))", "unknown", ()),
    ],
)
def test_origin_functions_are_classified(
    in_tmp: Path, function: str, kind: str, allowed: tuple[str, ...]
) -> None:
    text = f"const cors = require('cors');\nconst LIST = ['{ORIGIN}'];\napp.use(cors({{ origin: {function} }}));\n"
    raw = one(in_tmp, text).options["origin"].raw
    assert isinstance(raw, FunctionValue)
    assert raw.kind == kind
    assert tuple(item.plain() for item in raw.allowed) == allowed


def test_allow_list_function_details(in_tmp: Path) -> None:
    text = (
        "const cors = require('cors');\nconst LIST = ['https://a.example'];\n"
        "app.use(cors({ origin(origin, callback) {\n"
        "  if (!origin || LIST.includes(origin)) return callback(null, true);\n"
        "  callback(new Error('Not allowed'));\n} }));\n"
    )
    raw = one(in_tmp, text).options["origin"].raw
    assert isinstance(raw, OriginFunction)
    assert (raw.kind, raw.no_origin, raw.on_reject) == ("allow-list", "allow", "error")


def test_misordered_and_not_applied(in_tmp: Path) -> None:
    text = (
        "const cors = require('cors');\nconst express = require('express');\nconst app = express();\n"
        "const corsOptions = { origin: ['https://a.example'], credentials: true };\n"
        "app.get('/users', (req, res) => res.json([]));\n"
        "app.use(cors());\n"
        "const unused = cors({ origin: 'https://b.example' });\n"
    )
    found = sorted(policies(in_tmp, {"server.js": text}, "express"), key=lambda p: p.location.line)
    kinds = [(p.location.line, [e.kind for e in p.evidence]) for p in found]
    # cors() after the app's only route: only preflights and 404s reach it (sweep 12 X2)
    assert kinds == [(4, ["not-applied"]), (6, ["misordered", "after-every-route"]), (7, ["not-applied"])]


def test_exported_middleware_is_not_unused(in_tmp: Path) -> None:
    policy = one(in_tmp, "const cors = require('cors');\nmodule.exports = cors({ origin: true });\n")
    assert policy.evidence == ()


def test_config_file_policy_until_code_reads_it(in_tmp: Path) -> None:
    config = '{\n  "cors": {\n    "origin": "*",\n    "credentials": true\n  }\n}\n'
    alone = policies(in_tmp, {"config/app.json": config})
    assert [(p.location.path, p.options["credentials"].location.line) for p in alone] == [
        ("config/app.json", 4)
    ]
    used = policies(
        in_tmp,
        {
            "server.js": "const cors = require('cors');\nconst c = require('./config/app.json');\napp.use(cors(c.cors));\n"
        },
    )
    assert [(p.location.path, p.options["credentials"].location.path) for p in used] == [
        ("server.js", "config/app.json")
    ]


def test_node_config_production_overrides_default(in_tmp: Path) -> None:
    files = {
        "config/default.yaml": "cors:\n  origin: http://localhost:3000\n  credentials: true\n",
        "config/production.json": '{"cors": {"origin": ["https://a.example"]}}',
        "config/custom-environment-variables.json": '{"cors": {"credentials": "CORS_CREDENTIALS"}}',
        "server.js": "const cors = require('cors');\nconst config = require('config');\napp.use(cors(config.get('cors')));\n",
    }
    (policy,) = policies(in_tmp, files, "express")
    same = policies(in_tmp, {"server.js": files["server.js"].replace("config.get('cors')", "config.cors")})
    assert [p.options["origin"].plain() for p in same] == [("https://a.example",)]
    assert policy.options["origin"].plain() == ("https://a.example",)
    assert policy.options["origin"].location.path == "config/production.json"
    assert policy.options["credentials"].condition == "when CORS_CREDENTIALS is unset"


def test_node_config_names_variables_in_both_forms_and_findings_name_them_all(in_tmp: Path) -> None:
    """custom-environment-variables leaves are a variable's name or `{"__name": ...,
    "__format": ...}`; a finding that rests on two such values names both."""
    files = {
        "config/default.json": '{"cors": {"origin": "*", "credentials": true}}',
        "config/custom-environment-variables.json": (
            '{"cors": {"origin": "CORS_ORIGIN", "credentials": {"__name": "CORS_CREDENTIALS", "__format": "boolean"}}}'
        ),
        "server.js": "const cors = require('cors');\nconst config = require('config');\napp.use(cors(config.get('cors')));\n",
    }
    (policy,) = policies(in_tmp, files, "express")
    assert policy.options["credentials"].condition == "when CORS_CREDENTIALS is unset"
    found = {f.rule_id: f.message for f in lint([Path(".")], Settings()).findings}
    assert found["CORS201"].endswith("(when CORS_ORIGIN and CORS_CREDENTIALS are unset)")
    assert found["CORS105"].endswith("(when CORS_ORIGIN is unset)")


def test_bundles_and_dependencies_are_not_read(in_tmp: Path) -> None:
    files = {
        "node_modules/x/index.js": "const cors = require('cors'); module.exports = cors();\n",
        "public/app.min.js": "var c=require('cors');module.exports=c();\n",
        "build/server.js": "const cors = require('cors'); module.exports = cors();\n",
        "public/app.js": "var c=require('cors');module.exports=c();" + ";var a=1" * 5000 + "\n",
    }
    assert policies(in_tmp, files) == []


def test_handwritten_guard_options_and_vary(in_tmp: Path) -> None:
    text = (
        "const ALLOWED = ['https://a.example'];\n"
        "app.use((req, res, next) => {\n"
        "  const origin = req.get('origin');\n"
        "  if (ALLOWED.indexOf(origin) > -1) res.set({ 'Access-Control-Allow-Origin': origin, Vary: 'Origin' });\n"
        "  if (req.method === 'OPTIONS') {\n"
        "    res.header('Access-Control-Allow-Methods', 'GET,PUT').header('Access-Control-Allow-Headers', 'Content-Type');\n"
        "    return res.status(204).end();\n"
        "  }\n"
        "  next();\n"
        "});\n"
    )
    (policy,) = policies(in_tmp, {"server.js": text}, "express_headers")
    allowed = respond_headers(policy, Request.make("GET", "https://a.example"))
    assert allowed.as_dict() == {"access-control-allow-origin": "https://a.example", "vary": "Origin"}
    assert respond_headers(policy, Request.make("GET", EVIL)).headers == ()
    preflight = respond_headers(
        policy, Request.make("OPTIONS", "https://a.example", {"access-control-request-method": "PUT"})
    )
    assert preflight.status == 204
    assert preflight.get("access-control-allow-methods") == "GET,PUT"


def test_handwritten_reflection_without_origin(in_tmp: Path) -> None:
    text = "app.use((req, res, next) => {\n  res.setHeader('Access-Control-Allow-Origin', req.headers.origin);\n  next();\n});\n"
    (policy,) = policies(in_tmp, {"server.js": text}, "express_headers")
    assert respond_headers(policy, Request.make("GET", EVIL)).get("access-control-allow-origin") == EVIL
    assert (
        respond_headers(policy, Request.make("GET", None)).status == 500
    )  # setHeader(name, undefined) throws
    assert respond_headers(policy, Request.make("OPTIONS", EVIL)).status == 200  # express's automatic OPTIONS


def test_handwritten_write_head(in_tmp: Path) -> None:
    text = (
        "app.use((req, res, next) => {\n"
        "  res.setHeader('Access-Control-Allow-Origin', 'https://a.example');\n"
        "  if (req.method === 'OPTIONS') {\n"
        "    res.writeHead(204, { 'Access-Control-Allow-Methods': 'PUT', 'Access-Control-Max-Age': 600 });\n"
        "    res.end();\n"
        "    return;\n"
        "  }\n"
        "  next();\n"
        "});\n"
    )
    (policy,) = policies(in_tmp, {"server.js": text}, "express_headers")
    preflight = respond_headers(
        policy, Request.make("OPTIONS", EVIL, {"access-control-request-method": "PUT"})
    )
    assert preflight.status == 204
    assert preflight.as_dict() == {
        "access-control-allow-origin": "https://a.example",
        "access-control-allow-methods": "PUT",
        "access-control-max-age": "600",
    }
    assert respond_headers(policy, Request.make("GET", EVIL)).status is None


HERE = Location.point("t.js", 1)


def policy_of(**options: Any) -> CorsPolicy:
    def wrap(raw: Any) -> Value:
        if isinstance(raw, (list, tuple)):
            return Value(tuple(wrap(item) for item in raw), HERE)
        return Value(raw, HERE)

    return CorsPolicy("express", HERE, {name: wrap(raw) for name, raw in options.items()})


def test_respond_matches_the_measured_table() -> None:
    default = respond(policy_of(), Request.make("GET", None))
    assert default.as_dict() == {"access-control-allow-origin": "*"}
    fixed = respond(policy_of(origin=ORIGIN), Request.make("GET", EVIL))
    assert fixed.as_dict() == {"access-control-allow-origin": ORIGIN, "vary": "Origin"}
    star_in_array = respond(policy_of(origin=["*"], credentials=True), Request.make("GET", EVIL))
    assert star_in_array.as_dict() == {"vary": "Origin", "access-control-allow-credentials": "true"}
    regex = policy_of(origin=Regex(r"example\.com"))
    assert respond(regex, Request.make("GET", "https://example.com.evil.test")).get(
        "access-control-allow-origin"
    )
    wildcard = respond(policy_of(origin="*", credentials=True), Request.make("GET", EVIL))
    assert wildcard.as_dict() == {
        "access-control-allow-origin": "*",
        "access-control-allow-credentials": "true",
    }
    preflight = respond(policy_of(), Request.make("OPTIONS", EVIL, {"access-control-request-headers": "x-a"}))
    assert preflight.status == 204
    assert preflight.get("access-control-allow-headers") == "x-a"
    assert respond(policy_of(origin=False), Request.make("OPTIONS", EVIL)).headers == ()


def test_js_string_conversion() -> None:
    assert js_string((1, None, "a", (2, 3))) == "1,,a,2,3"
    assert js_string(600.0) == "600"
    assert js_string(0.5) == "0.5"
    assert js_string(True) == "true"


def test_handwritten_headers_under_an_undecidable_test_are_unknown(in_tmp: Path) -> None:
    text = (
        "app.use((req, res, next) => {\n"
        "  if (isTrusted(req.headers.origin)) res.header('Access-Control-Allow-Origin', req.headers.origin);\n"
        "  next();\n"
        "});\n"
    )
    (policy,) = policies(in_tmp, {"server.js": text}, "express_headers")
    assert not policy.options["condition"].known
    with pytest.raises(UnresolvedValueError):
        respond_headers(policy, Request.make("GET", EVIL))


HEAD_JS = "const express = require('express');\nconst cors = require('cors');\nconst app = express();\n"


def layer_findings(root: Path, body: str) -> list[str]:
    (root / "server.js").write_text(HEAD_JS + body)
    return [f"{f.rule_id}@{f.location.line}" for f in lint([Path(".")], Settings()).findings]


def test_layers_in_the_two_arms_of_an_if_are_not_duplicates(in_tmp: Path) -> None:
    body = (
        "if (process.env.NODE_ENV === 'development') {\n"
        "  app.use(cors({ origin: 'http://localhost:3000' }));\n"
        "} else {\n"
        "  app.use(cors({ origin: 'https://shop.example.com' }));\n"
        "}\n"
    )
    assert layer_findings(in_tmp, body) == []
    # the same two layers one after the other are one app's two layers
    assert layer_findings(in_tmp, body.replace("} else {\n", "")) == ["CORS302@6"]


def test_switch_cases_that_end_are_exclusive_and_a_development_case_is_development_only(
    in_tmp: Path,
) -> None:
    body = (
        "switch (process.env.NODE_ENV) {\n"
        "  case 'development':\n"
        "    app.use(cors({ origin: 'http://localhost:3000' }));\n"
        "    break;\n"
        "  default:\n"
        "    app.use(cors({ origin: 'https://shop.example.com' }));\n"
        "}\n"
    )
    assert layer_findings(in_tmp, body) == []
    dev, prod = sorted(
        policies(in_tmp, {"server.js": HEAD_JS + body}, "express"), key=lambda p: p.location.line
    )
    assert dev.development_only and not prod.development_only
    # without the break, the development case falls through into the default: two layers
    assert layer_findings(in_tmp, body.replace("    break;\n", "")) == ["CORS302@8"]


def test_unread_options_are_named_in_javascripts_terms(in_tmp: Path) -> None:
    """CORS305 on an options object it could not read: JavaScript has no `**kwargs`."""
    (in_tmp / "package.json").write_text(json.dumps({"name": "t", "dependencies": {"cors": "2.8.6"}}))
    (in_tmp / "server.js").write_text(
        "const cors = require('cors');\napp.use(cors(loadOptions(process.env.CORS_FILE)));\n"
    )
    (in_tmp / "main.py").write_text(
        "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n"
        "app = FastAPI()\napp.add_middleware(CORSMiddleware, **load_options())\n"
    )
    messages = {
        f.location.path: f.message for f in lint([Path(".")], Settings()).findings if f.rule_id == "CORS305"
    }
    assert messages["server.js"].startswith("Express cors: the options object passed to cors() could not be")
    assert messages["main.py"].startswith(
        "Starlette CORSMiddleware: options passed as `**kwargs` could not be"
    )


def test_handwritten_headers_are_a_singular_subject(in_tmp: Path) -> None:
    """Messages open with the framework's name and a verb: "… headers answers" read wrong."""
    (in_tmp / "app.js").write_text(
        "app.use((req, res, next) => {\n"
        "  res.header('Access-Control-Allow-Origin', req.headers.origin);\n"
        "  res.header('Access-Control-Allow-Credentials', 'true');\n"
        "  next();\n"
        "});\n"
    )
    found = {f.rule_id: f.message for f in lint([Path(".")], Settings()).findings}
    assert found["CORS101"].startswith("Hand-written Express CORS code answers any Origin with ")
    assert found["CORS206"].startswith("Hand-written Express CORS code sets CORS headers for simple requests")


@pytest.mark.parametrize("cached", [False, True], ids=["fresh", "cached"])
def test_a_minified_bundle_is_a_stated_skip(in_tmp: Path, cached: bool) -> None:
    """A bundle (long lines, whatever its name) is not parsed: its source is read instead,
    if it is in the tree. Its CORS options are then unchecked, which the run says."""
    filler = ";var a=1" * 5000
    (in_tmp / "server.js").write_text(
        "const cors=require('cors');" + filler + ";app.use(cors({origin:true,credentials:true}));\n"
    )
    cache = in_tmp / ".corslint_cache" if cached else None
    for _ in range(2 if cached else 1):  # the second run is answered by the cache
        result = lint([Path(".")], Settings(), cache_dir=cache)
    assert result.findings == [] and result.policies == []
    assert [(s.path, s.reason.split(" (")[0]) for s in result.skipped] == [
        ("server.js", "not analysed: it looks minified")
    ]


# -- who runs hand-written headers, and what answers the OPTIONS they leave -------------


def handwritten(root: Path, files: dict[str, str]) -> list[CorsPolicy]:
    found = policies(root, files)
    return [p for p in found if p.framework.endswith("_headers")]


@pytest.mark.parametrize(
    ("text", "framework"),
    [
        (
            "const http = require('http');\nhttp.createServer((req, res) => {\n"
            "  res.setHeader('Access-Control-Allow-Origin', '*');\n  res.end('ok');\n}).listen(1);\n",
            "node_headers",
        ),
        (
            "const server = require('https').createServer();\nserver.on('request', function (q, s) {\n"
            "  s.writeHead(200, { 'Access-Control-Allow-Origin': '*' });\n  s.end();\n});\n",
            "node_headers",
        ),
        (
            "const Koa = require('koa');\nconst app = new Koa();\napp.use(async (ctx, next) => {\n"
            "  ctx.set('Access-Control-Allow-Origin', '*');\n  await next();\n});\n",
            "koa_headers",
        ),
        (
            "const app = require('fastify')();\napp.addHook('onRequest', (request, reply, done) => {\n"
            "  reply.header('Access-Control-Allow-Origin', '*');\n  done();\n});\n",
            "fastify_headers",
        ),
        (
            "const express = require('express');\nconst app = express();\napp.use((req, res, next) => {\n"
            "  res.set({ 'Access-Control-Allow-Origin': '*' });\n  next();\n});\n",
            "express_headers",
        ),
        (
            "const express = require('express');\n"
            "exports.allowAll = (res) => { res.header('Access-Control-Allow-Origin', '*'); };\n",
            "express_helper_headers",
        ),
    ],
)
def test_handwritten_headers_are_named_for_the_server_that_runs_them(
    in_tmp: Path, text: str, framework: str
) -> None:
    (policy,) = handwritten(in_tmp, {"server.js": text})
    assert policy.framework == framework
    assert respond_headers(policy, Request.make("GET", EVIL)).get("access-control-allow-origin") == "*"


def test_only_express_answers_an_unanswered_options_itself(in_tmp: Path) -> None:
    from corslint.frameworks import framework_of

    body = "  res.setHeader('Access-Control-Allow-Origin', '*');\n"
    found = handwritten(
        in_tmp,
        {
            "node.js": f"require('http').createServer((req, res) => {{\n{body}  route(req, res);\n}});\n",
            "app.js": f"const app = require('express')();\napp.use((req, res, next) => {{\n{body}  next();\n}});\n",
        },
    )
    node, express = sorted(found, key=lambda p: p.framework, reverse=True)
    preflight = Request.make("OPTIONS", EVIL, {"access-control-request-method": "PUT"})
    with pytest.raises(UnresolvedValueError):  # the rest of the node handler decides
        framework_of(node).respond(node, preflight)
    answer = framework_of(express).respond(express, preflight)
    assert (answer.status, answer.get("access-control-allow-origin")) == (200, "*")


def test_node_status_code_and_koa_status_answer_the_preflight(in_tmp: Path) -> None:
    from corslint.frameworks import framework_of

    node, koa = handwritten(
        in_tmp,
        {
            "a.js": "require('http').createServer((req, res) => {\n"
            "  res.setHeader('Access-Control-Allow-Origin', '*');\n"
            "  if (req.method === 'OPTIONS') { res.statusCode = 204; res.end(); return; }\n"
            "  res.end('x');\n});\n",
            "b.js": "module.exports = async (ctx, next) => {\n"
            "  ctx.set('Access-Control-Allow-Origin', ctx.get('Origin'));\n"
            "  if (ctx.method === 'OPTIONS') { ctx.status = 204; return; }\n  await next();\n};\n",
        },
    )
    preflight = Request.make("OPTIONS", EVIL, {"access-control-request-method": "PUT"})
    assert framework_of(node).respond(node, preflight).status == 204
    reflected = framework_of(koa).respond(koa, preflight)
    assert (reflected.status, reflected.get("access-control-allow-origin")) == (204, EVIL)


@pytest.mark.parametrize(
    ("read", "source"),
    [
        ("req.query.origin", "named-origin:query.origin"),
        ("req.body.site", "named-origin:body.site"),
        ("req.headers.referer", "named-origin:header.referer"),
        ("require('url').parse(req.url, true).query.from", "named-origin:query.from"),
        ("new URL(req.url, 'http://x').searchParams.get('o')", "named-origin:query.o"),
    ],
)
def test_origin_named_by_the_caller_is_reflection(in_tmp: Path, read: str, source: str) -> None:
    text = (
        "const app = require('express')();\napp.use((req, res, next) => {\n"
        f"  res.header('Access-Control-Allow-Origin', {read});\n  next();\n}});\n"
    )
    (policy,) = handwritten(in_tmp, {"server.js": text})
    value = policy.options["Access-Control-Allow-Origin"].raw["value"].raw
    assert isinstance(value, HeaderReflection) and value.source == source
    # the page names its own origin: it reads the answer
    assert respond_headers(policy, Request.make("GET", EVIL)).get("access-control-allow-origin") == EVIL


def test_a_named_origin_reflected_with_credentials_is_101_without_107(in_tmp: Path) -> None:
    (in_tmp / "server.js").write_text(
        "const app = require('express')();\napp.use((req, res, next) => {\n"
        "  const { query } = require('url').parse(req.url, true);\n"
        "  res.header('Access-Control-Allow-Origin', query.site || 'https://a.example');\n"
        "  res.header('Access-Control-Allow-Credentials', 'true');\n  next();\n});\n"
    )
    found = {f.rule_id for f in lint([Path(".")], Settings()).findings}
    assert "CORS101" in found and "CORS107" not in found


def test_a_default_in_code_is_judged_when_echoed_because_listed(in_tmp: Path) -> None:
    (in_tmp / "cross.js").write_text(
        "module.exports = (options) => {\n"
        "  const allowed = options.allowOrigin || ['*'];\n"
        "  return (req, res, next) => {\n"
        "    if (allowed.includes('*') || allowed.includes(req.headers.origin)) {\n"
        "      res.setHeader('Access-Control-Allow-Origin', req.headers.origin);\n"
        "    }\n    next();\n  };\n};\n"
    )
    found = lint([Path(".")], Settings()).findings
    assert [f.rule_id for f in found if f.rule_id.startswith("CORS10")] == ["CORS105", "CORS107"]


def test_a_parameter_default_is_judged_and_named(in_tmp: Path) -> None:
    (in_tmp / "util.js").write_text(
        "function withCors(res, origin = '*') {\n  res.setHeader('Access-Control-Allow-Origin', origin);\n}\n"
        "module.exports = { withCors };\n"
    )
    (finding,) = lint([Path(".")], Settings()).findings
    assert finding.rule_id == "CORS105"
    assert "when the `origin` argument is unset" in finding.message


def test_an_allowed_origin_or_the_first_entry(in_tmp: Path) -> None:
    text = (
        "const LIST = ['https://a.example', 'https://b.example'];\n"
        "const app = require('express')();\napp.use((req, res, next) => {\n"
        "  const origin = req.headers.origin;\n"
        "  const chosen = origin && LIST.includes(origin) ? origin : LIST[0];\n"
        "  res.header('Access-Control-Allow-Origin', chosen);\n  res.header('Vary', 'Origin');\n  next();\n});\n"
    )
    (policy,) = handwritten(in_tmp, {"server.js": text})
    answer = respond_headers(policy, Request.make("GET", "https://b.example"))
    assert answer.get("access-control-allow-origin") == "https://b.example"
    assert respond_headers(policy, Request.make("GET", EVIL)).get("access-control-allow-origin") == (
        "https://a.example"
    )


# -- wrappers around the cors package -------------------------------------------------------

NEST = "import { NestFactory } from '@nestjs/core';\nimport { AppModule } from './app.module';\n"


@pytest.mark.parametrize(
    ("body", "options"),
    [
        ("const app = await NestFactory.create(AppModule);\napp.enableCors();\n", {}),
        (
            "const app = await NestFactory.create(AppModule);\n"
            "app.enableCors({ origin: true, credentials: true });\n",
            {"origin": True, "credentials": True},
        ),
        ("const app = await NestFactory.create(AppModule, { cors: true });\n", {}),
        (
            "const app = await NestFactory.create(AppModule, { cors: { origin: ['https://a.example'] } });\n",
            {"origin": ("https://a.example",)},
        ),
    ],
)
def test_nestjs_hands_its_options_to_cors(in_tmp: Path, body: str, options: dict[str, Any]) -> None:
    found = policies(in_tmp, {"main.ts": NEST + f"async function main() {{\n{body}}}\n"}, "nestjs")
    assert [plain_options(p) for p in found] == [options]
    assert found[0].app == "main.ts::app"


@pytest.mark.parametrize(
    "body",
    [
        "const app = await NestFactory.create(AppModule, { cors: false });\n",
        "const app = await NestFactory.create(AppModule);\n",
        "const app = await NestFactory.create(AppModule, new FastifyAdapter());\n",
    ],
)
def test_nestjs_without_cors_is_not_judged(in_tmp: Path, body: str) -> None:
    text = NEST + "import { FastifyAdapter } from '@nestjs/platform-fastify';\n"
    assert policies(in_tmp, {"main.ts": text + f"async function main() {{\n{body}}}\n"}) == []


@pytest.mark.parametrize(
    ("body", "options"),
    [
        ("const app = await NestFactory.create(AppModule, new FastifyAdapter(), { cors: true });\n", {}),
        ("const app = await NestFactory.create(AppModule, new FastifyAdapter());\napp.enableCors();\n", {}),
        (
            "const app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter(), "
            "{ cors: { origin: true, methods: 'GET,PUT' } });\n",
            {"origin": True, "methods": "GET,PUT"},
        ),
        (
            "const app = await NestFactory.create(AppModule, new FastifyAdapter());\n"
            "app.enableCors({ origin: ['https://a.example'], allowMethods: ['PUT'] });\n",
            {"origin": ("https://a.example",)},
        ),
    ],
)
def test_nestjs_on_fastify_hands_its_options_to_fastify_cors(
    in_tmp: Path, body: str, options: dict[str, Any]
) -> None:
    text = NEST + "import { FastifyAdapter } from '@nestjs/platform-fastify';\n"
    found = policies(in_tmp, {"main.ts": text + f"async function main() {{\n{body}}}\n"})
    assert [(p.framework, plain_options(p)) for p in found] == [("nestjs_fastify", options)]
    assert found[0].app == "main.ts::app"


def test_a_nest_provider_lookup_is_no_route(in_tmp: Path) -> None:
    text = (
        NEST + "import cors from 'cors';\nasync function main() {\n"
        "  const app = await NestFactory.create(AppModule);\n"
        "  const svc = app.get(Service, { strict: false });\n  const log = app.get(Logger);\n"
        "  app.use(cors({ origin: ['https://a.example'] }));\n}\n"
    )
    (policy,) = policies(in_tmp, {"main.ts": text}, "express")
    assert not [e for e in policy.evidence if e.kind == "misordered"]


@pytest.mark.parametrize(
    ("text", "options", "scope"),
    [
        (
            "const { ApolloServer } = require('apollo-server');\nnew ApolloServer({ typeDefs });\n",
            {"origin": "*"},
            "",
        ),
        (
            "const { ApolloServer } = require('apollo-server');\n"
            "new ApolloServer({ typeDefs, cors: { origin: true } });\n",
            {"origin": True},
            "",
        ),
        (
            "const { ApolloServer } = require('apollo-server-express');\nserver.applyMiddleware({ app });\n",
            {},
            "/graphql",
        ),
        (
            "const { ApolloServer } = require('apollo-server-express');\n"
            "server.applyMiddleware({ app, path: '/q', cors: { credentials: true } });\n",
            {"credentials": True},
            "/q",
        ),
        (
            "import { startStandaloneServer } from '@apollo/server/standalone';\n"
            "await startStandaloneServer(server);\n",
            {},
            "",
        ),
    ],
)
def test_apollo_server_hands_its_options_to_cors(
    in_tmp: Path, text: str, options: dict[str, Any], scope: str
) -> None:
    (policy,) = policies(in_tmp, {"server.mjs": text}, "apollo_server")
    assert (plain_options(policy), policy.scope) == (options, scope)


def test_apollo_cors_false_mounts_nothing(in_tmp: Path) -> None:
    text = "const { ApolloServer } = require('apollo-server-express');\nserver.applyMiddleware({ app, cors: false });\n"
    assert policies(in_tmp, {"server.js": text}) == []


# -- express's own answer to an OPTIONS request nothing handled -------------------------


def test_express_answers_options_the_middleware_passes_on() -> None:
    preflight = Request.make("OPTIONS", ORIGIN, {"access-control-request-method": "PUT"})
    passed_on = respond(policy_of(origin=[ORIGIN], preflightContinue=True), preflight)
    assert (passed_on.status, passed_on.get("access-control-allow-origin")) == (200, ORIGIN)
    switched_off = respond(policy_of(origin=False), preflight)
    assert (switched_off.status, switched_off.headers) == (200, ())
    assert respond(policy_of(origin=False), Request.make("GET", ORIGIN)).status is None


def test_a_cors_mounted_on_a_route_never_sees_the_preflight(in_tmp: Path) -> None:
    text = (
        "const cors = require('cors');\nconst app = require('express')();\n"
        f"const c = cors({{ origin: '{ORIGIN}' }});\n"
        "app.get('/doc', c, (req, res) => res.json({}));\napp.put('/doc', c, (req, res) => res.json({}));\n"
    )
    policy = one(in_tmp, text)
    assert {e.kind for e in policy.evidence} >= {"preflight-unrouted", "misordered"}
    assert respond(policy, Request.make("GET", ORIGIN)).get("access-control-allow-origin") == ORIGIN
    assert respond(policy, Request.make("POST", ORIGIN)).status is None  # another route answers
    preflight = respond(policy, Request.make("OPTIONS", ORIGIN, {"access-control-request-method": "PUT"}))
    assert (preflight.status, preflight.headers) == (200, ())


def test_a_route_with_its_own_cors_is_not_one_the_app_wide_layer_misses(in_tmp: Path) -> None:
    text = (
        "const cors = require('cors');\nconst app = require('express')();\n"
        "app.get('/health', cors(), (req, res) => res.send('ok'));\n"
        f"app.use(cors({{ origin: ['{ORIGIN}'] }}));\n"
    )
    wide = [p for p in policies(in_tmp, {"server.js": text}, "express") if not p.route_level]
    assert [e.kind for e in wide[0].evidence] == []


def test_a_primitive_passed_to_cors_means_its_defaults(in_tmp: Path) -> None:
    policy = one(in_tmp, "const cors = require('cors');\napp.use(cors(42));\n")
    assert plain_options(policy) == {}


def test_a_parameter_named_cors_is_the_package(in_tmp: Path) -> None:
    text = "function install(app, cors) {\n  app.use(cors({ origin: true }));\n}\nmodule.exports = install;\n"
    assert plain_options(one(in_tmp, text))["origin"] is True


def test_options_completed_in_if_arms_give_one_policy_per_arm(in_tmp: Path) -> None:
    text = (
        "const cors = require('cors');\nconst options = { credentials: true };\n"
        "if (process.env.OPEN) {\n  options.origin = true;\n} else if (process.env.LIST) {\n"
        "  options.origin = ['https://a.example'];\n}\napp.use(cors(options));\n"
    )
    found = policies(in_tmp, {"server.js": text}, "express")
    origins = sorted(str(plain_options(policy).get("origin")) for policy in found)
    assert origins == ["('https://a.example',)", "None", "True"]
    assert len({policy.branch for policy in found}) == 3


def test_handlers_of_separate_node_servers_are_separate_apps(in_tmp: Path) -> None:
    text = (
        "const http = require('http');\n"
        "http.createServer((req, res) => { res.setHeader('Access-Control-Allow-Origin', '*'); res.end(); });\n"
        "const other = http.createServer();\n"
        "other.on('request', (req, res) => { res.setHeader('Access-Control-Allow-Origin', '*'); res.end(); });\n"
    )
    found = policies(in_tmp, {"server.js": text}, "node_headers")
    assert len(found) == 2 and found[0].app != found[1].app


def test_nest_header_decorator_is_a_route_handlers_header(in_tmp: Path) -> None:
    text = (
        "import { Controller, Get, Header } from '@nestjs/common';\n\n@Controller('feed')\n"
        "export class FeedController {\n  @Get('latest')\n  @Header('Access-Control-Allow-Origin', '*')\n"
        "  latest() {\n    return [];\n  }\n}\n"
    )
    (policy,) = policies(in_tmp, {"feed.controller.ts": text}, "express_headers")
    assert policy.route_level and policy.probe_path == "/feed/latest"
    response = respond_headers(policy, Request("GET", ORIGIN, path="/feed/latest"))
    assert response is not None and response.get("access-control-allow-origin") == "*"


_ORIGIN_FUNCTIONS = (
    # the early exit of a popular tutorial: refuse what is not listed, then allow
    "function (origin, callback) {\n  if (!origin) return callback(null, true);\n"
    "  if (LIST.indexOf(origin) === -1) {\n    return callback(new Error('blocked'), false);\n  }\n"
    "  return callback(null, true);\n}",
    "(origin, callback) => callback(null, !origin || LIST.includes(origin))",
    "(origin, callback) => callback(null, origin !== undefined && LIST.includes(origin))",
    "(origin, cb) => {\n  if (origin && origin.endsWith('.example.com')) return cb(null, true);\n  return cb(null, false);\n}",
    "(origin, cb) => {\n  if (origin in TRUSTED) {\n    cb(null, true);\n  } else {\n    cb(null, false);\n  }\n}",
)
_PROBE_ORIGINS = (
    ORIGIN,
    "https://evil.example",
    "http://app.example.com",
    "https://x.example.com",
    "null",
    None,
)


@pytest.mark.parametrize("function", _ORIGIN_FUNCTIONS)
def test_origin_functions_match_the_real_cors_package(in_tmp: Path, function: str) -> None:
    from tests.test_differential_express import NODE_DIR, require_node_package

    require_node_package("cors")
    constants = f"const LIST = ['{ORIGIN}'];\nconst TRUSTED = {{ '{ORIGIN}': 1 }};\n"
    policy = one(
        in_tmp, f"const cors = require('cors');\n{constants}app.use(cors({{ origin: {function} }}));\n"
    )
    assert isinstance(policy.options["origin"].raw, FunctionValue)
    assert policy.options["origin"].raw.kind == "allow-list"
    script = (
        f"const cors = require('cors');\n{constants}const middleware = cors({{ origin: {function} }});\n"
        f"const out = [];\nfor (const origin of {json.dumps(list(_PROBE_ORIGINS))}) {{\n"
        "  const headers = {};\n"
        "  const res = { setHeader: (k, v) => { headers[k.toLowerCase()] = v; }, "
        "getHeader: (k) => headers[k.toLowerCase()] };\n"
        "  const req = { method: 'GET', headers: origin === null ? {} : { origin } };\n"
        "  middleware(req, res, () => {});\n"
        "  out.push(headers['access-control-allow-origin'] ?? null);\n}\n"
        "process.stdout.write(JSON.stringify(out));\n"
    )
    real = subprocess.run(
        ["node", "-e", script], cwd=NODE_DIR, capture_output=True, text=True, timeout=60, check=True
    )
    predicted = [
        respond(policy, Request.make("GET", origin)).get("access-control-allow-origin")
        for origin in _PROBE_ORIGINS
    ]
    assert predicted == json.loads(real.stdout)
