"""Django settings as real projects lay them out: which modules are django-cors-headers
settings at all, which are entry points, and how the middleware list and DEBUG blocks
are followed."""

from __future__ import annotations

from pathlib import Path

import pytest

from corslint.extractors.context import ProjectContext
from corslint.extractors.django.extractor import extract
from corslint.model import CorsPolicy, Extraction

DJANGO = "Django>=5\ndjango-cors-headers==4.9.0\n"
WIRED = (
    'INSTALLED_APPS = ["django.contrib.auth", "corsheaders"]\n'
    'MIDDLEWARE = ["corsheaders.middleware.CorsMiddleware", "django.middleware.common.CommonMiddleware"]\n'
)
MISORDERED = (
    'INSTALLED_APPS = ["django.contrib.auth", "corsheaders"]\n'
    "MIDDLEWARE = [\n"
    '    "django.middleware.security.SecurityMiddleware",\n'
    '    "django.middleware.common.CommonMiddleware",\n'
    '    "corsheaders.middleware.CorsMiddleware",\n'
    "]\n"
    'CORS_ALLOWED_ORIGINS = ["https://a.example"]\n'
)


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()  # the project root: manifests above it do not count


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")


def run(name: str, context: ProjectContext | None = None) -> Extraction:
    return extract(name, Path(name).read_text("utf-8"), context or ProjectContext())


def only(name: str) -> CorsPolicy:
    (policy,) = run(name).policies
    return policy


def kinds(policy: CorsPolicy) -> list[str]:
    return sorted(e.kind for e in policy.evidence)


# -- which framework reads the module -------------------------------------------------


FLASK_SETTINGS = (
    'CORS_ORIGINS = ["https://a.example"]\nCORS_SUPPORTS_CREDENTIALS = True\nCORS_MAX_AGE = 600\n'
)


def test_flask_settings_loaded_with_from_object_are_not_django(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "app/__init__.py": 'from flask import Flask\napp = Flask(__name__)\napp.config.from_object("app.settings")\n',
            "app/settings.py": FLASK_SETTINGS,
        },
    )
    extraction = run("app/settings.py")
    assert extraction.policies == () and extraction.diagnostics == ()


def test_flask_settings_loaded_with_from_pyfile_are_not_django(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "requirements.txt": "Django\nFlask\n",  # both: the loader decides
            "service/factory.py": 'def make(app):\n    app.config.from_pyfile("settings.py")\n',
            "service/settings.py": FLASK_SETTINGS,
        },
    )
    assert run("service/settings.py") == Extraction()


@pytest.mark.parametrize(
    ("manifest", "verdict"),
    [
        ({"pyproject.toml": '[project]\nname = "x"\ndependencies = ["flask-cors"]\n'}, "other"),
        ({"requirements.txt": DJANGO}, "django"),
        ({"requirements.txt": "Django\nFlask\n"}, "unsure"),
        ({"requirements.txt": "requests\n"}, "unsure"),
        # no manifest at all: a name only django-cors-headers reads decides
        ({}, "django"),
    ],
)
def test_cors_names_alone_are_judged_by_the_manifests(
    tmp_path: Path, manifest: dict[str, str], verdict: str
) -> None:
    write(
        tmp_path, {**manifest, "app/settings.py": 'import os\nCORS_ALLOWED_ORIGINS = ["https://a.example"]\n'}
    )
    extraction = run("app/settings.py")
    if verdict == "django":
        assert len(extraction.policies) == 1
    elif verdict == "other":
        assert extraction == Extraction()
    else:
        assert extraction.policies == ()
        (note,) = extraction.diagnostics
        assert note.rule_id == "CORS305" and "cannot tell which library" in note.message
        assert note.location.line == 2


