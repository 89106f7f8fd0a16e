"""cors options exported from a `config/` module that no module of the app loads (blind set
25): its only import commented out, in a TypeScript project whose compiled JavaScript is
committed beside it and whose tsconfig maps no names (Anthonoir576/Projet-01_Full-stack_server
`src/config/cors.ts`), or imported by nothing at all (mahmudhussaininfo/eCommerce-redux
`api/config/corsSetup.js`). Each fixture's entry module runs with the pinned express and cors
(tests/node/entry_app_harness.mjs): the app answers with its own inline options and nothing
of the exported ones; corslint reports CORS303 at the exported object (and CORS307 at the
header name written in place of `origin`)."""

from __future__ import annotations

from typing import Any

from corslint.http import Request
from tests.conftest import FIXTURES, run_lint
from tests.test_differential_express import require_node_package
from tests.test_differential_imported_app_order import entry_answers

COMMENTED = FIXTURES / "express" / "options_module_import_commented_out"
NEVER_IMPORTED = FIXTURES / "express" / "options_module_never_imported"


def _headers(real: dict[str, Any]) -> dict[str, str]:
    return {name.lower(): value for name, value in real["headers"]}


def _findings(project: Any) -> list[tuple[str, str, int]]:
    found = run_lint(project).findings
    return sorted(
        (f.rule_id, str(f.location.path).split(project.name + "/", 1)[-1], f.location.line) for f in found
    )


def test_options_whose_import_is_commented_out_have_no_effect() -> None:
    for needed in ("express", "cors"):
        require_node_package(needed)
    chat = "https://relay.chat-demo.net"
    preflight = Request("OPTIONS", chat, (("access-control-request-method", "DELETE"),), path="/rooms")
    read, asked = entry_answers(COMMENTED, "server.js", [Request("GET", chat, path="/rooms"), preflight])
    assert _headers(read)["access-control-allow-origin"] == chat  # the inline options
    assert "access-control-allow-credentials" not in _headers(read)  # not the exported ones
    assert _headers(asked)["access-control-allow-methods"] == "GET,HEAD,PUT,PATCH,POST,DELETE"
    assert _findings(COMMENTED) == [
        ("CORS303", "src/config/cors.js", 5),
        ("CORS303", "src/config/cors.ts", 2),
        ("CORS307", "src/config/cors.js", 6),
        ("CORS307", "src/config/cors.ts", 3),
    ]


def test_options_no_module_imports_have_no_effect() -> None:
    for needed in ("express", "cors"):
        require_node_package(needed)
    admin = "https://admin.pagesandpine.com"  # listed only by the exported options
    (answer,) = entry_answers(NEVER_IMPORTED, "server.js", [Request("GET", admin, path="/books")])
    assert answer["status"] == 200
    assert _headers(answer)["access-control-allow-origin"] == "https://shop.pagesandpine.com"
    assert _findings(NEVER_IMPORTED) == [("CORS303", "config/corsPolicy.js", 3)]
