"""Hand-written CORS headers in a restify server (framework `restify_headers`).

restify answers an `OPTIONS` request before any `use` middleware runs: 2.6.3 with its own
preflight answer for an existing route, 11.1.0 with 405 (measured with the real packages:
docs/semantics/restify.md). So corslint names restify in its messages and never says
restify's preflights go unanswered (CORS206); simple requests are replayed as for Express."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corslint.frameworks import framework_of
from corslint.http import Request
from corslint.model import UnresolvedValueError
from corslint.runner.run import lint
from corslint.runner.settings import Settings

_MIDDLEWARE = """var {name} = require('{name}');
var app = {name}.{create}();
function withCors(req, res, next) {{
  res.header('Access-Control-Allow-Origin', 'https://gauges.example.org');
  res.header('Vary', 'Origin');
  if (req.method === 'OPTIONS') {{
    res.send(204);
    return;
  }}
  next();
}}
app.use(withCors);
app.get('/readings', function (req, res, next) {{ res.send([]); return next(); }});
app.listen(8080);
"""


def _lint(root: Path, package: str) -> tuple[list[object], list[object]]:
    create = "createServer" if package == "restify" else "call"
    text = _MIDDLEWARE.format(name=package, create=create)
    if package == "express":
        text = text.replace("express.call()", "express()")
    (root / "package.json").write_text(json.dumps({"name": "t", "dependencies": {package: "*"}}))
    (root / "server.js").write_text(text)
    result = lint([root], Settings())
    return list(result.policies), list(result.findings)


def test_restify_use_middleware_never_answers_options(tmp_path: Path) -> None:
    policies, findings = _lint(tmp_path, "restify")
    assert [p.framework for p in policies] == ["restify_headers"]
    assert findings == []
    policy = policies[0]
    framework = framework_of(policy)
    with pytest.raises(UnresolvedValueError):  # restify's router answers it, not this code
        framework.respond(
            policy, Request("OPTIONS", "https://a.example", (("access-control-request-method", "POST"),))
        )
    simple = framework.respond(policy, Request("GET", "https://a.example"))
    assert ("access-control-allow-origin", "https://gauges.example.org") in simple.headers


def test_the_same_code_in_express_still_answers_its_preflights(tmp_path: Path) -> None:
    policies, findings = _lint(tmp_path, "express")
    assert [p.framework for p in policies] == ["express_headers"]
    assert [f.rule_id for f in findings] == ["CORS206"]
    assert "Express" in findings[0].message


def test_restify_message_names_restify(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text(json.dumps({"name": "t", "dependencies": {"restify": "~2.6.1"}}))
    (tmp_path / "routes.js").write_text(
        "exports.mount = function (server) {\n"
        "  server.get('/x', function (req, res, next) {\n"
        "    res.header('Access-Control-Allow-Origin', '*');\n"
        "    res.send({});\n    return next();\n  });\n};\n"
    )
    findings = lint([tmp_path], Settings()).findings
    assert [f.rule_id for f in findings] == ["CORS105"]
    assert findings[0].message.startswith("Hand-written restify CORS code")


# restify 5+ (measured 5.0.0, 5.2.1, 11.1.0): the router answers OPTIONS 405 with no CORS
# header before any `use` middleware; 4.3.4 still answers a route's preflight itself
_USE_ONLY = """const restify = require('restify');
const server = restify.createServer();
server.use((req, res, next) => {
  res.header('Access-Control-Allow-Origin', 'https://desk.example.com');
  res.header('Vary', 'Origin');
  next();
});
server.put('/notes/:id', (req, res, next) => { res.send(204); return next(); });
server.listen(8080);
"""


def _restify_project(root: Path, version: str, locked: str | None = None, extra: str = "") -> list[object]:
    (root / "package.json").write_text(json.dumps({"name": "t", "dependencies": {"restify": version}}))
    if locked is not None:
        lock = {"name": "t", "lockfileVersion": 1, "dependencies": {"restify": {"version": locked}}}
        (root / "package-lock.json").write_text(json.dumps(lock))
    (root / "server.js").write_text(_USE_ONLY + extra)
    return list(lint([root], Settings()).findings)


@pytest.mark.parametrize(
    ("version", "locked"), [("^7.2.0", None), ("~11.1.0", None), ("*", "6.4.0"), ("5.x", None)]
)
def test_restify_5_and_later_refuse_options_before_use_middleware(
    tmp_path: Path, version: str, locked: str | None
) -> None:
    findings = _restify_project(tmp_path, version, locked)
    assert [f.rule_id for f in findings] == ["CORS206"]  # type: ignore[attr-defined]
    message = findings[0].message  # type: ignore[attr-defined]
    assert message.startswith("Hand-written restify CORS code")
    assert "status 405" in message and "router answers every OPTIONS request 405" in message
    policy = lint([tmp_path], Settings()).policies[0]
    answer = framework_of(policy).respond(
        policy, Request("OPTIONS", "https://desk.example.com", (("access-control-request-method", "PUT"),))
    )
    assert answer.status == 405 and answer.headers == ()  # the middleware never ran
    simple = framework_of(policy).respond(policy, Request("GET", "https://desk.example.com"))
    assert ("access-control-allow-origin", "https://desk.example.com") in simple.headers


@pytest.mark.parametrize(
    ("version", "locked"),
    [("^4.0.0", None), ("~2.6.1", None), ("*", "4.3.4"), ("*", None), (">=4", None), ("latest", None)],
)
def test_restify_before_5_or_unknown_leaves_options_unknown(
    tmp_path: Path, version: str, locked: str | None
) -> None:
    assert _restify_project(tmp_path, version, locked) == []


@pytest.mark.parametrize(
    "extra",
    [
        "server.opts('/notes/:id', (req, res, next) => { res.send(204); return next(); });\n",
        "server.pre((req, res, next) => next());\n",
        "server.on('MethodNotAllowed', (req, res) => res.send(204));\n",
    ],
)
def test_restify_5_with_something_answering_options_stays_unknown(tmp_path: Path, extra: str) -> None:
    assert _restify_project(tmp_path, "^8.0.0", None, extra) == []


def test_restify_5_with_a_cors_package_stays_unknown(tmp_path: Path) -> None:
    manifest = {"name": "t", "dependencies": {"restify": "^8.0.0", "restify-cors-middleware2": "^2.1.0"}}
    (tmp_path / "package.json").write_text(json.dumps(manifest))
    (tmp_path / "server.js").write_text(_USE_ONLY)
    # the unmodelled package is named (CORS003); no CORS206 from the `use` middleware
    assert [f.rule_id for f in lint([tmp_path], Settings()).findings] == ["CORS003"]