@pytest.mark.parametrize(
    "settings",
    [
        # a Flask-CORS-only name beside a django-cors-headers one: either library could be meant
        'CORS_ORIGINS = ["https://a.example"]\nCORS_ALLOW_CREDENTIALS = True\n',
        # names both libraries read
        'CORS_ALLOW_HEADERS = ["x-token"]\nCORS_EXPOSE_HEADERS = ["x-total"]\n',
    ],
)
def test_without_a_manifest_shared_or_mixed_names_stay_unsure(tmp_path: Path, settings: str) -> None:
    write(tmp_path, {"app/settings.py": settings})
    extraction = run("app/settings.py")
    assert extraction.policies == ()
    assert [note.rule_id for note in extraction.diagnostics] == ["CORS305"]


def test_django_settings_markers_decide_whatever_the_manifests_say(tmp_path: Path) -> None:
    write(
        tmp_path,
        {"requirements.txt": "flask\n", "site/settings.py": WIRED + "CORS_ALLOW_ALL_ORIGINS = True\n"},
    )
    assert len(run("site/settings.py").policies) == 1


def test_a_fragment_star_imported_by_django_settings_is_django(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "requirements.txt": "Django\nFlask\n",
            "proj/__init__.py": "",
            "proj/django/__init__.py": "",
            "proj/django/base.py": WIRED + "from proj.settings.cors import *\n",
            "proj/settings/__init__.py": "",
            "proj/settings/cors.py": "CORS_ALLOW_ALL_ORIGINS = True\n",
        },
    )
    context = ProjectContext()
    assert run("proj/settings/cors.py", context).diagnostics == ()
    # reported once, through the module that includes it (which the engine reads too)
    (policy,) = run("proj/django/base.py", context).policies
    assert policy.label == "settings module proj.django.base"


# -- entry points --------------------------------------------------------------------


def test_a_module_a_launcher_names_is_an_entry_point(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "requirements.txt": DJANGO,
            "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "cfg.settings.base")\n',
            "cfg/__init__.py": "",
            "cfg/wsgi.py": 'import os\nos.environ["DJANGO_SETTINGS_MODULE"] = "cfg.settings.base"\n',
            "cfg/settings/__init__.py": "",
            "cfg/settings/base.py": WIRED + 'CORS_ALLOWED_ORIGINS = ["http://localhost:3000"]\n',
            "cfg/settings/production.py": 'from .base import *\nCORS_ALLOWED_ORIGINS = ["https://a.example"]\n',
        },
    )
    labels = sorted(p.label for p in run("cfg/settings/base.py").policies)
    assert labels == ["settings module cfg.settings.base"]
    assert [p.label for p in run("cfg/settings/production.py").policies] == [
        "settings module cfg.settings.production"
    ]


def test_a_selecting_settings_package_gives_one_policy_per_branch(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "requirements.txt": DJANGO,
            "site/__init__.py": "",
            "site/settings/__init__.py": (
                "import os\nfrom .base import *\n"
                'ENV = os.environ.get("ENV", "production")\n'
                'if ENV == "development":\n    from .development import *\n'
                'elif ENV == "staging":\n    from .staging import *\n'
                "else:\n    from .production import *\n"
            ),
            "site/settings/base.py": WIRED + "CORS_ALLOW_CREDENTIALS = True\n",
            "site/settings/development.py": "CORS_ALLOW_ALL_ORIGINS = True\n",
            "site/settings/staging.py": 'CORS_ALLOWED_ORIGINS = ["https://staging.example"]\n',
            "site/settings/production.py": 'CORS_ALLOWED_ORIGINS = ["https://www.example"]\n',
        },
    )
    context = ProjectContext()
    found = [
        p
        for name in ("base", "development", "staging", "production")
        for p in run(f"site/settings/{name}.py", context).policies
    ]
    by_label = {p.label: p for p in found}
    assert sorted(by_label) == [
        "settings module site.settings (selecting site.settings.development)",
        "settings module site.settings (selecting site.settings.production)",
        "settings module site.settings (selecting site.settings.staging)",
    ]
    development = by_label["settings module site.settings (selecting site.settings.development)"]
    assert development.development_only
    credentials = development.option("CORS_ALLOW_CREDENTIALS")  # inherited through the selector
    assert credentials is not None and credentials.raw is True
    production = by_label["settings module site.settings (selecting site.settings.production)"]
    assert not production.development_only and production.option("CORS_ALLOW_ALL_ORIGINS") is None


