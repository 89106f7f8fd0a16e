"""Differential truth: corslint's django-cors-headers model against the real middleware.

Every Django fixture's *extracted* policy (plus edge-case settings modules written here)
is turned into Django settings with `override_settings`; the probe battery is replayed
through the real `corsheaders.middleware.CorsMiddleware` and through our `respond`, and
the CORS headers and preflight status must be equal header by header. The library's own
system checks (`run_checks`) must name the same `corsheaders.E0xx` ids as our
`library_checks`.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from corslint.extractors.context import ProjectContext
from corslint.extractors.django.extractor import extract
from corslint.frameworks.django_cors import (
    CURRENT_MAJOR,
    RECEIVER_OPTION,
    REMOVED_SETTINGS,
    SET_DISPLAY,
    VERSION_OPTION,
    host_only,
    library_checks,
    major,
    respond,
)
from corslint.http import Request
from corslint.model import CorsPolicy, Regex
from tests.conftest import FIXTURES, run_lint
from tests.django_setup import configure_django
from tests.probe_battery import battery, cors_headers

# The real libraries are test dependencies (django==5.2.19, django-cors-headers==4.9.0).
django = pytest.importorskip("django")
pytest.importorskip("corsheaders")

configure_django(__name__)

from corsheaders.middleware import CorsMiddleware  # noqa: E402
from django.core.checks import run_checks  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.test import RequestFactory, override_settings  # noqa: E402

urlpatterns: list[object] = []
VIEW_BODY = b"from the view"
_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE, "a": re.ASCII}


def _real(raw: Any) -> Any:
    if isinstance(raw, Regex):
        flags = 0
        for letter in raw.flags:
            flags |= _FLAGS[letter]
        return re.compile(raw.pattern, flags)
    if isinstance(raw, tuple):
        return tuple(_real(item) for item in raw)
    return raw


def django_settings(policy: CorsPolicy) -> dict[str, Any] | None:
    """The settings the policy stands for, or None when a value is unresolved."""
    if any(not value.known for value in policy.options.values()):
        return None
    try:
        return {
            name: set(_real(value.plain())) if value.description == SET_DISPLAY else _real(value.plain())
            for name, value in policy.options.items()
            if name != VERSION_OPTION
        }
    except Exception:
        return None


def view(request: HttpRequest) -> HttpResponse:
    return HttpResponse(VIEW_BODY)


MIDDLEWARE = CorsMiddleware(view)
FACTORY = RequestFactory()


def send(request: Request) -> HttpResponse:
    meta: dict[str, str] = {}
    if request.origin is not None:
        meta["HTTP_ORIGIN"] = request.origin
    for name, value in request.headers:
        meta["HTTP_" + name.upper().replace("-", "_")] = value
    django_request = FACTORY.generic(request.method, request.path, **meta)  # type: ignore[arg-type]
    response = MIDDLEWARE(django_request)
    assert isinstance(response, HttpResponse)
    return response


def compare(policy: CorsPolicy) -> int:
    """Replay the battery; returns the number of requests compared."""
    values = django_settings(policy)
    assert values is not None
    methods = tuple(m for route in policy.routes or () for m in route.methods)
    requests = battery(policy, methods)
    # paths outside CORS_URLS_REGEX must get nothing at all
    requests += [
        Request("GET", "https://attacker.invalid", path="/api/%7Euser/?next=/x#frag"),
        Request(
            "options", "https://attacker.invalid", (("access-control-request-method", "PUT"),), path="/api/"
        ),
        Request("OPTIONS", None, (("access-control-request-method", "PUT"),), path="/api/"),
        Request("GET", "", path="/api/"),
        Request("GET", "http://[broken", path="/api/"),
        Request("GET", "https://attacker.invalid", path="/outside/"),
        Request("OPTIONS", "null", (("access-control-request-method", "PUT"),), path="/"),
    ]
    with override_settings(**values):
        for request in requests:
            try:
                real = send(request)
            except Exception:  # the library crashes on this request: so must the model
                with pytest.raises((TypeError, ValueError, re.error)):
                    respond(policy, request)
                continue
            ours = respond(policy, request)
            real_headers = cors_headers(list(real.items()))
            assert cors_headers(list(ours.headers)) == real_headers, request
            if ours.status is None:
                assert real.content == VIEW_BODY, request
            else:
                assert real.status_code == ours.status and real.content != VIEW_BODY, request
    return len(requests)


def compare_checks(policy: CorsPolicy) -> None:
    values = django_settings(policy)
    assert values is not None
    with override_settings(**values):
        real = Counter(message.id for message in run_checks() if str(message.id).startswith("corsheaders."))
    ours = Counter(check.code for check in library_checks(policy))
    origins = policy.option("CORS_ALLOWED_ORIGINS") or policy.option("CORS_ORIGIN_WHITELIST")
    if origins is not None and isinstance(origins.raw, str) and origins.raw:
        # a bare string: the library reports each character; we report the string once
        assert set(real) == set(ours)
    else:
        assert real == ours


def fixture_policies() -> list[tuple[str, CorsPolicy]]:
    found: list[tuple[str, CorsPolicy]] = []
    for project in sorted((FIXTURES / "django").iterdir()):
        if not project.is_dir():
            continue
        # linted from inside the project, as the fixture runner does (tests/ paths look dev-only)
        here = os.getcwd()
        os.chdir(project)
        try:
            policies = run_lint(Path(".")).policies
        finally:
            os.chdir(here)
        # a pinned 2.x (host-only allow-list) is not what the installed 4.x middleware does
        found.extend(
            (f"{project.name}:{p.label}", p)
            for p in policies
            # a receiver's policy needs the receiver connected: test_differential_django_receivers
            if p.framework == "django"
            and not host_only(p)
            and RECEIVER_OPTION not in p.options
            and not _removed_later(p)  # a 3.x setting the installed 4.x rejects: the pinned checks differ
        )
    return found


def _removed_later(policy: CorsPolicy) -> bool:
    """A setting the pinned release still reads but the installed one rejects (fixture
    django/replace_referer_pinned_3x: test_differential_django_pinned_removed_settings)."""
    pinned = major(policy) or CURRENT_MAJOR
    return any(pinned < since and policy.option(name) is not None for name, _, since in REMOVED_SETTINGS)


FIXTURE_POLICIES = fixture_policies()
JUDGEABLE = [(name, policy) for name, policy in FIXTURE_POLICIES if django_settings(policy) is not None]


def test_every_fixture_yields_policies() -> None:
    assert len({name.split(":")[0] for name, _ in FIXTURE_POLICIES}) >= 15
    assert len(JUDGEABLE) >= 15


@pytest.mark.parametrize(("name", "policy"), JUDGEABLE, ids=[name for name, _ in JUDGEABLE])
def test_fixture_policy_matches_real_middleware(name: str, policy: CorsPolicy) -> None:
    assert compare(policy) > 10
    if not any(e.kind == "checks-disabled" for e in policy.evidence):
        compare_checks(policy)


# Edge cases measured in cors-semantics.md section 3, as settings modules.
SETTINGS_MODULES = {
    "defaults": "MIDDLEWARE = ['corsheaders.middleware.CorsMiddleware']\n",
    "allow-all": "CORS_ALLOW_ALL_ORIGINS = True\n",
    "allow-all-credentials": "CORS_ALLOW_ALL_ORIGINS = True\nCORS_ALLOW_CREDENTIALS = True\n",
    "allow-all-string": "CORS_ALLOW_ALL_ORIGINS = 'False'\n",
    "legacy-allow-all": "CORS_ORIGIN_ALLOW_ALL = True\nCORS_ALLOW_HEADERS = ['*']\n",
    "legacy-shadowed": (
        "CORS_ORIGIN_WHITELIST = ['https://old.example.com']\nCORS_ALLOWED_ORIGINS = ['https://new.example.com']\n"
    ),
    "bare-string": "CORS_ALLOWED_ORIGINS = 'https://a.example.com'\n",
    "null-substring": "CORS_ALLOWED_ORIGINS = 'https://nullable.example.com'\n",
    "star-entry": "CORS_ALLOWED_ORIGINS = ['*']\nCORS_ALLOW_CREDENTIALS = True\n",
    "no-scheme": "CORS_ALLOWED_ORIGINS = ['a.example.com', 'https://b.example.com']\n",
    "path-and-port": (
        "CORS_ALLOWED_ORIGINS = ['https://a.example.com/', 'https://b.example.com/app?x=1#f',"
        " 'https://c.example.com:443', 'HTTPS://D.example.com', 'file://', 'null']\n"
    ),
    "uppercase-host": "CORS_ALLOWED_ORIGINS = ['https://App.Example.com']\n",
    "regex": "CORS_ALLOWED_ORIGIN_REGEXES = [r'^https://.*example\\.com']\nCORS_EXPOSE_HEADERS = ['X-Total']\n",
    "regex-compiled": (
        "import re\nCORS_ORIGIN_REGEX_WHITELIST = [re.compile(r'^https://(app|admin)\\.example\\.com$', re.I)]\n"
    ),
    "urls-regex": "CORS_URLS_REGEX = r'^/api/'\nCORS_ALLOW_ALL_ORIGINS = True\n",
    "urls-regex-anchored": "CORS_URLS_REGEX = r'^/api/~user/$'\nCORS_ALLOWED_ORIGINS = ['https://attacker.invalid']\n",
    "urls-regex-compiled": "import re\nCORS_URLS_REGEX = re.compile(r'^/API/', re.IGNORECASE)\nCORS_ALLOWED_ORIGINS = ['https://a.example.com']\n",
    "max-age-zero": "CORS_ALLOWED_ORIGINS = ['https://a.example.com']\nCORS_PREFLIGHT_MAX_AGE = 0\n",
    "max-age-negative": "CORS_ALLOWED_ORIGINS = ['https://a.example.com']\nCORS_PREFLIGHT_MAX_AGE = -1\n",
    "max-age-string": "CORS_ALLOWED_ORIGINS = ['https://a.example.com']\nCORS_PREFLIGHT_MAX_AGE = '600'\n",
    "strings-everywhere": (
        "CORS_ALLOWED_ORIGINS = ['https://a.example.com']\nCORS_ALLOW_HEADERS = 'x-custom'\n"
        "CORS_ALLOW_METHODS = 'GET'\nCORS_EXPOSE_HEADERS = 'X-Total'\nCORS_ALLOW_CREDENTIALS = 'yes'\n"
    ),
    "wrong-types": (
        "CORS_ALLOWED_ORIGINS = ['https://a.example.com', 3]\nCORS_ALLOW_HEADERS = [1]\nCORS_ALLOW_METHODS = ['GET', None]\n"
        "CORS_EXPOSE_HEADERS = [2]\nCORS_ALLOW_PRIVATE_NETWORK = 1\nCORS_ALLOWED_ORIGIN_REGEXES = [4]\n"
    ),
    "removed-settings": "CORS_MODEL = 'x.Model'\nCORS_REPLACE_HTTPS_REFERER = True\nCORS_ALLOWED_ORIGINS = []\n",
    "origins-set": "CORS_ALLOWED_ORIGINS = {'https://a.example.com'}\nCORS_EXPOSE_HEADERS = {'X-Total'}\n",
    "debug-branch": (
        "import os\nDEBUG = os.getenv('DEBUG', '') == '1'\nif DEBUG:\n    CORS_ALLOW_ALL_ORIGINS = True\n"
        "else:\n    CORS_ALLOWED_ORIGINS = ['https://a.example.com']\n"
    ),
    "private-network": (
        "CORS_ALLOWED_ORIGINS = ['https://a.example.com']\nCORS_ALLOW_PRIVATE_NETWORK = True\n"
        "CORS_ALLOW_METHODS = ['GET', 'put']\nCORS_ALLOW_HEADERS = ['*']\n"
    ),
}


def settings_policy(tmp_path: Path, source: str) -> CorsPolicy:
    # a module of CORS_* names alone is Django's only when the project says so
    (tmp_path / "requirements.txt").write_text("Django>=5\ndjango-cors-headers==4.9.0\n", "utf-8")
    path = tmp_path / "settings.py"
    path.write_text(source, "utf-8")
    extraction = extract(str(path), source, ProjectContext())
    (policy,) = extraction.policies
    return policy


@pytest.mark.parametrize("name", sorted(SETTINGS_MODULES))
def test_edge_case_matches_real_middleware(name: str, tmp_path: Path) -> None:
    policy = settings_policy(tmp_path, SETTINGS_MODULES[name])
    assert compare(policy) > 5
    compare_checks(policy)


def test_private_network_probe(tmp_path: Path) -> None:
    policy = settings_policy(tmp_path, SETTINGS_MODULES["private-network"])
    request = Request(
        "OPTIONS",
        "https://a.example.com",
        (("access-control-request-method", "GET"), ("access-control-request-private-network", "true")),
    )
    with override_settings(**(django_settings(policy) or {})):
        real = send(request)
    assert cors_headers(list(respond(policy, request).headers)) == cors_headers(list(real.items()))
    assert real["access-control-allow-private-network"] == "true"


# Names real projects write for django-cors-headers that it never reads (CORS307): set to
# the most permissive value, the middleware answers as if they were absent.
IGNORED_NAMES = {
    "CORS_ALLOWED_ORIGIN": ["https://attacker.invalid"],
    "CORS_ALLOW_ORIGINS": ["https://attacker.invalid"],
    "CORS_ORIGINS": ["https://attacker.invalid"],
    "CORS_WHITELIST": ["https://attacker.invalid"],
    "CORS_TRUSTED_ORIGINS": ["https://attacker.invalid"],
    "CORS_ORIGIN_ALLOWLIST": ["https://attacker.invalid"],
    "CORS_ALLOW_ALL": True,
    "CORS_ALLOWED_ORIGINS_ALL": True,
    "CORS_SUPPORTS_CREDENTIALS": True,
    "CORS_HEADERS": ["x-custom"],
    "CORS_METHODS": ["PURGE"],
    "CORS_MAX_AGE": 5,
}


@pytest.mark.parametrize("name", sorted(IGNORED_NAMES))
def test_misnamed_settings_are_ignored_by_the_real_middleware(name: str) -> None:
    from corslint.extractors.django.setting_names import MISNAMED, OTHER_NAMES

    assert name in MISNAMED or name in OTHER_NAMES or name in {"CORS_ALLOWED_ORIGIN", "CORS_ALLOW_ORIGINS"}
    base = {"CORS_ALLOWED_ORIGINS": ["https://a.example.com"]}
    requests = [
        Request("GET", "https://attacker.invalid"),
        Request("GET", "https://a.example.com"),
        Request(
            "OPTIONS",
            "https://a.example.com",
            (("access-control-request-method", "PURGE"), ("access-control-request-headers", "x-custom")),
        ),
    ]
    with override_settings(**base):
        without = [cors_headers(list(send(request).items())) for request in requests]
    with override_settings(**base, **{name: IGNORED_NAMES[name]}):
        with_name = [cors_headers(list(send(request).items())) for request in requests]
    assert with_name == without


def test_middleware_inserted_by_index_matches_order_verdict(tmp_path: Path) -> None:
    """`MIDDLEWARE.insert(MIDDLEWARE.index(COMMON), CORS)` puts CorsMiddleware right above
    CommonMiddleware: a slash redirect then carries CORS headers, as the verdict says."""
    (tmp_path / "requirements.txt").write_text("Django>=5\ndjango-cors-headers==4.9.0\n", "utf-8")
    source = (
        "INSTALLED_APPS = ['corsheaders']\n"
        "MIDDLEWARE = ['django.middleware.common.CommonMiddleware']\n"
        "MIDDLEWARE.insert(MIDDLEWARE.index('django.middleware.common.CommonMiddleware'), "
        "'corsheaders.middleware.CorsMiddleware')\n"
        "CORS_ALLOWED_ORIGINS = ['https://a.example.com']\n"
    )
    path = tmp_path / "settings.py"
    path.write_text(source, "utf-8")
    (policy,) = extract(str(path), source, ProjectContext()).policies
    assert not [e for e in policy.evidence if e.kind in {"misordered", "not-applied"}]
    from django.middleware.common import CommonMiddleware
    from django.urls import clear_url_caches
    from django.urls import path as route

    def routed(request: HttpRequest) -> HttpResponse:  # Django answers 404 before the redirect
        return view(request) if request.path.endswith("/") else HttpResponse(status=404)

    def stack(order: list[str]) -> HttpResponse:
        handler = routed
        for name in reversed(order):
            handler = (CorsMiddleware if name.startswith("corsheaders") else CommonMiddleware)(handler)
        request = FACTORY.get("/items", HTTP_ORIGIN="https://a.example.com")
        response = handler(request)
        assert isinstance(response, HttpResponse)
        return response

    with override_settings(
        CORS_ALLOWED_ORIGINS=["https://a.example.com"], APPEND_SLASH=True, ROOT_URLCONF=__name__
    ):
        urlpatterns[:] = [route("items/", view)]
        clear_url_caches()
        try:
            order = ["corsheaders.middleware.CorsMiddleware", "django.middleware.common.CommonMiddleware"]
            above = stack(order)
            below = stack(list(reversed(order)))
        finally:
            urlpatterns[:] = []
            clear_url_caches()
    assert above.status_code == below.status_code == 301
    assert above["access-control-allow-origin"] == "https://a.example.com"
    assert "access-control-allow-origin" not in below
