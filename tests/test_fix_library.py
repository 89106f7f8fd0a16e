"""Proof (3) for the fixes: the real library, run on the configuration before and after
each fix, answers the probe the finding was about as the fix intends (hand-written code:
test_fix_handwritten.py).

CORS301: the origin the browser sends (`Origin: https://shop.example.com`) was refused
before and is allowed after; where the finding was django-cors-headers' own system check
(E014: an origin with a path, which that library still matches), the check fails before
and passes after. CORS207: the preflight carried the long max-age before and
7200 after (what Chromium honours either way). CORS304: the renamed settings answer
every probe exactly as the deprecated ones did."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from corslint.browser import PageRequest
from corslint.findings import Finding
from corslint.fixes.attach import with_fixes
from corslint.http import Request
from corslint.model import CorsPolicy
from tests.conftest import run_lint
from tests.probe_battery import cors_headers
from tests.test_fixes import cases, project

# hand-written code and hosting configuration have their own proofs
# (test_fix_handwritten.py, test_fix_hosting.py)
_HOSTED = ("_headers", "-vercel", "-netlify", "-netlify_headers_file")


def library_cases(*rules: str) -> list[str]:
    return [c for c in cases() if c.startswith(rules) and not c.endswith(_HOSTED)]


_CANONICAL = re.compile(r"`Origin: (\S+)`|\(corsheaders\.E014\)")


def _answer(policy: CorsPolicy, request: Request) -> dict[str, str]:
    """The CORS headers the real library sends for `request` under `policy`'s options."""
    if policy.framework == "starlette":
        from tests import test_differential_starlette as starlette

        options = starlette.known_options(policy)
        assert options is not None
        response = starlette.real_client(options).request(
            request.method, request.path, headers=_headers(request)
        )
        return cors_headers(list(response.headers.items()))
    if policy.framework == "flask_cors":
        from tests import test_differential_flask as flask

        options = flask.known_options(policy)
        assert options is not None
        flask_response = flask.real_client(policy, options).open(
            request.path, method=request.method, headers=_headers(request)
        )
        return cors_headers(list(flask_response.headers.items()))
    if policy.framework == "django":
        from tests import test_differential_django as django

        values = django.django_settings(policy)
        assert values is not None
        with django.override_settings(**values):
            response = django.send(request)
        return cors_headers(list(response.items()))
    if policy.framework in {"quart_cors", "aiohttp_cors"}:
        import asyncio

        from tests import test_differential_aiohttp_cors as aiohttp_cors
        from tests import test_differential_quart_cors as quart_cors

        if policy.framework == "quart_cors":
            quart_options = quart_cors.known_options(policy)
            assert quart_options is not None
            app: Any = quart_cors.real_app(quart_options, policy.route_level, request.path)
            ((_status, pairs),) = asyncio.run(quart_cors.replay(app, [request]))
        else:
            config = aiohttp_cors.known_config(policy)
            assert config is not None
            app = aiohttp_cors.real_app(config, request.path)
            ((_status, pairs),) = asyncio.run(aiohttp_cors.replay(app, [request]))
        return cors_headers(pairs)
    if policy.framework == "falcon":
        from tests import test_differential_falcon as falcon

        falcon_options = falcon.known_options(policy)
        assert falcon_options is not None
        answer = falcon.send(falcon.real_client(falcon_options), request)
        return cors_headers(list(answer.headers.items()))
    if policy.framework == "litestar":
        from tests import test_differential_litestar as litestar

        litestar_options = litestar.known_options(policy)
        assert litestar_options is not None
        return cors_headers(litestar.send(litestar.real_client(litestar_options), request)[1])
    from tests import test_differential_express as express

    case: dict[str, Any] = {"name": "probe", "requests": [express.wire(request)]}
    if policy.framework == "fastify_cors":
        from tests import test_differential_fastify as fastify

        express.require_node_package("@fastify/cors")
        case |= {"kind": "fastify-cors", "options": fastify.harness_options(policy)}
    elif policy.framework == "koa_cors":
        express.require_node_package("@koa/cors")
        case |= {"kind": "koa-cors", "options": express.known_options(policy)}
    elif policy.framework == "hono_cors":
        express.require_node_package("hono")
        case |= {"kind": "hono-cors", "options": express.known_options(policy)}
    else:
        assert policy.framework == "express", policy.framework
        express._require_node()
        case |= {"kind": "cors", "fresh": False, "options": express.known_options(policy)}
    (answer,) = express.run_harness([case])["probe"]
    return cors_headers([(k, v) for k, v in answer["headers"]])


