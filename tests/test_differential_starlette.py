"""Differential truth: corslint's Starlette model against the real CORSMiddleware.

Every Starlette fixture's *extracted* policy (plus a set of edge-case policies) is
turned into a real `starlette.middleware.cors.CORSMiddleware`, and the probe battery is
replayed against both; status and CORS headers must be equal header by header.
"""

from __future__ import annotations

from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request as StarletteRequest
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from corslint.frameworks.starlette import respond
from corslint.http import Request
from corslint.model import CorsPolicy, Location, UnresolvedValueError, Value
from tests.conftest import FIXTURES, run_lint
from tests.probe_battery import battery, cors_headers

ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "QUERY"]
HERE = Location.point("synthetic.py", 1)


async def ok(request: StarletteRequest) -> PlainTextResponse:
    return PlainTextResponse("ok")


def real_client(options: dict[str, Any]) -> TestClient:
    inner = Starlette(routes=[Route("/{path:path}", ok, methods=ALL_METHODS)])
    return TestClient(CORSMiddleware(inner, **options), base_url="http://api.test")


def known_options(policy: CorsPolicy) -> dict[str, Any] | None:
    """The options as plain values, or None where any (or any list entry) is unknown."""
    try:
        return {name: value.plain() for name, value in policy.options.items()}
    except UnresolvedValueError:
        return None


def fixture_policies() -> list[tuple[str, CorsPolicy]]:
    found: list[tuple[str, CorsPolicy]] = []
    for project in sorted((FIXTURES / "starlette").iterdir()):
        for policy in run_lint(project).policies:
            if policy.framework == "starlette":
                found.append((f"{project.name}:{policy.location.line}", policy))
    return found


def synthetic(**options: Any) -> CorsPolicy:
    def wrap(raw: Any) -> Value:
        if isinstance(raw, (list, tuple)):
            return Value(tuple(wrap(item) for item in raw), HERE)
        return Value(raw, HERE)

    return CorsPolicy("starlette", HERE, {name: wrap(raw) for name, raw in options.items()})


SYNTHETIC = {
    "defaults": synthetic(),
    "wildcard": synthetic(allow_origins=["*"]),
    "wildcard-credentials": synthetic(allow_origins=["*"], allow_credentials=True, allow_headers=["*"]),
    "string-origin": synthetic(allow_origins="https://a.example.com", allow_methods="GET,PUT"),
    "regex": synthetic(allow_origin_regex=r"https://.*\.example\.com", allow_methods=["*"], max_age=0),
    "headers-star": synthetic(
        allow_origins=["https://a.example.com"], allow_headers=["*"], expose_headers=["X-Total"]
    ),
    "lowercase-methods": synthetic(allow_origins=["https://a.example.com"], allow_methods=["put", "get"]),
    "null": synthetic(
        allow_origins=["null", "https://a.example.com"], allow_credentials=True, expose_headers=["*"]
    ),
    "custom-header": synthetic(
        allow_origins=["https://a.example.com"], allow_headers=["X-Custom", "Authorization"]
    ),
}
POLICIES = fixture_policies() + sorted(SYNTHETIC.items())


def test_every_fixture_policy_is_compared() -> None:
    compared = [name for name, policy in fixture_policies() if known_options(policy) is not None]
    assert len(compared) >= 15


@pytest.mark.parametrize(("name", "policy"), POLICIES, ids=[name for name, _ in POLICIES])
def test_model_matches_real_middleware(name: str, policy: CorsPolicy) -> None:
    options = known_options(policy)
    if options is None:
        pytest.skip("the policy has values corslint could not resolve (CORS305); nothing to compare")
    if any(evidence.kind == "unknown-option" for evidence in policy.evidence):
        with pytest.raises(TypeError, match="unexpected keyword argument"):  # CORS307: it never starts
            real_client(options)
        return
    client = real_client(options)
    routes = tuple(m for route in policy.routes or () for m in route.methods)
    requests = battery(policy, routes)
    assert len(requests) > 20
    for request in requests:
        predicted = respond(policy, request)
        real = send(client, request)
        where = f"{request.method} {request.path} Origin={request.origin} {dict(request.headers)}"
        if predicted.status is not None:
            assert real.status_code == predicted.status, where
        else:
            assert real.status_code == 200, f"the real middleware answered itself: {where}"
        assert cors_headers(real.headers.multi_items()) == cors_headers(list(predicted.headers)), where


def send(client: TestClient, request: Request) -> Any:
    headers = dict(request.headers)
    if request.origin is not None:
        headers["origin"] = request.origin
    return client.request(request.method, request.path, headers=headers)