def test_a_local_override_does_not_make_the_base_list_ineffective(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "requirements.txt": DJANGO,
            "s/__init__.py": "",
            "s/common.py": WIRED
            + 'CORS_ALLOWED_ORIGINS = ["https://a.example"]\nCORS_ORIGIN_WHITELIST = ["https://b.example"]\n',
            "s/local.py": "from .common import *\nDEBUG = True\nCORS_ALLOW_ALL_ORIGINS = True\n",
            "s/production.py": "from .common import *\n",
        },
    )
    context = ProjectContext()
    (local,) = run("s/local.py", context).policies
    assert "not-applied" not in kinds(local)
    (deprecated,) = [e for e in local.evidence if e.kind == "deprecated-option"]
    assert "ignored here" in deprecated.detail  # both in common.py: ignored wherever it applies


# -- the middleware list, changed after it is written -------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        'MIDDLEWARE.append("x.AuditMiddleware")\n',
        'MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "x.M")\n',
        'if flag("X"):\n    MIDDLEWARE.insert(0, "x.M")\n',
        'if flag("X"):\n    MIDDLEWARE = ["x.Before", *MIDDLEWARE, "x.After"]\n',
        "for plugin in PLUGINS:\n    MIDDLEWARE.extend(plugin.middleware)\n",
        'MIDDLEWARE.insert(position(), "x.M")\n',
        'MIDDLEWARE += ["x.M"]\n',
    ],
)
def test_later_changes_keep_the_order_check(tmp_path: Path, change: str) -> None:
    write(tmp_path, {"requirements.txt": DJANGO, "settings.py": MISORDERED + change})
    assert kinds(only("settings.py")) == ["misordered"]


@pytest.mark.parametrize(
    "change",
    [
        'MIDDLEWARE.insert(position(), "corsheaders.middleware.CorsMiddleware")\n',
        'if flag("X"):\n    MIDDLEWARE.insert(0, "corsheaders.middleware.CorsMiddleware")\n',
        'MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.common.CommonMiddleware"), "corsheaders.middleware.CorsMiddleware")\n',
    ],
)
def test_changes_that_may_place_cors_middleware_are_not_judged_wrong(tmp_path: Path, change: str) -> None:
    base = MISORDERED.replace('    "corsheaders.middleware.CorsMiddleware",\n', "")
    write(tmp_path, {"requirements.txt": DJANGO, "settings.py": base + change})
    assert kinds(only("settings.py")) == []


def test_a_component_extends_the_lists_it_imports(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "requirements.txt": DJANGO,
            "p/__init__.py": "",
            "p/settings/__init__.py": "from .base import *\nfrom .cors import *\n",
            "p/settings/base.py": 'INSTALLED_APPS = ["a"]\nMIDDLEWARE = ["django.middleware.common.CommonMiddleware"]\n',
            "p/settings/cors.py": (
                "from p.settings.base import INSTALLED_APPS, MIDDLEWARE\n"
                'INSTALLED_APPS += ["corsheaders"]\n'
                'MIDDLEWARE += ["corsheaders.middleware.CorsMiddleware"]\n'
                'CORS_ALLOWED_ORIGINS = ["https://a.example"]\n'
            ),
        },
    )
    (policy,) = run("p/settings/cors.py").policies
    assert policy.label == "settings module p.settings"
    assert kinds(policy) == ["misordered"]


# -- DEBUG blocks and names in branches that do not run ---------------------------------