def _system_checks(policy: CorsPolicy) -> set[str]:
    """The ids of the django-cors-headers system checks that fail on `policy`'s settings."""
    from django.core.checks import run_checks

    from tests import test_differential_django as django

    values = django.django_settings(policy)
    assert values is not None
    with django.override_settings(**values):
        return {str(m.id) for m in run_checks() if str(m.id).startswith("corsheaders.")}


def _headers(request: Request) -> dict[str, str]:
    return {**dict(request.headers), **({"origin": request.origin} if request.origin else {})}


def _policy(path: Path) -> CorsPolicy:
    (policy,) = [p for p in run_lint(path.parent).policies if p.framework != "node_headers"]
    return policy


def _fixed(path: Path) -> list[Finding]:
    return [f for f in with_fixes(run_lint(path.parent).findings) if f.fix is not None]


@pytest.mark.parametrize("case", library_cases("cors301"))
def test_origin_refused_before_is_allowed_after(case: str, tmp_path: Path) -> None:
    before = project(case, tmp_path / "before")
    after = project(case, tmp_path / "after", "after")
    origins, system_checks = set(), set()
    for finding in _fixed(before):
        found = _CANONICAL.search(finding.message)
        assert found is not None
        if found.group(1):
            origins.add(found.group(1))
        else:  # django-cors-headers' own check (E014): `manage.py check` must pass after
            system_checks.add(finding.message.split("(", 1)[1].split(")", 1)[0])
    assert origins
    old, new = _policy(before), _policy(after)
    if system_checks:
        assert system_checks <= _system_checks(old) and not _system_checks(new) & system_checks
    for origin in sorted(origins):
        request = Request("GET", origin, path="/items")
        assert _answer(old, request).get("access-control-allow-origin") != origin
        assert _answer(new, request).get("access-control-allow-origin") == origin


@pytest.mark.parametrize("case", library_cases("cors207"))
def test_preflight_max_age_is_clamped(case: str, tmp_path: Path) -> None:
    before = project(case, tmp_path / "before")
    after = project(case, tmp_path / "after", "after")
    preflight = PageRequest("https://shop.example.com", "PUT", path="/items").preflight()
    old = _answer(_policy(before), preflight).get("access-control-max-age")
    new = _answer(_policy(after), preflight).get("access-control-max-age")
    assert old is not None and int(old) > 7200 and new == "7200"


@pytest.mark.parametrize("case", [c for c in cases() if c.startswith("cors304")])
def test_renamed_settings_answer_as_before(case: str, tmp_path: Path) -> None:
    old = _policy(project(case, tmp_path / "before"))
    new = _policy(project(case, tmp_path / "after", "after"))
    probes: list[Any] = []
    for origin in ("https://shop.example.com", "https://x.shop.example.com", "https://evil.test"):
        probes += [Request("GET", origin), PageRequest(origin, "PUT").preflight()]
    for request in probes:
        assert _answer(new, request) == _answer(old, request), request


