"""Differential truth for an Egg app middleware factory that merges its defaults over the
options Egg hands it and reassigns the parameter (`options = Object.assign({}, defaults,
options)`), then picks the origin in a `let` under `typeof options.origin === 'function'`
(SWEEP13 M3, FanYH-tql/take-out-egg `app/middleware/cors.ts`). egg-core makes a listed
middleware with `this.config[name] || {}`; no config sets `config.openAccess`, so the merge
holds the defaults only, `options.origin` is undefined and every Origin is echoed
(js/object_assign.py, js/egg_middleware_options.py `_reassigned`, express/typeof_tests.py,
express/chosen_lets.py). The middleware runs on Koa (tests/node/harness.js "koa" case), made
as egg-core makes it; corslint's hand-written Koa policy must answer the probe battery as
it does."""

from __future__ import annotations

from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery
from tests.test_differential_express import compare_answers, require_node_package, run_harness, wire

PROJECT = FIXTURES / "egg" / "app_middleware_merged_defaults_unset_config_reflects"


def test_the_merged_defaults_leave_every_origin_echoed() -> None:
    require_node_package("koa")
    (policy,) = policies_linted_inside(PROJECT, "koa_headers")
    middleware = (PROJECT / "app" / "middleware" / "openAccess.js").read_text("utf-8")
    config = (PROJECT / "config" / "config.default.js").read_text("utf-8")
    preamble = (
        "const module = { exports: {} };\nlet exports = module.exports;\n"
        f"{config}\nconst config = module.exports({{ name: 'rounds' }});\n"
        "const made = (() => { const module = { exports: {} };\n"
        f"{middleware}\nreturn module.exports; }})();\n"
    )
    requests = battery(policy)
    case = {
        "kind": "koa",
        "name": PROJECT.name,
        "preamble": preamble,
        "source": "made(config.openAccess || {}, {})",  # egg-core's `this.config[name] || {}`
        "requests": [wire(request) for request in requests],
    }
    real = run_harness([case])[PROJECT.name]
    mismatches, compared = compare_answers(policy, requests, real)
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared >= 8
    echoed = {
        request.origin
        for request, answer in zip(requests, real, strict=True)
        if request.origin
        and dict((k.lower(), v) for k, v in answer["headers"]).get("access-control-allow-origin")
        == request.origin
    }
    assert "https://attacker.invalid" in echoed or len(echoed) >= 2, echoed
