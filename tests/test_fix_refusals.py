"""The unsafe fixes that rewrite code by what the file names (CORS107's `Vary: Origin`,
CORS201 / CORS101 / CORS205's named lists) are refused wherever what to write is not
certain: the finding stays, without a fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from corslint.fixes.attach import with_fixes
from tests.conftest import run_lint

EXPRESS = 'const express = require("express");\nconst cors = require("cors");\n\nconst app = express();\n'
FASTAPI = (
    "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\napp = FastAPI()\n"
)
REFLECT = """\
const express = require("express");

const app = express();
app.use((req, res, next) => {
  if (["https://a.example.com", "https://b.example.com"].includes(req.headers.origin)) {
%s
  }
  next();
});
"""
HEADERS = """\
const http = require("http");

const server = http.createServer((req, res) => {
  res.setHeader("Access-Control-Allow-Origin", "https://shop.example.com");
  res.setHeader("Access-Control-Allow-Credentials", "true");
  res.setHeader("Vary", "Origin");
  if (req.method === "OPTIONS") {
    res.setHeader("Access-Control-Allow-Methods", "GET, POST, PUT");
%s
    res.writeHead(204);
    res.end();
    return;
  }
  res.end("[]");
});
server.listen(3000);
"""
FLASK_HEADERS = """\
import os

from flask import Flask

app = Flask(__name__)


@app.after_request
def add_cors_headers(response):
    response.headers["Access-Control-Allow-Origin"] = "https://shop.example.com"
    response.headers["Access-Control-Allow-Methods"] = "GET, POST, PUT"
%s
    return response