def test_battery_size_is_reported(capsys: pytest.CaptureFixture[str]) -> None:
    total = sum(len(battery(p)) for _, p in POLICIES if known_options(p) is not None)
    assert total > 1000
    print(f"{total} requests compared")


def test_probe_battery_covers_lookalikes() -> None:
    policy = synthetic(allow_origins=["https://a.example.com"])
    origins = {r.origin for r in battery(policy)}
    assert {
        "https://a.example.com",
        "null",
        "https://attacker.invalid",
        "https://evila.example.com",
    } <= origins


# -- the values corslint resolved, against the code run for real ---------------------------
# Each fixture that builds its apps at import (or by a factory) is run in a child process
# with no environment variable of its own set: the options each app's CORSMiddleware
# really receives (`app.user_middleware`) must be options corslint extracted, so every
# default, helper, settings object, data file and command-line default it followed is
# checked against Python itself (and pydantic, pydantic-settings, argparse, PyYAML).
RUN_APPS = {
    "conditional_import_app_factory": ("inference.server", "[build_server()]"),
    "factory_options_dict": ("portal.app", "[create_app()]"),
    "helpers_share_one_app": ("billing.main", "[app]"),
    "helpers_on_exclusive_arms": ("notes.main", "[app]"),
    "settings_package_cached_getter": ("backend.app.main", "[app]"),
    "bundled_yaml_defaults": ("ragdesk.launch", "[make_app()]"),
    "project_env_helpers": ("chat.app", "[app, widget]"),
    "same_file_helpers_and_or_default": ("feeds", "[dashboard, feed, mirror]"),
    "cli_option_defaults": ("gateway", "served(main)"),
    "fstring_regex_imported_domain": ("tenants.main", "[app]"),
    "config_class_members": ("atlas.main", "[api, tiles]"),
    "settings_sections_and_properties": ("shop.main", "[storefront, admin]"),
    "middleware_list_then_added": ("app", "[app, status]"),
    "star_flag_from_any_generator": ("portal", "[app]"),
    "origins_filled_by_helper": ("kiosk.app", "[app]"),
    "splatted_options_name_the_class": ("ledgerly.main", "[app]"),
    "starlette_config_comma_separated": ("pantry.main", "[app, admin]"),
    "settings_validator_splits_origins": ("tutor.main", "[app]"),
    "pydantic_url_union_keeps_text": ("atlas_api.main", "[app, admin]"),
    "factory_settings_mixins_lambda_cast": ("tallyboard.main", "[app]"),
    "bundled_yaml_behind_exists_check": ("panelguard.api.app", "[app]"),
    "uncalled_factory_parameter_defaults": ("relay.server", "[create_app()]"),
    "env_default_split_stripped_at_option": ("main", "[app]"),
}
_RUNNER = """
import importlib, json, sys, types

served_apps = []
fake_uvicorn = types.ModuleType("uvicorn")
fake_uvicorn.run = lambda app, **options: served_apps.append(app)
sys.modules["uvicorn"] = fake_uvicorn  # a server that starts nothing
sys.argv = ["app"]


def served(main):
    main()
    return served_apps


module = importlib.import_module(MODULE)
apps = eval(EXPRESSION, {**vars(module), "served": served})


def plain(value):
    sequence = isinstance(value, (list, tuple, set)) or type(value).__name__ == "CommaSeparatedStrings"
    return [plain(item) for item in value] if sequence else value


print(json.dumps([[{k: plain(v) for k, v in m.kwargs.items()} for m in app.user_middleware] for app in apps]))
"""


def _normalised(options: dict[str, Any]) -> dict[str, Any]:
    def plain(value: Any) -> Any:
        return [plain(item) for item in value] if isinstance(value, (list, tuple)) else value

    return {name: plain(value) for name, value in options.items()}


@pytest.mark.parametrize("fixture", sorted(RUN_APPS))
def test_resolved_options_are_what_the_code_passes(fixture: str) -> None:
    import json
    import os
    import subprocess
    import sys

    project = FIXTURES / "starlette" / fixture
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(project),
        "HOME": str(project),
        "PYTHONDONTWRITEBYTECODE": "1",  # the fixture folders stay as they are
    }
    completed = subprocess.run(
        [sys.executable, "-c", f"MODULE, EXPRESSION = {RUN_APPS[fixture]!r}\n{_RUNNER}"],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    real = [options for app in json.loads(completed.stdout) for options in app]
    assert real, "the fixture built no CORSMiddleware"
    extracted = [
        _normalised(known)
        for policy in run_lint(project).policies
        if policy.framework == "starlette" and (known := known_options(policy)) is not None
    ]
    for options in real:
        assert options in extracted, f"{options} is not among what corslint resolved: {extracted}"