@pytest.mark.parametrize(
    "debug",
    [
        'env.bool("DEBUG", default=False)',
        'config("DEBUG", default=False, cast=bool)',
        'os.getenv("DEBUG", "False") == "True"',
    ],
)
def test_debug_block_off_by_default_is_not_run_but_its_names_are_checked(tmp_path: Path, debug: str) -> None:
    source = (
        "import os\nimport environ\nfrom decouple import config\nenv = environ.Env()\n"
        + WIRED
        + f"DEBUG = {debug}\n"
        + 'CORS_ALLOWED_ORIGINS = ["https://a.example"]\n'
        + "if DEBUG:\n    CORS_ORIGIN_ALLOW_ALL = True\n    CORS_ALLOW_ORIGINS = ['http://localhost:3000']\n"
    )
    write(tmp_path, {"requirements.txt": DJANGO, "settings.py": source})
    policy = only("settings.py")
    assert policy.option("CORS_ORIGIN_ALLOW_ALL") is None
    assert kinds(policy) == ["deprecated-option", "unknown-option"]
    assert {e.location.line for e in policy.evidence} == {source.count("\n") - 1, source.count("\n")}


def test_debug_block_on_by_default_runs_with_the_default(tmp_path: Path) -> None:
    source = (
        "import environ\nenv = environ.Env()\n"
        + WIRED
        + 'DEBUG = env.bool("DEBUG", default=True)\nif DEBUG:\n    CORS_ALLOW_ALL_ORIGINS = True\n'
    )
    write(tmp_path, {"requirements.txt": DJANGO, "settings.py": source})
    value = only("settings.py").option("CORS_ALLOW_ALL_ORIGINS")
    assert value is not None and value.raw is True and value.env_var == "DEBUG"


def test_getattr_on_a_configuration_loaded_at_run_time_is_its_default(tmp_path: Path) -> None:
    source = (
        "import importlib\nconfiguration = importlib.import_module(NAME)\n"
        + WIRED
        + 'CORS_ORIGIN_WHITELIST = getattr(configuration, "CORS_ORIGIN_WHITELIST", ["https://a.example"])\n'
    )
    write(tmp_path, {"requirements.txt": DJANGO, "settings.py": source})
    value = only("settings.py").option("CORS_ORIGIN_WHITELIST")
    assert value is not None and value.plain() == ("https://a.example",)
    assert value.env_var == "configuration.CORS_ORIGIN_WHITELIST"


def test_getattr_on_a_project_module_setting_the_name_is_not_a_default(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "requirements.txt": DJANGO,
            "conf.py": 'CORS_ORIGIN_WHITELIST = ["https://b.example"]\n',
            "settings.py": WIRED
            + 'import conf\nCORS_ORIGIN_WHITELIST = getattr(conf, "CORS_ORIGIN_WHITELIST", [])\n',
        },
    )
    value = only("settings.py").option("CORS_ORIGIN_WHITELIST")
    assert value is not None and (not value.known or value.plain() == ("https://b.example",))


@pytest.mark.parametrize(
    ("name", "reported"),
    [
        ("CORS_ORIGINS", True),
        ("CORS_TRUSTED_ORIGINS", True),
        ("CORS_ORIGIN_ALLOWLIST", True),
        ("CORS_ENABLED", False),
    ],
)
def test_other_libraries_names(tmp_path: Path, name: str, reported: bool) -> None:
    write(tmp_path, {"requirements.txt": DJANGO, "settings.py": WIRED + f'{name} = ["https://a.example"]\n'})
    assert (kinds(only("settings.py")) == ["unknown-option"]) is reported


def test_other_libraries_names_need_corsheaders_installed(tmp_path: Path) -> None:
    source = 'INSTALLED_APPS = ["django.contrib.auth"]\nCORS_ORIGINS = ["https://a.example"]\nCORS_ALLOWED_ORIGINS = []\n'
    write(tmp_path, {"requirements.txt": DJANGO, "settings.py": source})
    assert "unknown-option" not in kinds(only("settings.py"))
