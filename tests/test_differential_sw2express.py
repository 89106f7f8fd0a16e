"""Differential truth for sw2express middleware headers (extractors.express.sw2express_headers):
each fixture's app runs on the real sw2express 0.0.10-3 (tests/node) behind node:http, its
modules inlined, and every answer the model gives (the OPTIONS ones are the routes' own
business, left unresolved) must be what the package sends."""

from __future__ import annotations

import re

import pytest

from corslint.browser import PageRequest
from corslint.http import Request
from tests.conftest import FIXTURES, policies_linted_inside
from tests.test_differential_express import compare_answers, require_node_package, run_harness, wire

_ORIGINS = ("https://evil.example", "https://roster.guild.example", "http://localhost:5173")
_IMPORT = re.compile(r'^import (\w+) from "([^"]+)";\n', re.MULTILINE)


def _inlined(project: str, entry: str) -> str:
    """The entry module as a script: `import x from "./m.js"` becomes the module's default
    export, sw2express comes from `require`, and the server is not started."""
    root = FIXTURES / "sw2express" / project

    def module(match: re.Match[str]) -> str:
        name, specifier = match.groups()
        if specifier == "sw2express":
            return f'const {name} = require("sw2express").default;\n'
        text = (root / specifier).read_text("utf-8")
        return f"const {name} = (() => {{\n{text.replace('export default ', 'return ')}\n}})();\n"

    text = _IMPORT.sub(module, (root / entry).read_text("utf-8"))
    text = re.sub(r"^app\.listen\(.*\);\n", "", text, flags=re.MULTILINE)
    return text + 'const ready = app.makeNewHandler("VERCEL");\n'


@pytest.mark.parametrize(
    ("project", "entry", "path"),
    [
        ("public_status_merged_headers", "app.js", "/tides/north"),
        ("listed_origin_set_header_clean", "src/server.js", "/members"),
    ],
)
def test_middleware_headers_match_sw2express(project: str, entry: str, path: str) -> None:
    require_node_package("sw2express")
    (policy,) = policies_linted_inside(FIXTURES / "sw2express" / project, "sw2express_headers")
    requests: list[Request] = []
    for origin in _ORIGINS:
        page = PageRequest(origin, "POST", (("content-type", "application/json"),), path=path)
        requests += [page.preflight(), page.actual(), PageRequest(origin, "GET", path=path).actual()]
    case = {
        "kind": "node",
        "name": project,
        "preamble": _inlined(project, entry),
        "source": "(req, res) => ready.then((handle) => handle(req, res))",
        "requests": [wire(request) for request in requests],
    }
    real = run_harness([case])[project]
    mismatches, compared = compare_answers(policy, requests, real)
    assert not mismatches, "\n".join(mismatches)
    assert compared == 2 * len(_ORIGINS)  # the GETs and POSTs; OPTIONS is the route's answer
