"""Star imports in a settings module's `try:` (extractors/python/tried_imports.py): an
in-tree module is followed as Python runs it, a development override is not."""

from __future__ import annotations

from pathlib import Path

import pytest

from corslint.extractors.context import ProjectContext
from corslint.extractors.django.extractor import extract
from corslint.model import CorsPolicy

SETTINGS = (
    'ROOT_URLCONF = "shop.urls"\n'
    'INSTALLED_APPS = ["corsheaders"]\n'
    'MIDDLEWARE = ["corsheaders.middleware.CorsMiddleware"]\n'
    'CORS_ALLOWED_ORIGINS = ["https://shop.example"]\n'
    "try:\n"
    "    from .{name} import *\n"
    "except ImportError:\n"
    "    pass\n"
)


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def _policies(tmp_path: Path, tried: str, text: str) -> tuple[CorsPolicy, ...]:
    (tmp_path / "manage.py").write_text('os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")\n')
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "__init__.py").write_text("")
    (tmp_path / "shop" / "settings.py").write_text(SETTINGS.format(name=tried))
    (tmp_path / "shop" / f"{tried}.py").write_text(text)
    name = "shop/settings.py"
    return extract(name, (tmp_path / name).read_text(), ProjectContext()).policies


def test_an_in_tree_module_is_followed(tmp_path: Path) -> None:
    (policy,) = _policies(tmp_path, "cors", "CORS_ALLOW_CREDENTIALS = True\n")
    credentials = policy.option("CORS_ALLOW_CREDENTIALS")
    assert credentials is not None and credentials.plain() is True
    assert credentials.location.path == "shop/cors.py"


def test_a_development_override_is_not(tmp_path: Path) -> None:
    (policy,) = _policies(tmp_path, "local_settings", "CORS_ALLOW_CREDENTIALS = True\n")
    assert policy.option("CORS_ALLOW_CREDENTIALS") is None
    assert policy.label == "settings module shop.settings"
