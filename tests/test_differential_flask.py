"""Differential truth: corslint's Flask-CORS model against the real flask_cors on a real Flask app.

Every Flask fixture's *extracted* policy (plus edge-case policies) is given to the real
`CORS(app, ...)` extension, or to `@cross_origin(...)` for route-level policies, on an app
that serves every path; the probe battery is replayed against the test client and our
`respond`, and the status and CORS headers must be equal header by header.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import re
import sys
import types
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_cors import CORS, cross_origin

from corslint.extractors.flask.routes import sample_path
from corslint.frameworks.flask_cors import answers_path, respond
from corslint.http import Request
from corslint.model import CorsPolicy, Location, Regex
from tests.conftest import FIXTURES, run_lint, synthetic_policy
from tests.flask_cors_policies import fixture_policies_in, known_options
from tests.probe_battery import battery, cors_headers, route_battery

METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]
HERE = Location.point("synthetic.py", 1)


def real_client(policy: CorsPolicy, options: dict[str, Any]) -> FlaskClient:
    app = Flask(__name__)

    def view(path: str = "") -> str:
        return "ok"

    if policy.route_level:
        view = cross_origin(**options)(view)
    app.add_url_rule("/", "root", view, methods=METHODS)
    app.add_url_rule("/<path:path>", "any", view, methods=METHODS)
    if not policy.route_level:
        CORS(app, **options)
    return app.test_client()


def fixture_policies() -> list[tuple[str, CorsPolicy]]:
    return fixture_policies_in("flask", "flask_cors")


def synthetic(route_level: bool = False, path: str = "/", scope: str = "", **options: Any) -> CorsPolicy:
    return synthetic_policy(
        "flask_cors", HERE, options, route_level=route_level, probe_path=path, scope=scope
    )


SYNTHETIC = {
    "defaults": synthetic(),
    "defaults-credentials": synthetic(supports_credentials=True),
    "send-wildcard": synthetic(send_wildcard=True, expose_headers=["X-Total", "X-A"]),
    "one-literal": synthetic(origins="https://a.example.com", methods=["GET", "put"], max_age=0),
    "two-literals-no-vary": synthetic(
        origins=["https://a.example.com", "https://b.example.com"], vary_header=False
    ),
    "glob": synthetic(origins=["https://*.example.com"], supports_credentials=True, max_age=600),
    "compiled": synthetic(origins=[Regex(r"https://[a-z]+\.example\.com$")], allow_headers=["X-Custom"]),
    "compiled-ignorecase": synthetic(origins=Regex(r"https://app\.example\.com", "i"), methods="GET, PUT"),
    "star-in-list": synthetic(origins=["https://a.example.com", "*"], always_send=False),
    "null": synthetic(
        origins=["null", "https://a.example.com/"], allow_headers=["Content-Type", "authorization"]
    ),
    "header-regex": synthetic(origins="https://a.example.com", allow_headers=["X-.*", "content-type"]),
    "methods-none": synthetic(methods=None, max_age="3600"),
    "private-network": synthetic(allow_private_network=True),
    "resources-list": synthetic(
        path="/api/x", scope="/api/.*", resources=["/api/.*", "/public"], origins=["https://a.example.com"]
    ),
    "resource-literal": synthetic(path="/public", scope="/public", resources=["/public"]),
    "decorator": synthetic(
        route_level=True, path="/login", origins=["https://a.example.com"], methods=["POST"]
    ),
    "decorator-no-auto-options": synthetic(route_level=True, path="/x", automatic_options=False),
    "typo": synthetic(origin="https://a.example.com", supports_credentials=True),
}
POLICIES = fixture_policies() + sorted(SYNTHETIC.items())


def test_every_fixture_policy_is_compared() -> None:
    compared = [name for name, policy in fixture_policies() if known_options(policy) is not None]
    assert len(compared) >= 15


@pytest.mark.parametrize(("name", "policy"), POLICIES, ids=[name for name, _ in POLICIES])
def test_model_matches_real_flask_cors(
    name: str, policy: CorsPolicy, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="flask_cors")
    options = known_options(policy)
    if options is None:
        pytest.skip("the policy has values corslint could not resolve (CORS305); nothing to compare")
    requests = route_battery(policy)
    assert len(requests) > 20
    try:
        client = real_client(policy, options)
    except ValueError:
        # the library refuses the configuration at startup: so must the model, on any request
        for request in requests[:3]:
            with pytest.raises(ValueError):
                respond(policy, request)
        return
    for request in requests:
        predicted = respond(policy, request)
        real = send(client, request)
        where = f"{request.method} {request.path} Origin={request.origin} {dict(request.headers)}"
        assert real.status_code == (predicted.status or 200), where
        assert cors_headers(list(real.headers.items())) == cors_headers(list(predicted.headers)), where


def test_paths_outside_the_resource_get_nothing() -> None:
    policy = SYNTHETIC["resources-list"]
    options = known_options(policy)
    assert options is not None
    client = real_client(policy, options)
    for path in ("/apix", "/public/x", "/API/x", "/%61pi/x", "/api%2fx"):
        request = Request.make("GET", "https://a.example.com", path=path)
        real = cors_headers(list(send(client, request).headers.items()))
        assert real == cors_headers(list(respond(policy, request).headers)), path


def test_a_path_an_earlier_resource_answers_gets_nothing_from_this_one() -> None:
    shadowed = synthetic(scope="/api/.*", resources=["/api/v1/.*", "/api/.*"])
    assert respond(shadowed, Request.make("GET", "https://a.example.com", path="/api/v1/x")).headers == ()
    assert respond(shadowed, Request.make("GET", "https://a.example.com", path="/api/v2/x")).headers != ()


def test_invalid_regex_fails_like_the_library() -> None:
    policy = synthetic(origins=["https://(a|b.example.com"])
    with pytest.raises(ValueError):
        CORS(Flask(__name__), origins=["https://(a|b.example.com"])
    with pytest.raises((ValueError, re.error)):
        respond(policy, Request.make("GET", "https://a.example.com"))


def send(client: FlaskClient, request: Request) -> Any:
    headers = dict(request.headers)
    if request.origin is not None:
        headers["Origin"] = request.origin
    return client.open(request.path, method=request.method, headers=headers)


def test_battery_size_is_reported() -> None:
    total = sum(len(battery(p)) for _, p in POLICIES if known_options(p) is not None)
    assert total > 1000
    print(f"{total} requests compared")


def test_resource_order_matches_the_library() -> None:
    from flask_cors.core import get_regexp_pattern, parse_resources

    from corslint.frameworks.flask_cors import resource_rank

    keys = ["/*", "/api/*", "/api/v1/users", "*", "/api/v1/.*", "/static", "/api/(a|b)/x", "/a/b/c"]
    theirs = [get_regexp_pattern(p) for p, _ in parse_resources({key: {} for key in keys})]
    ours = [".*" if k == "*" else k for k in sorted(keys, key=resource_rank)]
    assert ours == theirs


# -- whole projects: the fixture's own code, run under the real library ----------------------
#
# The fixture project is imported and its app built (with stand-ins for the extensions
# the test environment lacks); every route it serves is probed on the real app and on
# the policies corslint extracted from the same files without running them.


@dataclass(frozen=True)
class Project:
    """A fixture project, how its app is made, and under which environment."""

    folder: str
    module: str  # what to import, relative to the fixture folder
    factory: str  # the app attribute, or the factory to call
    env: tuple[tuple[str, str | None], ...] = ()
    branch: str | None = None  # the arm of a forked configuration this environment takes
    files: tuple[str, ...] = ()  # the files whose policies serve this app (default: all)


PROJECTS = [
    Project("factory_local_import_blueprint", "depot", "create_app"),
    Project("extension_conditional_config", "orchard", "create_app"),
    Project("config_arms_per_environment", "ledger", "create_app", (("LEDGER_STAGE", None),), "else@"),
    Project("config_arms_per_environment", "ledger", "create_app", (("LEDGER_STAGE", "production"),), "if@"),
    Project("config_class_import_string", "tally", "create_app"),
    Project("config_class_chosen_by_local", "studio", "create_app", (("STUDIO_ENV", None),)),
    Project("config_class_from_project_function", "notes", "create_app", (("NOTES_STAGE", None),)),
    Project("config_name_chosen_at_module_level", "depot", "create_app", (("DEPOT_ENV", None),)),
    Project("settings_module_from_object", "kennel.app", "app", (("KENNEL_CORS_ORIGINS", None),)),
    Project("pyfile_then_prefixed_env", "beacon", "create_app", (("FLASK_CORS_ORIGINS", None),)),
    Project("fstring_resource_keys", "harbor.public_app", "public_app", files=("public_app.py",)),
    Project("fstring_resource_keys", "harbor.partner_app", "partner_app", files=("partner_app.py",)),
    Project("glob_localhost_default", "prism", "create_app", (("PRISM_UI_ORIGIN", None),)),
    Project("or_default_wildcard", "server", "app", (("NOTES_ORIGINS", None), ("NOTES_SECRET", "s"))),
    Project("star_and_guarded_imports", "quiz_api", "quiz", files=("quiz_api.py",)),
    Project("star_and_guarded_imports", "scoreboard", "board", files=("scoreboard.py",)),
    Project("blueprint_views_inherit_config", "helpdesk", "create_app"),
    Project("options_read_from_app_config", "atelier", "create_app", (("STOREFRONT_URL", None),)),
    Project("initializer_operator_override", "gallery.factory", "create_app"),
    Project("initializer_switch_off", "atlasboard.app", "create_app", (("ATLASBOARD_CONFIG", None),)),
    Project("cors_reexported_by_project_module", "basket_api.server", "app"),
    Project("config_from_own_module_name", "dayplanner", "app"),
    Project("origins_from_module_attribute_function", "harvest", "app"),
    Project("config_from_toml_file", "almanac", "create_app"),
    Project("uncalled_factory_origins_default", "signage", "create_app"),
]


class _Extension:
    """Stands in for an extension the test environment does not install."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def init_app(self, app: Flask) -> None:
        pass


