"""Express extractor (cors() calls, wiring, config files, hand-written headers) and models."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from corslint.config import Settings
from corslint.frameworks.express import js_string, respond
from corslint.frameworks.express_headers import respond as respond_headers
from corslint.http import Request
from corslint.lint import lint
from corslint.model import (
    CorsPolicy,
    FunctionValue,
    Location,
    OriginFunction,
    Regex,
    UnresolvedValueError,
    Value,
)

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
        ("(o, cb) => cb(null, o === 'https://b.example')", "unknown", ()),
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
    assert kinds == [(4, ["not-applied"]), (6, ["misordered"]), (7, ["not-applied"])]


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
