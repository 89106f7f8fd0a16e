"""A finding on one origin entry names the environment defaults that entry was built from,
not those of the other origin options beside it."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_lint


def test_a_literal_regex_entry_does_not_borrow_the_env_list_condition(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("Django==5.2\ndjango-cors-headers==4.7.0\n")
    (tmp_path / "manage.py").write_text(
        "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site_config.settings')\n"
    )
    (tmp_path / "site_config").mkdir()
    (tmp_path / "site_config" / "__init__.py").write_text("")
    (tmp_path / "site_config" / "settings.py").write_text(
        "import os\n"
        "\n"
        'INSTALLED_APPS = ["corsheaders"]\n'
        "MIDDLEWARE = [\n"
        '    "corsheaders.middleware.CorsMiddleware",\n'
        '    "django.middleware.common.CommonMiddleware",\n'
        "]\n"
        "CORS_ALLOWED_ORIGINS = os.environ.get(\n"
        '    "FRONTEND_ORIGINS", "http://localhost:5173"\n'
        ').split(",")\n'
        "CORS_ALLOWED_ORIGIN_REGEXES = [\n"
        '    r"^http://127\\.0\\.0\\.1:\\d+$",\n'
        "]\n"
    )
    loopback = sorted(
        (f.location.line, f.message) for f in run_lint(tmp_path).findings if f.rule_id == "CORS106"
    )
    assert [line for line, _ in loopback] == [8, 12]
    env_entry, regex_entry = (message for _, message in loopback)
    assert env_entry.endswith("(when FRONTEND_ORIGINS is unset)")
    assert "unset" not in regex_entry


def test_a_literal_entry_beside_an_env_default_does_not_borrow_its_variable(tmp_path: Path) -> None:
    """`[os.getenv("SITE_URL", ...), "http://localhost:5173"]`: the loopback entry is there
    whatever SITE_URL says (REGRESS8's census 5 sample 77), while a literal list that is
    itself the default of a variable keeps it."""
    (tmp_path / "requirements.txt").write_text("fastapi==0.115.0\n")
    (tmp_path / "main.py").write_text(
        "import os\n"
        "\n"
        "from fastapi import FastAPI\n"
        "from fastapi.middleware.cors import CORSMiddleware\n"
        "\n"
        "shop = FastAPI()\n"
        'site = os.getenv("SITE_URL", "https://shop.example.com")\n'
        'shop.add_middleware(CORSMiddleware, allow_origins=[site, "http://localhost:5173"])\n'
        "admin = FastAPI()\n"
        'configured = os.getenv("ADMIN_ORIGINS")\n'
        "admin.add_middleware(\n"
        "    CORSMiddleware,\n"
        '    allow_origins=configured.split(",") if configured else ["http://localhost:5174"],\n'
        ")\n"
    )
    loopback = sorted(
        (f.location.line, f.message) for f in run_lint(tmp_path).findings if f.rule_id == "CORS106"
    )
    assert [line for line, _ in loopback] == [8, 13]
    beside, default = (message for _, message in loopback)
    assert "unset" not in beside
    assert default.endswith("(when ADMIN_ORIGINS is unset)")


def test_a_misspelt_twin_of_a_listed_origin_is_not_reported_as_trusting_it(tmp_path: Path) -> None:
    """`["http://localhost:5173/#/", "http://localhost:5173"]` kept in a settings module: the
    twin with the fragment admits nothing (CORS301 calls it dead), so the loopback origin is
    reported once, at the entry that admits it (REGRESS9)."""
    (tmp_path / "requirements.txt").write_text("fastapi==0.115.0\n")
    (tmp_path / "settings.py").write_text(
        'ORIGINS = [\n    "https://shop.example.com",\n    "http://localhost:5173/#/",\n    "http://localhost:5173",\n]\n'
    )
    (tmp_path / "main.py").write_text(
        "from fastapi import FastAPI\n"
        "from fastapi.middleware.cors import CORSMiddleware\n"
        "\n"
        "from settings import ORIGINS\n"
        "\n"
        "app = FastAPI()\n"
        "app.add_middleware(CORSMiddleware, allow_origins=ORIGINS)\n"
    )
    findings = run_lint(tmp_path).findings
    loopback = [f for f in findings if f.rule_id == "CORS106"]
    assert [r.location.line for f in loopback for r in f.related if "entry" in r.message] == [4]
    assert [f.rule_id for f in findings if f.rule_id == "CORS301"] == ["CORS301"]