def _stand_ins() -> dict[str, types.ModuleType]:
    modules: dict[str, types.ModuleType] = {}
    for name, attribute in (("flask_sqlalchemy", "SQLAlchemy"), ("flask_jwt_extended", "JWTManager")):
        module = types.ModuleType(name)
        setattr(module, attribute, _Extension)
        modules[name] = module
    plugin = types.ModuleType("harbor_plugin")
    plugin.PREFIX = "/plugin"  # type: ignore[attr-defined]
    modules["harbor_plugin"] = plugin
    return modules


def real_project_app(project: Project, monkeypatch: pytest.MonkeyPatch) -> Flask:
    folder = FIXTURES / "flask" / project.folder
    for name, value in project.env:
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    monkeypatch.syspath_prepend(str(folder))
    for name, module in _stand_ins().items():
        if importlib.util.find_spec(name) is None if name not in sys.modules else False:
            monkeypatch.setitem(sys.modules, name, module)
    top = project.module.split(".")[0]
    for loaded in [m for m in sys.modules if m == top or m.startswith(f"{top}.")]:
        monkeypatch.delitem(sys.modules, loaded)
    imported = importlib.import_module(project.module)
    made = getattr(imported, project.factory)
    app = made if isinstance(made, Flask) else made()
    assert isinstance(app, Flask)
    # the imported package must not leak into the next project (names repeat)
    for loaded in [m for m in sys.modules if m == top or m.startswith(f"{top}.")]:
        monkeypatch.delitem(sys.modules, loaded)
    return app


