"""Differential truth for `fastify-cors` 6.x, the package's name before @fastify/cors, which
corslint models as @fastify/cors 7 (`frameworks.fastify_cors_versions`).

The real fastify-cors 6.1.0 (fastify-cors-deprecated 6.0.3 inside) runs on fastify 3.29.5
(npm aliases `fastify-cors-6` / `fastify-3` in tests/node). It answers the probe battery of
every synthetic and fixture policy of test_differential_fastify, judged as major 7, and of
the fastify-cors fixtures themselves; status and CORS headers must match header by header.
Options 6.x does not read (`delegator`, `hook`, `cacheControl`) are left out: the extractor
leaves such a registration's options unknown.

The routes are served by a plugin registered before the CORS plugin ("routesPluginFirst"):
on fastify 3 as on fastify 5, the routes of a plugin registered before the CORS plugin still
get its headers (fastify loads plugins in order, and routes take their hooks when the app is
ready), so the model, which ignores that order, must match both (heldout9's
fastify-service/app.js registers its routes first).
"""

from __future__ import annotations

import dataclasses

from corslint.frameworks.fastify_cors_versions import VERSION_OPTION, version_value
from corslint.model import CorsPolicy
from tests.conftest import FIXTURES, named_fixture_policies
from tests.probe_battery import battery
from tests.test_differential_express import replayed, require_node_package, run_harness, wire
from tests.test_differential_fastify import (
    SYNTHETIC,
    assert_older_package_matches,
    fixture_policies,
    harness_options,
)

PACKAGE, FASTIFY = "fastify-cors-6", "fastify-3"
LEGACY_MAJOR = 7  # the @fastify/cors major that republished fastify-cors 6.x
NOT_READ_BY_6 = frozenset({"delegator", "hook", "cacheControl", "logLevel"})


def _as_legacy(policy: CorsPolicy) -> CorsPolicy:
    version = version_value(LEGACY_MAJOR, policy.location, "test")
    return dataclasses.replace(
        policy, framework="fastify_cors_legacy", options={**policy.options, VERSION_OPTION: version}
    )


def _legacy_fixture_policies() -> list[tuple[str, CorsPolicy]]:
    projects = sorted((FIXTURES / "fastify").glob("legacy_fastify_cors*"))
    return [(name, policy) for name, policy, _ in named_fixture_policies(projects, {"fastify_cors_legacy"})]


def _read_by_6() -> list[tuple[str, CorsPolicy]]:
    scoped = [(name, _as_legacy(policy)) for name, policy in [*SYNTHETIC.items(), *fixture_policies()]]
    return [
        (name, policy)
        for name, policy in [*scoped, *_legacy_fixture_policies()]
        if not NOT_READ_BY_6 & policy.options.keys()
    ]


def test_fastify_cors_6_matches_the_model_as_major_7() -> None:
    assert_older_package_matches(PACKAGE, FASTIFY, _read_by_6, "legacy_fastify_cors6", routesPluginFirst=True)


def test_routes_registered_before_the_cors_plugin_get_its_headers_on_fastify_5() -> None:
    require_node_package("@fastify/cors")
    policy = SYNTHETIC["star-credentials"]
    requests = battery(policy, ("GET", "PUT", "DELETE"))
    case = {"kind": "fastify-cors", "name": "first", "options": harness_options(policy)}
    results = run_harness([{**case, "requests": [wire(r) for r in requests], "routesPluginFirst": True}])
    answers = list(replayed(results, {"first": (policy, requests)}))
    assert answers and all(answer.mismatch is None for answer in answers)
