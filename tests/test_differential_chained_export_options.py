"""`module.exports = corsSettings = { origin, credentials }` (a chained assignment to an
undeclared global) in an options module whose importer never passes it to cors(): the
registration is commented out (blind set 19, semklim/Expressjs_Mongo_Api_example
`corsOptions/corsOptions.js` with `index.js`). The fixture's entry module runs with the
pinned express and cors (tests/node/entry_app_harness.mjs): the unused options send
nothing, the chained options that are passed (`/feeds`) act; corslint reports CORS303 at
the unused object only."""

from __future__ import annotations

from corslint.http import Request
from tests.conftest import FIXTURES, run_lint
from tests.test_differential_express import require_node_package
from tests.test_differential_imported_app_order import entry_answers

PROJECT = FIXTURES / "express" / "chained_export_options_registration_commented"


def _headers(real: dict) -> dict[str, str]:
    return {name.lower(): value for name, value in real["headers"]}


def test_unpassed_chained_options_send_nothing_and_passed_ones_act() -> None:
    for needed in ("express", "cors", "dotenv"):
        require_node_package(needed)
    trusted = "https://recipes.example.org"
    reader = "https://reader.example.org"
    recipes, feeds = entry_answers(
        PROJECT,
        "app.js",
        [
            Request("GET", trusted, path="/recipes", credentials=True),
            Request("GET", reader, path="/feeds/latest"),
        ],
    )
    assert recipes["status"] == 200
    assert not [name for name in _headers(recipes) if name.startswith("access-control-")]
    assert _headers(feeds)["access-control-allow-origin"] == reader
    findings = run_lint(PROJECT).findings
    assert [(f.rule_id, f.location.path.rsplit("/", 1)[-1], f.location.line) for f in findings] == [
        ("CORS303", "corsSettings.js", 4)
    ]
