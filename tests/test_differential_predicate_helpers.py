"""Differential truth for hand-written layers whose Origin test is a yes/no helper of the
same module (`if self.accepts(origin):`, `if partner_origin(origin):`), and for Flask
layers that copy the `Allow` of Flask's automatic OPTIONS answer into Allow-Methods.

Each fixture's own module runs in the real framework (Falcon 4.4, Flask 3.1) and what it
sends is compared, request by request, with what corslint's model of the layer answers:
simple requests and preflights from listed, unlisted and look-alike origins, `null`, and
no Origin at all. The Falcon app is made as the fixture's `gateway/app.py` makes it."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from corslint.frameworks import python_headers
from corslint.http import Request
from corslint.model import CorsPolicy
from tests.conftest import FIXTURES, run_lint
from tests.probe_battery import cors_headers

falcon = pytest.importorskip("falcon")
falcon_testing = pytest.importorskip("falcon.testing")

ROOT = FIXTURES / "python_headers"
FALCON = ROOT / "falcon_constructor_predicate_any_origin"
PLAIN_HTTP = ROOT / "flask_hook_origin_predicate_plain_http"
ALLOW_LIST = ROOT / "flask_hook_origin_predicate_allowlist_clean"
HOOK_ALLOW = ROOT / "flask_hook_copies_automatic_allow"
VIEW_ALLOW = ROOT / "flask_method_view_default_options_allow_clean"

ORIGINS = [
    "https://partners.example.net",
    "http://legacy-partners.example.net",
    "https://shop.example.org",
    "https://checkout.example.org",
    "https://evilshop.example.org",
    "https://shop.example.org.evil.test",
    "https://attacker.example",
    "null",
    None,
]


def load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def only_policy(project: Path) -> CorsPolicy:
    (policy,) = run_lint(project).policies
    return policy


def modelled(
    policy: CorsPolicy, method: str, origin: str | None, path: str, preflight: str = ""
) -> dict[str, str]:
    headers = (("access-control-request-method", preflight),) if preflight else ()
    return cors_headers(python_headers.respond(policy, Request(method, origin, headers, path=path)).headers)


def request_headers(origin: str | None, preflight: str = "") -> dict[str, str]:
    headers = {"Origin": origin} if origin is not None else {}
    if preflight:
        headers["Access-Control-Request-Method"] = preflight
    return headers


# -- Falcon: a middleware configured through its constructor ---------------------------


def falcon_client() -> Any:
    origins = load(FALCON / "gateway" / "origins.py", "py10b_gateway_origins")
    # app.py imports the `gateway` package: the same app is made here (see the next test)
    app = falcon.App(middleware=[origins.TrustedOrigins(trusted=["*"])])

    class Shipments:
        def on_get(self, req: Any, resp: Any) -> None:
            resp.media = {"shipments": []}

        def on_post(self, req: Any, resp: Any) -> None:
            resp.media = {"created": True}

    app.add_route("/shipments", Shipments())
    return falcon_testing.TestClient(app)


def test_the_falcon_app_is_made_as_the_fixture_makes_it() -> None:
    text = (FALCON / "gateway" / "app.py").read_text()
    assert 'TrustedOrigins(trusted=["*"])' in text


@pytest.mark.parametrize("origin", ORIGINS)
@pytest.mark.parametrize(("method", "preflight"), [("GET", ""), ("OPTIONS", "POST")])
def test_falcon_predicate_method_matches_the_real_middleware(
    origin: str | None, method: str, preflight: str
) -> None:
    sent = falcon_client().simulate_request(method, "/shipments", headers=request_headers(origin, preflight))
    real = cors_headers(sent.headers.items())
    assert real == modelled(only_policy(FALCON), method, origin, "/shipments", preflight)
    if origin is not None:  # the wildcard entry admits every Origin, with credentials
        assert real["access-control-allow-origin"] == origin
        assert real["access-control-allow-credentials"] == "true"


def test_falcon_findings() -> None:
    assert sorted(f.rule_id for f in run_lint(FALCON).findings) == ["CORS101", "CORS107"]


# -- Flask: a module-level predicate in an after_request hook --------------------------


@pytest.mark.parametrize("project", [PLAIN_HTTP, ALLOW_LIST], ids=["plain_http", "allow_list"])
@pytest.mark.parametrize("origin", ORIGINS)
@pytest.mark.parametrize(("method", "preflight"), [("GET", ""), ("OPTIONS", "PUT"), ("OPTIONS", "POST")])
def test_flask_predicate_function_matches_the_real_hook(
    project: Path, origin: str | None, method: str, preflight: str
) -> None:
    app = load(project / "app.py", f"py10b_{project.name}").app
    path = "/orders" if project == PLAIN_HTTP else "/basket"
    sent = app.test_client().open(path, method=method, headers=request_headers(origin, preflight))
    assert cors_headers(sent.headers.items()) == modelled(
        only_policy(project), method, origin, path, preflight
    )


def test_flask_predicate_findings() -> None:
    assert [f.rule_id for f in run_lint(PLAIN_HTTP).findings] == ["CORS103"]
    assert run_lint(ALLOW_LIST).findings == []


# -- Flask: the automatic OPTIONS answer's `Allow` copied into Allow-Methods -----------


def allowed_methods(value: str | None) -> set[str]:
    return {part.strip().upper() for part in (value or "").split(",") if part.strip()}


def modelled_methods(project: Path, origin: str, path: str, preflight: str) -> set[str]:
    request = Request("OPTIONS", origin, (("access-control-request-method", preflight),), path=path)
    return allowed_methods(
        python_headers.respond(only_policy(project), request).get("Access-Control-Allow-Methods")
    )


@pytest.mark.parametrize("path", ["/stations", "/stations/search"])
def test_a_hook_copies_the_routes_own_methods(path: str) -> None:
    """Each path's preflight answer lists that path's methods (with HEAD for GET, and
    OPTIONS); every path of the fixture serves the same ones, so the model knows the list."""
    app = load(HOOK_ALLOW / "app.py", "py10b_hook_allow").app
    origin = "https://any.example"
    sent = app.test_client().options(path, headers=request_headers(origin, "POST"))
    real = allowed_methods(sent.headers.get("Access-Control-Allow-Methods"))
    assert real == allowed_methods(sent.headers.get("Allow")) == {"GET", "HEAD", "POST", "OPTIONS"}
    assert real == modelled_methods(HOOK_ALLOW, origin, path, "POST")


def test_the_hook_copying_allow_is_judged_on_its_origin_only() -> None:
    assert [f.rule_id for f in run_lint(HOOK_ALLOW).findings] == ["CORS105"]


def test_paths_serving_different_methods_leave_the_copy_unknown(tmp_path: Path) -> None:
    """Measured: `/stations` answers `GET, HEAD, POST, OPTIONS` and `/stations/<id>`
    `DELETE, OPTIONS`; no one list stands for both, so the copied value stays unknown."""
    text = (
        (HOOK_ALLOW / "app.py")
        .read_text()
        .replace(
            '@app.route("/stations/search", methods=["GET", "POST"])\ndef search_stations():',
            '@app.route("/stations/<int:station_id>", methods=["DELETE"])\ndef search_stations(station_id):',
        )
    )
    assert "DELETE" in text
    (tmp_path / "requirements.txt").write_text("flask\n")
    (tmp_path / "app.py").write_text(text)
    app = load(tmp_path / "app.py", "py10b_hook_allow_differing").app
    answers = {
        path: allowed_methods(
            app.test_client()
            .options(path, headers=request_headers("https://a.example", "POST"))
            .headers.get("Access-Control-Allow-Methods")
        )
        for path in ("/stations", "/stations/7")
    }
    assert answers == {"/stations": {"GET", "HEAD", "POST", "OPTIONS"}, "/stations/7": {"DELETE", "OPTIONS"}}
    assert sorted(f.rule_id for f in run_lint(tmp_path).findings) == ["CORS105", "CORS305"]


@pytest.mark.parametrize("path", ["/devices", "/firmware"])
def test_a_class_view_copies_make_default_options_response_allow(path: str) -> None:
    app = load(VIEW_ALLOW / "app.py", "py10b_view_allow").app
    origin = "https://console.example.com"
    sent = app.test_client().options(path, headers=request_headers(origin, "POST"))
    real = allowed_methods(sent.headers.get("Access-Control-Allow-Methods"))
    assert real == allowed_methods(sent.headers.get("Allow")) == {"GET", "HEAD", "POST", "OPTIONS"}
    assert real == modelled_methods(VIEW_ALLOW, origin, path, "POST")
    assert sent.headers["Access-Control-Allow-Origin"] == origin


def test_the_class_view_is_clean() -> None:
    assert run_lint(VIEW_ALLOW).findings == []
