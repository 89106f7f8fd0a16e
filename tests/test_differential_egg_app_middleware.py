"""Differential truth for an Egg app middleware made with its `config.<name>` options
(extractors/js/egg_middleware_options.py): Egg calls `app/middleware/<name>.js`'s export with
`app.config[<name>]` (its middleware docs). The fixture's own middleware is run as Egg runs
it, made with the options the fixture's `config/config.default.js` assigns, on Koa
(tests/node/harness.js "koa" case); corslint's hand-written Koa policy must answer the probe
battery exactly as it does."""

from __future__ import annotations

from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery
from tests.test_differential_express import compare_answers, require_node_package, run_harness, wire

_NAME = "app_middleware_options_from_config"


def test_egg_middleware_made_with_its_config_answers_as_modelled() -> None:
    require_node_package("koa")
    project = FIXTURES / "egg" / _NAME
    (policy,) = policies_linted_inside(project, "koa_headers")
    middleware = (project / "app" / "middleware" / "openAccess.js").read_text("utf-8")
    config = (project / "config" / "config.default.js").read_text("utf-8")
    preamble = (
        "const module = { exports: {} };\nlet exports = module.exports;\n"
        f"{config}\nconst config = module.exports({{ name: 'library-catalog' }});\n"
        "const made = (() => { const module = { exports: {} };\n"
        f"{middleware}\nreturn module.exports; }})();\n"
    )
    requests = battery(policy)
    case = {
        "kind": "koa",
        "name": _NAME,
        "preamble": preamble,
        "source": "made(config.openAccess, {})",
        "requests": [wire(request) for request in requests],
    }
    # an OPTIONS the app's routes answer is left open by the model (Koa's router decides)
    mismatches, compared = compare_answers(policy, requests, run_harness([case])[_NAME])
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared >= 8
