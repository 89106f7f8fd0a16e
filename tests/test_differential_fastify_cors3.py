"""Differential truth for `fastify-cors` 3.x on fastify 2, the package before @fastify/cors,
modelled on its own code path (`frameworks.fastify_cors3`).

The real fastify-cors 3.0.3 runs on fastify 2.15.3 (npm aliases `fastify-cors-3` /
`fastify-2` in tests/node). It answers the probe battery of every synthetic and fixture
policy of test_differential_fastify, judged as fastify-cors 3, and of the fastify-cors 3
fixtures themselves; status and CORS headers must match header by header. Options 3.x
does not have (`delegator`, `hook`, `cacheControl`, `logLevel`) are left out: the extractor
leaves such a registration's options unknown. So are /g and /y origin RegExps (`_stateful`).
"""

from __future__ import annotations

import dataclasses

from corslint.frameworks.fastify_cors_versions import FASTIFY2_MAJOR, VERSION_OPTION, version_value
from corslint.model import CorsPolicy, Regex
from tests.conftest import FIXTURES, named_fixture_policies
from tests.test_differential_fastify import SYNTHETIC, assert_older_package_matches, fixture_policies

PACKAGE, FASTIFY = "fastify-cors-3", "fastify-2"
FRAMEWORK = "fastify_cors_3"
NOT_READ_BY_3 = frozenset({"delegator", "hook", "cacheControl", "logLevel"})


def _as_fastify2(policy: CorsPolicy) -> CorsPolicy:
    version = version_value(FASTIFY2_MAJOR, policy.location, "test")
    return dataclasses.replace(
        policy, framework=FRAMEWORK, options={**policy.options, VERSION_OPTION: version}
    )


def _own_fixture_policies() -> list[tuple[str, CorsPolicy]]:
    projects = sorted((FIXTURES / "fastify").glob("legacy_fastify_cors3*"))
    return [(name, policy) for name, policy, _ in named_fixture_policies(projects, {FRAMEWORK})]


def _stateful(policy: CorsPolicy) -> bool:
    """A /g or /y origin RegExp: 3.x never resets its `lastIndex`, so the answer depends on
    the requests before (CORS306 reports it); the model answers each request afresh."""
    origin = policy.option("origin")
    if origin is None or not origin.known:
        return False
    plain = origin.plain()
    entries = plain if isinstance(plain, tuple) else (plain,)
    return any(isinstance(entry, Regex) and {"g", "y"} & set(entry.flags) for entry in entries)


def _read_by_3() -> list[tuple[str, CorsPolicy]]:
    synthetic = [(name, _as_fastify2(policy)) for name, policy in [*SYNTHETIC.items(), *fixture_policies()]]
    return [
        (name, policy)
        for name, policy in [*synthetic, *_own_fixture_policies()]
        if not (NOT_READ_BY_3 & policy.options.keys() or _stateful(policy))
    ]


def test_fastify_cors_3_on_fastify_2_matches_the_model() -> None:
    assert_older_package_matches(PACKAGE, FASTIFY, _read_by_3, "legacy_fastify_cors3")


def test_fastify_cors_4_code_on_fastify_3_matches_the_model() -> None:
    """fastify-cors 4.0.0 and 4.1.0 are 3.0.3's index.js with only the plugin's `fastify`
    range changed ('>=2.x' -> '3.x'; npm pack, compared), so 4.x is recorded as 3: the
    same code on fastify 3.29.5 (`fastify-3`), the host 4.x runs on, answers as the model
    says too (the 4.x fixture, `legacy_fastify_cors3_code_in_4x_star_in_list`, among them)."""
    assert_older_package_matches(PACKAGE, "fastify-3", _read_by_3, "legacy_fastify_cors3_code_in_4x")
