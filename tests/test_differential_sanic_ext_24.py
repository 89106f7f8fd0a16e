"""Differential truth: corslint's model of sanic-ext 24.12.0 and older (`sanic_ext_24`:
string origins matched as prefixes, `Vary: origin` only for more than one origin) against
the real sanic-ext 24.12.0 on sanic 24.12.0.

Like tests/test_differential_sanic_ext.py, it runs only with those packages on the path:
`pip install --no-deps --target /tmp/sanic24 sanic==24.12.0 sanic-ext==24.12.0` and
`PYTHONPATH=/tmp/sanic24 pytest tests/test_differential_sanic_ext_24.py`. It skips under
any other sanic-ext."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from corslint.frameworks.sanic_ext import respond_24
from corslint.http import Request
from corslint.model import CorsPolicy, Location, Regex, Route, Value
from tests.conftest import FIXTURES, run_lint
from tests.probe_battery import battery, cors_headers

sanic_ext = pytest.importorskip("sanic_ext")
if not sanic_ext.__version__.startswith("24."):
    pytest.skip("needs sanic-ext 24 on the path", allow_module_level=True)

from tests.test_differential_sanic_ext import as_sets, real_app, send  # noqa: E402

HERE = Location.point("synthetic.py", 1)


def synthetic(**options: Any) -> CorsPolicy:
    def wrap(raw: Any) -> Value:
        if isinstance(raw, list):
            return Value(tuple(wrap(item) for item in raw), HERE)
        return Value(raw, HERE)

    return CorsPolicy("sanic_ext_24", HERE, {name: wrap(raw) for name, raw in options.items()})


def fixture_policies() -> list[tuple[str, CorsPolicy]]:
    found = []
    for project in sorted((FIXTURES / "sanic_ext").iterdir()):
        for policy in run_lint(project).policies:
            if policy.framework == "sanic_ext_24":
                found.append((f"{project.name}:{policy.location.line}", policy))
    return found


SYNTHETIC = {
    "single-string-credentials": synthetic(
        CORS_ORIGINS="https://a.example.com", CORS_SUPPORTS_CREDENTIALS=True
    ),
    "list-two": synthetic(CORS_ORIGINS=["https://a.example.com", "https://b.example.com"]),
    "list-one": synthetic(CORS_ORIGINS=["https://a.example.com"], CORS_EXPOSE_HEADERS="x-total"),
    "comma-string": synthetic(CORS_ORIGINS="https://a.example.com,https://b.example.com"),
    "star": synthetic(CORS_ORIGINS="*"),
    "regex": synthetic(CORS_ORIGINS=[Regex(r"https://.*\.example\.com")]),
}
POLICIES = fixture_policies() + sorted(SYNTHETIC.items())
LOOKALIKES = ("https://a.example.com.evil.test", "https://a.example.comevil.test", "https://a.example.co")


@pytest.mark.parametrize(("name", "policy"), POLICIES, ids=[name for name, _ in POLICIES])
def test_model_matches_real_sanic_ext_24(name: str, policy: CorsPolicy) -> None:
    assert all(value.known for value in policy.options.values())
    policy = dataclasses.replace(policy, routes=(Route("/", ("GET", "PUT"), HERE),))
    app = real_app(policy)
    requests = battery(policy) + [Request("GET", origin) for origin in LOOKALIKES]
    assert len(requests) > 20
    for request in requests:
        predicted = respond_24(policy, request)
        status, real = send(app, request)
        where = f"{request.method} Origin={request.origin} {dict(request.headers)} cred={request.credentials}"
        if predicted.status is not None:
            assert status == predicted.status, where
        assert real == as_sets(cors_headers(list(predicted.headers))), where


def test_a_string_origin_admits_what_starts_with_it() -> None:
    policy = SYNTHETIC["single-string-credentials"]
    _, real = send(real_app(policy), Request("GET", "https://a.example.com.evil.test"))
    assert real["access-control-allow-origin"] == "https://a.example.com.evil.test"
    assert "vary" not in real
