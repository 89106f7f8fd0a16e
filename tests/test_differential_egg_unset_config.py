"""Differential truth for an Egg app middleware factory with a parameter default
(`module.exports = (options = {}) => async (ctx, next) => ...`, extractors/js/
egg_middleware_options.py and express/unset_led_chains.py). egg-core makes a listed
middleware with `this.config[name] || {}` (lib/loader/mixin/middleware.js), so the default
never applies: with no `config.crossSite` the factory gets `{}`, `options.origin` is
undefined and `options.origin || ctx.get('Origin') || '*'` echoes every Origin; with
`config.crossSite` set, its origin is what is written.

Each fixture's own middleware and config run on Koa (tests/node/harness.js "koa" case),
made as egg-core makes it; corslint's hand-written Koa policy must answer the probe battery
exactly as it does."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery
from tests.test_differential_express import compare_answers, require_node_package, run_harness, wire

_NAMES = ("app_middleware_factory_unset_config_reflects", "app_middleware_factory_config_origin_clean")


@pytest.mark.parametrize("name", _NAMES)
def test_egg_makes_the_factory_with_its_config_or_an_empty_object(name: str) -> None:
    require_node_package("koa")
    project = FIXTURES / "egg" / name
    (policy,) = policies_linted_inside(project, "koa_headers")
    middleware = (project / "app" / "middleware" / "crossSite.js").read_text("utf-8")
    config = (project / "config" / "config.default.js").read_text("utf-8")
    preamble = (
        "const module = { exports: {} };\nlet exports = module.exports;\n"
        f"{config}\nconst config = module.exports({{ name: 'canteen' }});\n"
        "const made = (() => { const module = { exports: {} };\n"
        f"{middleware}\nreturn module.exports; }})();\n"
    )
    requests = battery(policy)
    case = {
        "kind": "koa",
        "name": name,
        "preamble": preamble,
        "source": "made(config.crossSite || {}, {})",  # egg-core's `this.config[name] || {}`
        "requests": [wire(request) for request in requests],
    }
    real = run_harness([case])[name]
    mismatches, compared = compare_answers(policy, requests, real)
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared >= 8
    echoed = [
        request.origin
        for request, answer in zip(requests, real, strict=True)
        if request.origin
        and dict((k.lower(), v) for k, v in answer["headers"]).get("access-control-allow-origin")
        == request.origin
    ]
    reflects = name.endswith("_reflects")
    assert bool(echoed) and (reflects or set(echoed) == {"https://kiosk.example.com"})
