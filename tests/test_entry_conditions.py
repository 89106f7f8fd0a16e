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