@pytest.mark.parametrize("case", [c for c in cases() if c.startswith("cors307")])
def test_misspelt_option_is_read_after_the_fix(case: str, tmp_path: Path) -> None:
    """CORS307 (unsafe): after the rename the library reads the allow-list: the origin
    named is allowed and another is refused, where before the option was ignored (the
    default answered) or refused (Starlette, Litestar: the app does not start). A misspelt
    max-age (@koa/cors `maxage`): the preflight carries the configured max-age after only."""
    old = _policy(project(case, tmp_path / "before"))
    new = _policy(project(case, tmp_path / "after", "after"))
    if "maxAge" in new.options:
        preflight = PageRequest("https://shop.example.com", "PUT", path="/items").preflight()
        assert "access-control-max-age" not in _answer(old, preflight)
        assert _answer(new, preflight).get("access-control-max-age") == str(new.options["maxAge"].plain())
        return
    shop, evil = Request("GET", "https://shop.example.com"), Request("GET", "https://evil.test")
    assert _answer(new, shop).get("access-control-allow-origin") == "https://shop.example.com"
    assert _answer(new, evil).get("access-control-allow-origin") not in {"https://evil.test", "*"}
    try:
        before = [_answer(old, shop), _answer(old, evil)]
    except TypeError:  # `unexpected keyword argument`: the app never starts
        assert old.framework in {"starlette", "litestar", "quart_cors", "falcon", "aiohttp_cors"}
        return
    assert before != [_answer(new, shop), _answer(new, evil)]


@pytest.mark.parametrize("case", [c for c in cases() if c.startswith("cors303")])
def test_slash_redirect_carries_cors_headers_after_the_move(case: str, tmp_path: Path) -> None:
    """CORS303: with CorsMiddleware moved above CommonMiddleware, the APPEND_SLASH
    redirect CommonMiddleware answers itself carries the CORS headers."""
    import ast

    from django.middleware.common import CommonMiddleware
    from django.urls import clear_url_caches
    from django.urls import path as route

    from tests import test_differential_django as django

    def middleware(path: Path) -> list[str]:
        tree = ast.parse(path.read_text("utf-8"))
        (value,) = [
            n.value
            for n in tree.body
            if isinstance(n, ast.Assign) and ast.unparse(n.targets[0]) == "MIDDLEWARE"
        ]
        names: list[str] = ast.literal_eval(value)
        return [n for n in names if n.endswith(("CorsMiddleware", "CommonMiddleware"))]

    def routed(request: Any) -> Any:  # Django answers 404 before the redirect
        return django.view(request) if request.path.endswith("/") else django.HttpResponse(status=404)

    def redirect(order: list[str]) -> Any:
        handler = routed
        for name in reversed(order):
            handler = (django.CorsMiddleware if name.startswith("corsheaders") else CommonMiddleware)(handler)
        return handler(django.FACTORY.get("/items", HTTP_ORIGIN="https://shop.example.com"))

    before, after = project(case, tmp_path / "before"), project(case, tmp_path / "after", "after")
    with django.override_settings(
        CORS_ALLOWED_ORIGINS=["https://shop.example.com"], APPEND_SLASH=True, ROOT_URLCONF=django.__name__
    ):
        django.urlpatterns[:] = [route("items/", django.view)]
        clear_url_caches()
        try:
            old, new = redirect(middleware(before)), redirect(middleware(after))
        finally:
            django.urlpatterns[:] = []
            clear_url_caches()
    assert old.status_code == new.status_code == 301
    assert "access-control-allow-origin" not in old
    assert new["access-control-allow-origin"] == "https://shop.example.com"


@pytest.mark.parametrize("case", library_cases("cors203", "cors204"))
def test_preflight_for_the_header_passes_after_the_fix(case: str, tmp_path: Path) -> None:
    """CORS203 / CORS204: the preflight of a request sending `Content-Type:
    application/json` (or `Authorization`) was refused the header before, and is granted it
    after; the origin allowed stays the same."""
    header = "content-type" if case.startswith("cors203") else "authorization"
    old = _policy(project(case, tmp_path / "before"))
    new = _policy(project(case, tmp_path / "after", "after"))
    preflight = PageRequest(
        "https://shop.example.com", "POST", headers=((header, "x"),), path="/items"
    ).preflight()

    def granted(answer: dict[str, str]) -> bool:
        allowed = [h.strip().lower() for h in answer.get("access-control-allow-headers", "").split(",")]
        return header in allowed

    before, after = _answer(old, preflight), _answer(new, preflight)
    assert not granted(before) and granted(after)
    assert after.get("access-control-allow-origin") == "https://shop.example.com"