"""
REFUSED: dict[str, tuple[str, str, str]] = {
    # CORS204: `*` never covers Authorization, and a name added beside it is a guess at intent
    "allow-headers-star": (
        "CORS204",
        "server.js",
        HEADERS % '    res.setHeader("Access-Control-Allow-Headers", "*");',
    ),
    # CORS203: a value named elsewhere may be sent by other code too
    "allow-headers-constant": (
        "CORS203",
        "server.js",
        'const ALLOWED_HEADERS = "X-Requested-With";\n'
        + HEADERS % '    res.setHeader("Access-Control-Allow-Headers", ALLOWED_HEADERS);',
    ),
    # CORS203: a value built from parts is not one literal
    "allow-headers-concatenated": (
        "CORS203",
        "app.py",
        FLASK_HEADERS
        % '    response.headers["Access-Control-Allow-Headers"] = "X-Requested-With, " + "X-Request-Id"',
    ),
    # CORS203: strings written one after another are one value: its first part is not it
    "allow-headers-implicit-concatenation": (
        "CORS203",
        "app.py",
        FLASK_HEADERS
        % (
            '    response.headers["Access-Control-Allow-Headers"] = (\n'
            '        "X-Requested-With, "\n'
            '        "X-Request-Id"\n'
            "    )"
        ),
    ),
    # CORS207: a max-age read from the environment, with a literal fallback
    "max-age-from-environment": (
        "CORS207",
        "app.py",
        FLASK_HEADERS
        % '    response.headers["Access-Control-Max-Age"] = os.environ.get("CORS_MAX_AGE", "86400")',
    ),
    # CORS207: a template literal holds more than digits
    "max-age-template": (
        "CORS207",
        "server.js",
        "const DAYS = 1;\n"
        + HEADERS
        % (
            '    res.setHeader("Access-Control-Allow-Headers", "Content-Type, Authorization");\n'
            '    res.setHeader("Access-Control-Max-Age", `${DAYS * 86400}`);'
        ),
    ),
    # CORS107: a Vary the file writes could be clobbered, or clobber the new one
    "vary-written-elsewhere": (
        "CORS107",
        "server.js",
        REFLECT
        % (
            '    res.setHeader("Access-Control-Allow-Origin", req.headers.origin);\n'
            '    res.setHeader("Vary", "Accept-Encoding");'
        ),
    ),
    # CORS107: two statements on one line: where the new one goes is a guess
    "two-statements-a-line": (
        "CORS107",
        "server.js",
        REFLECT % '    res.setHeader("Access-Control-Allow-Origin", req.headers.origin); res.status(200);',
    ),
    # CORS107: a library's option is the author's to turn back on
    "flask-cors-vary-off": (
        "CORS107",
        "app.py",
        "from flask import Flask\nfrom flask_cors import CORS\n\napp = Flask(__name__)\n"
        'CORS(app, origins=["https://a.example.com", "https://b.example.com"], vary_header=False)\n',
    ),
    # CORS201: no list of origins in the file
    "no-list": ("CORS201", "server.js", EXPRESS + 'app.use(cors({ origin: "*", credentials: true }));\n'),
    # CORS201: two lists: which one is meant is not certain
    "two-lists": (
        "CORS201",
        "server.js",
        'const PROD_ORIGINS = ["https://a.example.com"];\nconst STAGING_ORIGINS = ["https://b.example.com"];\n'
        + EXPRESS
        + 'app.use(cors({ origin: "*", credentials: true }));\n',
    ),
    # CORS201: a list with a local development server is not the deployed allow-list
    "local-origin": (
        "CORS201",
        "server.js",
        'const allowedOrigins = ["https://a.example.com", "http://localhost:3000"];\n'
        + EXPRESS
        + 'app.use(cors({ origin: "*", credentials: true }));\n',
    ),
    # CORS201: a list defined after the option is not defined when it runs
    "list-after-use": (
        "CORS201",
        "server.js",
        EXPRESS
        + 'app.use(cors({ origin: "*", credentials: true }));\nconst allowedOrigins = ["https://a.example.com"];\n',
    ),
    # CORS101: a list built from the environment is not a literal list
    "origins-from-environment": (
        "CORS101",
        "main.py",
        "import os\n\n"
        + FASTAPI.replace(
            "app = FastAPI()\n", 'ORIGINS = os.environ["ORIGINS"].split(",")\napp = FastAPI()\n'
        )
        + 'app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)\n',
    ),
    # CORS101 (Django): allow-all on, but no allow-list set beside it
    "django-no-allow-list": (
        "CORS101",
        "settings.py",
        'INSTALLED_APPS = ["corsheaders"]\nMIDDLEWARE = ["corsheaders.middleware.CorsMiddleware"]\n'
        'CORS_ALLOW_ALL_ORIGINS = True\nCORS_ALLOW_CREDENTIALS = True\nFRONTEND_ORIGINS = ["https://a.example.com"]\n',
    ),
    # CORS205: a list whose name says origins is not a list of exposed headers
    "wrong-role": (
        "CORS205",
        "main.py",
        FASTAPI.replace("app = FastAPI()\n", 'ORIGINS = ["https://a.example.com"]\napp = FastAPI()\n')
        + "app.add_middleware(\n    CORSMiddleware,\n    allow_origins=ORIGINS,\n"
        '    allow_credentials=True,\n    expose_headers=["*"],\n)\n',
    ),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_no_fix_where_what_to_write_is_not_certain(name: str, tmp_path: Path) -> None:
    rule, file_name, text = REFUSED[name]
    (tmp_path / file_name).write_text(text, "utf-8")
    findings = [f for f in with_fixes(run_lint(tmp_path).findings) if f.rule_id == rule]
    assert findings, f"{name}: {rule} is not reported, so the refusal is not tested"
    assert all(f.fix is None for f in findings)


def test_no_fix_for_next_config_star_or_computed_max_age() -> None:
    """Next.js `headers()`: `value: '*'` (CORS204) and `value: corsMaxAge || '86400'`
    (CORS207) are not one plain literal of names or digits: no fix."""
    from tests.conftest import FIXTURES

    findings = with_fixes(run_lint(FIXTURES / "nextjs" / "app_router_preflight").findings)
    judged = [f for f in findings if f.rule_id in {"CORS204", "CORS207"}]
    assert {f.rule_id for f in judged} == {"CORS204", "CORS207"}
    assert all(f.fix is None for f in judged)
