"""A settings package whose `__init__.py` star-imports its development module (fixture
django/settings_package_star_imports_dev_module): Django's own `Settings` (django==5.2)
loading `kiln.settings` as `DJANGO_SETTINGS_MODULE` does holds the loopback origins
`settings/dev.py` binds; corslint reads the same allow-list and, since the file binding it
is named for development (RULES.md), judges the policy development-only: no CORS106."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest

from tests.conftest import FIXTURES, linted_inside

django_conf = pytest.importorskip("django.conf")

PROJECT = FIXTURES / "django" / "settings_package_star_imports_dev_module"
DEV_ORIGINS = ["http://localhost:5173", "http://127.0.0.1:5173"]


@pytest.fixture
def on_path() -> Iterator[None]:
    saved = list(sys.path)
    yield
    sys.path[:] = saved
    for name in [n for n in sys.modules if n == "kiln" or n.startswith("kiln.")]:
        del sys.modules[name]


@pytest.mark.usefixtures("on_path")
def test_package_runs_the_development_module() -> None:
    sys.path.insert(0, str(PROJECT))
    real = django_conf.Settings("kiln.settings")
    assert real.CORS_ALLOWED_ORIGINS == DEV_ORIGINS
    assert real.CORS_ALLOW_CREDENTIALS is True
    # linted from inside the project: its own folders, not the test suite's, name its files
    (policy,) = [
        p for p in linted_inside(PROJECT) if p.framework == "django" and p.label.endswith("kiln.settings")
    ]
    assert [v.raw for v in policy.options["CORS_ALLOWED_ORIGINS"].raw] == DEV_ORIGINS
    assert policy.development_only