@pytest.mark.parametrize("case", [c for c in cases() if c.startswith("cors202")])
def test_preflight_for_the_route_methods_passes_after_the_fix(case: str, tmp_path: Path) -> None:
    """CORS202: the preflight for each method the routes use was refused before and
    passes after (the method is in Allow-Methods, for the same allowed origin)."""
    before, after = project(case, tmp_path / "before"), project(case, tmp_path / "after", "after")
    (finding,) = _fixed(before)
    found = re.search(r"does not allow ((?:[A-Z]+, )*[A-Z]+),", finding.message)
    assert found is not None
    old, new = _policy(before), _policy(after)

    def granted(answer: dict[str, str], method: str) -> bool:
        allowed = [m.strip().upper() for m in answer.get("access-control-allow-methods", "").split(",")]
        return method in allowed and answer.get("access-control-allow-origin") == "https://shop.example.com"

    for method in found.group(1).split(", "):
        preflight = PageRequest("https://shop.example.com", method, path="/items/1").preflight()
        assert not granted(_answer(old, preflight), method)
        assert granted(_answer(new, preflight), method)


SHOP, EVIL = "https://shop.example.com", "https://evil.test"


@pytest.mark.parametrize("case", [c for c in cases() if c.startswith(("cors101", "cors201"))])
def test_credentialed_requests_work_for_the_named_origins_only_after_the_fix(
    case: str, tmp_path: Path
) -> None:
    """CORS201 / CORS101 (unsafe): before, a credentialed request got `*` with credentials
    (which browsers refuse) or any origin reflected with credentials; after, the origin the
    project's list names is allowed with credentials, and another origin is refused."""
    old = _policy(project(case, tmp_path / "before"))
    new = _policy(project(case, tmp_path / "after", "after"))
    shop = Request("GET", SHOP, path="/items", credentials=True)
    evil = Request("GET", EVIL, path="/items", credentials=True)
    preflight = PageRequest(SHOP, "PUT", credentials=True, path="/items").preflight()
    before = _answer(old, shop), _answer(old, evil), _answer(old, preflight)
    if case.startswith("cors201"):  # Litestar sends `*` to preflights only
        assert any(
            a.get("access-control-allow-origin") == "*"
            and a.get("access-control-allow-credentials") == "true"
            for a in (before[0], before[2])
        )
    else:
        assert before[1].get("access-control-allow-origin") == EVIL
    after = _answer(new, shop), _answer(new, evil), _answer(new, preflight)
    for answer in (after[0], after[2]):
        assert answer.get("access-control-allow-origin") == SHOP
        assert answer.get("access-control-allow-credentials") == "true"
    assert after[1].get("access-control-allow-origin") not in {EVIL, "*"}


@pytest.mark.parametrize("case", [c for c in cases() if c.startswith("cors205")])
def test_listed_names_replace_the_literal_star_after_the_fix(case: str, tmp_path: Path) -> None:
    """CORS205 (unsafe): the `*` that credentialed requests read as a name gives way to the
    names of the project's list: a credentialed PUT preflight passes (methods), or the
    listed response headers are exposed to a logged-in page (expose)."""
    before, after = project(case, tmp_path / "before"), project(case, tmp_path / "after", "after")
    old, new = _policy(before), _policy(after)
    (finding,) = [f for f in _fixed(before) if f.rule_id == "CORS205"]
    header = re.search(r"sends `([\w-]+):", finding.message)
    assert header is not None
    name = header.group(1).lower()
    if name == "access-control-expose-headers":
        request: Any = Request("GET", SHOP, path="/items", credentials=True)
    else:
        request = PageRequest(SHOP, "PUT", credentials=True, path="/items/1").preflight()
    old_value, new_value = _answer(old, request).get(name, ""), _answer(new, request).get(name, "")
    assert "*" in [v.strip() for v in old_value.split(",")]
    listed = [v.strip() for v in new_value.split(",")]
    assert "*" not in listed and listed and all(listed)
    if name == "access-control-allow-methods":
        assert "PUT" in [v.upper() for v in listed]