def project_policies(project: Project) -> list[CorsPolicy]:
    found = [
        p
        for p in run_lint(FIXTURES / "flask" / project.folder).policies
        if p.framework == "flask_cors"
        and (not project.files or Path(p.location.path).name in project.files)
        and (project.branch is None or p.branch.startswith(project.branch) or not p.branch)
    ]
    return found


def answering(policies: list[CorsPolicy], path: str) -> CorsPolicy | None:
    """The policy the library uses for `path`: a view's decorator first, then the
    extension layer whose resource takes the path (a blueprint's only on its routes)."""
    for policy in policies:
        if policy.route_level and any(sample_path(r.path) == path for r in policy.routes or ()):
            return policy
    for policy in policies:
        # `routes`: the routes the layer covers (a blueprint's layer runs on its own only)
        covered = policy.routes is None or path in {sample_path(r.path) for r in policy.routes}
        if not policy.route_level and covered and answers_path(policy, path):
            return policy
    return None


@pytest.mark.parametrize(
    "project", PROJECTS, ids=[f"{p.folder}:{p.module}{':' + p.branch if p.branch else ''}" for p in PROJECTS]
)
def test_project_matches_real_flask_cors(
    project: Project, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="flask_cors")
    policies = project_policies(project)
    app = real_project_app(project, monkeypatch)
    client = app.test_client()
    compared = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        path = sample_path(rule.rule)
        served = tuple(sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}))
        policy = answering(policies, path)
        model = replace(policy or policies[0] if policies else SYNTHETIC["defaults"], probe_path=path)
        for request in battery(model, served):
            if request.method != "OPTIONS" and request.method not in served:
                continue
            real = cors_headers(list(send(client, request).headers.items()))
            predicted = cors_headers(list(respond(model, request).headers)) if policy is not None else {}
            where = f"{request.method} {path} Origin={request.origin} {dict(request.headers)}"
            assert real == predicted, where
            compared += 1
    assert compared > 20


def test_cross_origin_without_parentheses_breaks_the_view_like_corslint_says() -> None:
    """`@cross_origin` written bare: the real view answers 500 without CORS headers, so
    corslint reports CORS303 there and judges no policy for it."""
    app = Flask(__name__)

    @app.route("/stock")
    @cross_origin
    def stock() -> str:
        return "4"

    app.logger.disabled = True
    response = app.test_client().get("/stock", headers={"Origin": "https://evil.example"})
    assert response.status_code == 500
    assert cors_headers(list(response.headers.items())) == cors_headers([])
    result = run_lint(FIXTURES / "flask" / "cross_origin_without_parentheses")
    assert [f.rule_id for f in result.findings if f.location.line == 8] == ["CORS303"]
    assert all(policy.location.line != 8 for policy in result.policies)
