"""The django-cors-headers model, the settings extractor and the resolver pieces it uses."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from corslint.extractors.context import ProjectContext
from corslint.extractors.django.extractor import extract
from corslint.extractors.python import PythonModule, PythonProject
from corslint.frameworks.django_cors import library_checks, respond
from corslint.http import Request
from corslint.model import CorsPolicy, Provenance, UnresolvedValueError

UNSET = "CORSLINT_TEST_UNSET_VARIABLE"


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # relative paths, as the engine passes them (a tmp path is named for tests, hence dev-like)
    monkeypatch.chdir(tmp_path)


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")


def policies(root: Path, name: str, context: ProjectContext | None = None) -> tuple[CorsPolicy, ...]:
    text = (root / name).read_text("utf-8")
    return extract(name, text, context or ProjectContext()).policies


def one(source: str, tmp_path: Path) -> CorsPolicy:
    write(tmp_path, {"settings.py": source})
    (policy,) = policies(tmp_path, "settings.py")
    return policy


def plain(policy: CorsPolicy, name: str) -> Any:
    value = policy.option(name)
    assert value is not None
    return value.plain()


# -- environment helpers, judged against the real libraries -----------------------------

ENVIRON_CASES = [
    f'env.list("{UNSET}", default="https://a.example")',
    f'env.list("{UNSET}", default=["https://a.example", "https://b.example"])',
    f'env.bool("{UNSET}", default="False")',
    f'env.bool("{UNSET}", default=True)',
    f'env.int("{UNSET}", default=600)',
    f'env("{UNSET}", default="https://a.example")',
    f'env.str("{UNSET}", "x")',
    f'env.tuple("{UNSET}", default=("a",))',
]


@pytest.mark.parametrize("expression", ENVIRON_CASES)
def test_django_environ_default_is_returned_as_real_library_does(
    expression: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    environ = pytest.importorskip("environ")
    monkeypatch.delenv(UNSET, raising=False)
    env = environ.Env()
    expected = eval(expression, {"env": env})  # our own test expression, not linted code
    source = f"import environ\n\nenv = environ.Env()\nVALUE = {expression}\n"
    module = PythonModule(str(tmp_path / "settings.py"), source, PythonProject())
    value = module.resolve_name("VALUE")
    assert value is not None and value.provenance is Provenance.ENV_DEFAULT
    assert value.env_var == UNSET
    resolved = value.plain()
    assert (list(resolved) if isinstance(resolved, tuple) else resolved) == (
        list(expected) if isinstance(expected, tuple) else expected
    )


def test_django_environ_scheme_default(tmp_path: Path) -> None:
    source = f'import environ\n\nenv = environ.Env({UNSET}=(list, ["https://a.example"]))\nVALUE = env("{UNSET}")\n'
    module = PythonModule(str(tmp_path / "s.py"), source, PythonProject())
    value = module.resolve_name("VALUE")
    assert value is not None and value.plain() == ("https://a.example",)


def test_django_environ_without_default_is_unknown(tmp_path: Path) -> None:
    source = 'import environ\n\nenv = environ.Env()\nVALUE = env.list("ORIGINS")\nPROXY = env("X", default="$OTHER")\n'
    module = PythonModule(str(tmp_path / "s.py"), source, PythonProject())
    for name in ("VALUE", "PROXY"):
        value = module.resolve_name(name)
        assert value is not None and not value.known


DECOUPLE_CASES = [
    f'config("{UNSET}", default="https://a.example, https://b.example", cast=Csv())',
    f'config("{UNSET}", default="a,,b", cast=Csv(post_process=tuple))',
    f'config("{UNSET}", default="", cast=Csv())',
    f'config("{UNSET}", default=None, cast=Csv())',
    f'config("{UNSET}", default="off", cast=bool)',
    f'config("{UNSET}", default=True, cast=bool)',
    f'config("{UNSET}", default="", cast=bool)',
    f'config("{UNSET}", default="3600", cast=int)',
    f'config("{UNSET}", default="https://a.example")',
    # a lambda cast is applied to the default too (decouple's Config.get)
    f'config("{UNSET}", default="http://localhost:3000, https://a.example", '
    "cast=lambda v: [s.strip() for s in v.split(',')])",
    f'config("{UNSET}", default="a b", cast=lambda v: v.split())',
]


@pytest.mark.parametrize("expression", DECOUPLE_CASES)
def test_python_decouple_default_is_cast_as_real_library_does(
    expression: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    decouple = pytest.importorskip("decouple")
    monkeypatch.delenv(UNSET, raising=False)
    monkeypatch.chdir(tmp_path)  # no .env / settings.ini around
    real_config = decouple.Config(decouple.RepositoryEmpty())
    expected = eval(expression, {"config": real_config, "Csv": decouple.Csv})
    source = f"from decouple import Csv, config\n\nVALUE = {expression}\n"
    module = PythonModule(str(tmp_path / "settings.py"), source, PythonProject())
    value = module.resolve_name("VALUE")
    assert value is not None and value.known, value
    resolved = value.plain()
    assert resolved == (tuple(expected) if isinstance(expected, list) else expected)


def test_decouple_unknown_cast_is_unknown(tmp_path: Path) -> None:
    source = 'from decouple import config\n\nVALUE = config("X", default="a", cast=lambda v: v.title())\n'
    module = PythonModule(str(tmp_path / "s.py"), source, PythonProject())
    value = module.resolve_name("VALUE")
    assert value is not None and not value.known


# -- generic resolver additions -------------------------------------------------------


def test_star_import_resolution_and_local_override(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/base.py": 'ORIGINS = ["https://a.example"]\nOTHER = 1\n_PRIVATE = 2\n',
            "pkg/prod.py": "from .base import *\n\nOTHER = 3\nCOPY = ORIGINS\nHIDDEN = _PRIVATE\n",
        },
    )
    project = PythonProject()
    module = project.module_at(tmp_path / "pkg" / "prod.py")
    assert module is not None
    copy = module.resolve_name("COPY")
    assert copy is not None and copy.plain() == ("https://a.example",)
    other = module.resolve_name("OTHER")
    assert other is not None and other.plain() == 3
    hidden = module.resolve_name("HIDDEN")
    assert hidden is not None and not hidden.known  # `import *` skips _private names
    assert module.resolve_name("ORIGINS") is not None


def test_relative_import_of_a_sibling_module(tmp_path: Path) -> None:
    write(
        tmp_path, {"app/__init__.py": "", "app/urls.py": "from . import views\n", "app/views.py": "X = 1\n"}
    )
    module = PythonProject().module_at(tmp_path / "app" / "urls.py")
    assert module is not None and module.imports["views"] == ".views"


# -- the extractor: split settings ----------------------------------------------------

BASE = """
INSTALLED_APPS = ["django.contrib.auth", "corsheaders"]
MIDDLEWARE = ["corsheaders.middleware.CorsMiddleware", "django.middleware.common.CommonMiddleware"]
CORS_ALLOWED_ORIGINS = ["https://a.example"]
"""


def test_leaves_get_the_policy_and_the_base_does_not(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "config/__init__.py": "",
            "config/settings/__init__.py": "",
            "config/settings/base.py": BASE,
            "config/settings/production.py": "from .base import *\nDEBUG = False\n",
            "config/settings/local.py": 'from .base import *\nDEBUG = True\nCORS_ALLOWED_ORIGINS = ["http://localhost:3000"]\n',
        },
    )
    context = ProjectContext()
    from_base = policies(tmp_path, "config/settings/base.py", context)
    # production.py holds no CORS text, so the engine never reads it: base.py reports it
    assert [p.label for p in from_base] == ["settings module config.settings.production"]
    assert plain(from_base[0], "CORS_ALLOWED_ORIGINS") == ("https://a.example",)
    assert not from_base[0].development_only
    (local,) = policies(tmp_path, "config/settings/local.py", context)
    assert local.label == "settings module config.settings.local"
    assert plain(local, "CORS_ALLOWED_ORIGINS") == ("http://localhost:3000",)
    assert local.development_only


def test_sequential_evaluation(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "s/__init__.py": "",
            "s/base.py": BASE.replace('"corsheaders.middleware.CorsMiddleware", ', ""),
            "s/prod.py": (
                "from .base import *\n"
                "import os\n"
                'MIDDLEWARE.insert(0, "corsheaders.middleware.CorsMiddleware")\n'
                'CORS_ALLOWED_ORIGINS += ["https://b.example"]\n'
                'DEBUG = os.getenv("DEBUG", "") == "1"\n'
                "if DEBUG:\n"
                "    CORS_ALLOW_ALL_ORIGINS = True\n"
                "else:\n"
                "    CORS_ALLOW_CREDENTIALS = True\n"
                "try:\n"
                "    from .local_overrides import *\n"
                "except ImportError:\n"
                "    pass\n"
            ),
        },
    )
    (policy,) = policies(tmp_path, "s/prod.py")
    assert plain(policy, "CORS_ALLOWED_ORIGINS") == ("https://a.example", "https://b.example")
    assert policy.option("CORS_ALLOW_ALL_ORIGINS") is None
    assert plain(policy, "CORS_ALLOW_CREDENTIALS") is True
    assert not [e for e in policy.evidence if e.kind in {"not-applied", "misordered"}]


def test_undecidable_branch_is_unknown(tmp_path: Path) -> None:
    policy = one(BASE + "if some_function():\n    CORS_ALLOW_ALL_ORIGINS = True\n", tmp_path)
    value = policy.option("CORS_ALLOW_ALL_ORIGINS")
    assert value is not None and not value.known
    with pytest.raises(UnresolvedValueError):
        respond(policy, Request("GET", "https://a.example"))


def test_wiring_evidence(tmp_path: Path) -> None:
    misordered = one(
        'INSTALLED_APPS = ["django.contrib.auth"]\n'
        'MIDDLEWARE = ["django.middleware.common.CommonMiddleware", "corsheaders.middleware.CorsMiddleware"]\n'
        'CORS_ORIGIN_WHITELIST = ["https://a.example"]\n'
        'CORS_ALLOWED_ORIGINS = ["https://b.example"]\n'
        'CORS_ALLOWED_ORIGIN = ["https://c.example"]\n',
        tmp_path,
    )
    kinds = sorted(e.kind for e in misordered.evidence)
    assert kinds == ["checks-disabled", "deprecated-option", "misordered", "unknown-option"]
    deprecated = next(e for e in misordered.evidence if e.kind == "deprecated-option")
    assert "ignored" in deprecated.detail and deprecated.location.line == 3
    assert library_checks(misordered) == ()  # corsheaders not installed: no system checks


def test_non_django_module_is_ignored(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "app/settings.py": (
                "from fastapi import FastAPI\n\nCORS_ALLOWED_ORIGINS = ['https://a.example']\napp = FastAPI()\n"
            ),
            "other.py": "CORS_ALLOW_ALL_ORIGINS = True\n",
        },
    )
    assert policies(tmp_path, "app/settings.py") == ()
    assert policies(tmp_path, "other.py") == ()


def test_library_defaults_imported_from_corsheaders(tmp_path: Path) -> None:
    policy = one(
        BASE + "from corsheaders.defaults import default_headers\n"
        'CORS_ALLOW_HEADERS = (*default_headers, "x-tenant")\n',
        tmp_path,
    )
    assert plain(policy, "CORS_ALLOW_HEADERS")[-2:] == ("x-requested-with", "x-tenant")


def test_urls_regex_gives_scope_and_probe_path(tmp_path: Path) -> None:
    policy = one(BASE + 'CORS_URLS_REGEX = r"^/api/v[0-9]+/.*$"\n', tmp_path)
    assert policy.probe_path == "/api/v0/"
    assert policy.scope == "paths matching `^/api/v[0-9]+/.*$`"
    assert (
        respond(policy, Request("GET", "https://a.example", path=policy.probe_path)).get(
            "access-control-allow-origin"
        )
        == "https://a.example"
    )
    assert respond(policy, Request("GET", "https://a.example", path="/admin/")).headers == ()


def test_routes_from_urlpatterns_and_views(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "proj/__init__.py": "",
            "proj/settings.py": BASE + 'ROOT_URLCONF = "proj.urls"\n',
            "proj/urls.py": (
                "from django.urls import include, path\nfrom rest_framework.routers import DefaultRouter\n"
                "from proj import views\n\nrouter = DefaultRouter()\nrouter.register('items', views.ItemViewSet)\n"
                "urlpatterns = [\n    path('a/', views.a),\n    path('b/', views.B.as_view()),\n"
                "    path('api/', include(router.urls)),\n    path('c/', views.c),\n]\n"
            ),
            "proj/views.py": (
                "from django.views.decorators.http import require_http_methods\nfrom rest_framework import viewsets\n"
                "from rest_framework.decorators import action, api_view\n\n"
                "@require_http_methods(['GET', 'PUT'])\ndef a(request): ...\n\n"
                "class B:\n    def get(self, request): ...\n    def delete(self, request): ...\n\n"
                "class ItemViewSet(viewsets.ReadOnlyModelViewSet):\n"
                "    @action(detail=True, methods=['patch'])\n    def touch(self, request, pk=None): ...\n\n"
                "def c(request): ...\n"
            ),
        },
    )
    (policy,) = policies(tmp_path, "proj/settings.py")
    assert policy.routes is not None
    assert {route.path: route.methods for route in policy.routes} == {
        "/a/": ("GET", "PUT"),
        "/b/": ("GET", "DELETE"),
        "/api/items": ("GET", "PATCH"),
    }


# -- the model, on the measured quirks ----------------------------------------------


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("https://a.example", True),
        ("HTTPS://a.example", True),  # scheme compared after urlsplit lower-cases it
        ("https://A.EXAMPLE", False),  # host compared case-sensitively
        ("https://a.example:443", False),
        ("null", False),
    ],
)
def test_origin_comparison(origin: str, allowed: bool, tmp_path: Path) -> None:
    policy = one(BASE.replace("https://a.example", "https://a.example/app"), tmp_path)
    response = respond(policy, Request("GET", origin))
    assert (response.get("access-control-allow-origin") == origin) is allowed
    assert response.get("vary") == "origin"


def test_bare_string_admits_null_and_is_one_check(tmp_path: Path) -> None:
    policy = one(BASE.replace('["https://a.example"]', '"https://a.example"'), tmp_path)
    assert respond(policy, Request("GET", "null")).get("access-control-allow-origin") == "null"
    assert respond(policy, Request("GET", "https://a.example")).get("access-control-allow-origin") is None
    assert [check.code for check in library_checks(policy)] == ["corsheaders.E013"]


def test_preflight_is_answered_for_disallowed_origins(tmp_path: Path) -> None:
    policy = one(BASE, tmp_path)
    preflight = Request("OPTIONS", "https://evil.example", (("access-control-request-method", "PUT"),))
    response = respond(policy, preflight)
    assert response.status == 200 and response.headers == (("vary", "origin"),)


def test_environment_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(os.environ, "CORS_ORIGINS", "https://from-env.example")
    policy = one(
        BASE + 'import os\nCORS_ALLOWED_ORIGINS = os.getenv("CORS_ORIGINS", "").split(",")\n', tmp_path
    )
    value = policy.option("CORS_ALLOWED_ORIGINS")
    assert value is not None and value.plain() == ("",) and value.condition == "when CORS_ORIGINS is unset"


def test_django_split_settings_include(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "site/settings/__init__.py": (
                "from split_settings.tools import include, optional\n"
                "ENV = 'prod'\n"
                "include('components/*.py', 'env/{0}.py'.format(ENV), optional('env/local.py'))\n"
            ),
            "site/settings/components/a_common.py": BASE.replace(
                '"corsheaders.middleware.CorsMiddleware", ', ""
            ),
            "site/settings/components/b_cors.py": (
                'MIDDLEWARE = ["corsheaders.middleware.CorsMiddleware", *MIDDLEWARE]\n'
                'CORS_ALLOWED_ORIGINS = ["https://b.example"]\n'
            ),
            "site/settings/env/prod.py": "CORS_ALLOW_CREDENTIALS = True\n",
            "site/settings/env/local.py": "CORS_ALLOW_ALL_ORIGINS = True\n",
        },
    )
    context = ProjectContext()
    (policy,) = policies(tmp_path, "site/settings/components/a_common.py", context)
    assert policy.location.path == "site/settings/__init__.py"
    assert plain(policy, "CORS_ALLOWED_ORIGINS") == ("https://b.example",)
    assert plain(policy, "CORS_ALLOW_CREDENTIALS") is True
    assert policy.option("CORS_ALLOW_ALL_ORIGINS") is None  # optional local overrides are skipped
    assert not policy.evidence
    # the other component and the environment file are reported through the same leaf, once
    assert policies(tmp_path, "site/settings/components/b_cors.py", context) == ()
    assert policies(tmp_path, "site/settings/env/prod.py", context) == ()


def test_fragment_without_apps_has_no_wiring_evidence(tmp_path: Path) -> None:
    # CORS_* names alone say nothing about the framework: the project's manifest does
    write(tmp_path, {"requirements.txt": "Django>=5\ndjango-cors-headers==4.9.0\n"})
    policy = one('CORS_ALLOWED_ORIGINS = ["https://a.example"]\n', tmp_path)
    assert policy.evidence == ()


def test_one_line_branches_and_bearer_evidence(tmp_path: Path) -> None:
    policy = one(
        BASE + "DEBUG = False\nif not DEBUG: CORS_ALLOW_CREDENTIALS = True\n"
        'REST_FRAMEWORK = {"DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.TokenAuthentication"]}\n',
        tmp_path,
    )
    assert plain(policy, "CORS_ALLOW_CREDENTIALS") is True
    assert [e.kind for e in policy.evidence] == ["bearer-auth"]


def test_same_module_name_in_two_projects_is_two_pipelines(tmp_path: Path) -> None:
    write(tmp_path, {"one/mysite/settings.py": BASE, "two/mysite/settings.py": BASE})
    context = ProjectContext()
    (first,) = policies(tmp_path, "one/mysite/settings.py", context)
    (second,) = policies(tmp_path, "two/mysite/settings.py", context)
    assert first.label == second.label and first.app != second.app


@pytest.mark.parametrize(
    "expression",
    [
        'list(filter(None, os.getenv("X", "https://a.example,,").split(",")))',
        '[o.strip() for o in os.getenv("X", "https://a.example, ").split(",") if o.strip()]',
    ],
)
def test_empty_entries_filtered(expression: str, tmp_path: Path) -> None:
    policy = one(BASE + f"import os\nCORS_ALLOWED_ORIGINS = {expression}\n", tmp_path)
    assert plain(policy, "CORS_ALLOWED_ORIGINS") == ("https://a.example",)


def test_signal_receivers_are_reported_as_unchecked(tmp_path: Path) -> None:
    source = (
        "from corsheaders.signals import check_request_enabled\n"
        "from django.dispatch import receiver\n\n\n"
        "@receiver(check_request_enabled)\n"
        "def allow_partners(sender, request, **kwargs):\n"
        "    return request.headers.get('origin') in partner_sites()\n"
    )
    write(tmp_path, {"app/handlers.py": source})
    extraction = extract("app/handlers.py", source, ProjectContext())
    assert extraction.policies == ()
    assert [(d.rule_id, d.location.line) for d in extraction.diagnostics] == [("CORS305", 5)]


@pytest.mark.parametrize(
    ("guard", "expected"),
    [
        ("if DEBUG:\n    CORS_ALLOWED_ORIGINS += ['http://localhost:3000']\n", ("https://a.example",)),
        (
            "if not DEBUG:\n    CORS_ALLOWED_ORIGINS = ['https://b.example']\n"
            "else:\n    CORS_ALLOW_ALL_ORIGINS = True\n",
            ("https://b.example",),
        ),
    ],
)
def test_undecidable_debug_switch_judges_production(
    guard: str, expected: tuple[str, ...], tmp_path: Path
) -> None:
    policy = one(BASE + "import os\nDEBUG = os.environ['DEBUG'] == '1'\n" + guard, tmp_path)
    assert plain(policy, "CORS_ALLOWED_ORIGINS") == expected
    assert policy.option("CORS_ALLOW_ALL_ORIGINS") is None


@pytest.mark.parametrize(
    ("urls", "flagged"),
    [
        ("urlpatterns = [path('v1/items/', views.items)]\n", True),
        ("urlpatterns = [path('api/items/', views.items)]\n", False),
        ("urlpatterns = [path('v1/items/', views.items)] + extra_patterns()\n", False),  # not fully known
        ("urlpatterns = [path('v1/', include(other_urls))]\n", False),
    ],
)
def test_urls_regex_against_url_patterns(urls: str, flagged: bool, tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "proj/__init__.py": "",
            "proj/settings.py": BASE + 'ROOT_URLCONF = "proj.urls"\nCORS_URLS_REGEX = r"^/api/"\n',
            "proj/urls.py": "from django.urls import include, path\nfrom proj import views\n\n" + urls,
            "proj/views.py": "def items(request): ...\n",
        },
    )
    (policy,) = policies(tmp_path, "proj/settings.py")
    assert any("matches none" in e.detail for e in policy.evidence) is flagged
    assert policy.routes is None  # the view shows no methods


def test_allow_list_beside_allow_all_has_no_effect(tmp_path: Path) -> None:
    policy = one(BASE + "CORS_ORIGIN_ALLOW_ALL = True\n", tmp_path)
    (evidence,) = [e for e in policy.evidence if e.kind == "not-applied"]
    assert "`CORS_ALLOWED_ORIGINS` has no effect: `CORS_ORIGIN_ALLOW_ALL` is on" in evidence.detail


def test_json_list_from_the_environment(tmp_path: Path) -> None:
    policy = one(
        BASE + "import json, os\n"
        "CORS_ALLOWED_ORIGINS = json.loads(os.getenv('CORS_ORIGINS', '[\"https://b.example\", \"null\"]'))\n",
        tmp_path,
    )
    value = policy.option("CORS_ALLOWED_ORIGINS")
    assert value is not None and value.plain() == ("https://b.example", "null")
    assert value.condition == "when CORS_ORIGINS is unset"


def test_settings_bound_in_a_with_block_are_known_and_in_a_loop_unknown(tmp_path: Path) -> None:
    source = BASE + (
        "import contextlib\n"
        "with contextlib.suppress(ImportError):\n"
        '    CORS_ALLOWED_ORIGINS = ["https://a.example.com"]\n'
        "for _ in range(1):\n"
        "    CORS_ALLOW_CREDENTIALS = True\n"
    )
    policy = one(source, tmp_path)
    origins = policy.option("CORS_ALLOWED_ORIGINS")
    assert origins is not None and origins.plain() == ("https://a.example.com",)
    credentials = policy.option("CORS_ALLOW_CREDENTIALS")
    assert credentials is not None and not credentials.known


# -- django-cors-headers before 3.0 (read from 2.3.0's middleware: `url.netloc in whitelist`)

HOST_WHITELIST = (
    "MIDDLEWARE = ['corsheaders.middleware.CorsMiddleware']\n"
    "CORS_ORIGIN_WHITELIST = ('localhost:4200', '127.0.0.1', 'https://a.example')\n"
    "CORS_ALLOWED_ORIGINS = ['https://new-name.example']\n"
)


@pytest.mark.parametrize(
    ("pin", "origin", "allowed"),
    [
        ("django-cors-headers==2.3.0", "http://localhost:4200", True),
        ("django-cors-headers==2.3.0", "https://localhost:4200", True),  # any scheme
        ("django-cors-headers==2.3.0", "http://127.0.0.1", True),
        ("django-cors-headers==2.3.0", "http://127.0.0.1:8000", False),
        ("django-cors-headers==2.3.0", "null", False),  # netloc '' is not listed
        ("django-cors-headers==2.3.0", "https://a.example", False),  # a scheme never matches
        ("django-cors-headers==2.3.0", "https://new-name.example", False),  # name not read
        ("django-cors-headers>=2.1,<3", "http://localhost:4200", True),
        ("django-cors-headers==3.14.0", "http://localhost:4200", False),
        ("django-cors-headers==3.14.0", "https://new-name.example", True),
    ],
)
def test_pinned_major_decides_how_entries_match(pin: str, origin: str, allowed: bool, tmp_path: Path) -> None:
    write(tmp_path, {"requirements.txt": f"Django==1.11.29\n{pin}\n", "settings.py": HOST_WHITELIST})
    (policy,) = policies(tmp_path, "settings.py")
    response = respond(policy, Request("GET", origin))
    assert (response.get("access-control-allow-origin") == origin) is allowed


def test_pinned_2x_runs_no_origin_checks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    codes = []
    for pin in ("2.5.3", "4.9.0"):  # a folder each: manifests are read once per folder
        settings = HOST_WHITELIST.replace("CORS_ALLOWED_ORIGINS", "OTHER_ORIGINS")
        write(tmp_path / pin, {"requirements.txt": f"django-cors-headers=={pin}\n", "settings.py": settings})
        monkeypatch.chdir(tmp_path / pin)
        (policy,) = policies(tmp_path / pin, "settings.py")
        codes.append([check.code for check in library_checks(policy)])
    assert codes == [[], ["corsheaders.E013"] * 2]
