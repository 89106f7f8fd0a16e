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
