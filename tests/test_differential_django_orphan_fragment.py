"""Differential truth for census 9 row C3: a django-cors-headers settings fragment
(`from corsheaders.defaults import default_headers` and `CORS_*` names) that no settings
module imports (fixture django/cors_fragment_nothing_loads_clean). Django's own `Settings`
(django==5.x) loads the module manage.py names, as `DJANGO_SETTINGS_MODULE` does: the
fragment is never imported and django-cors-headers reads only the named module's values
(`corsheaders.conf`: `getattr(settings, name, default)`), which is the one policy corslint
judges; the fragment's values are not reported."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest

from tests.conftest import FIXTURES, linted_inside, run_lint

django_conf = pytest.importorskip("django.conf")

PROJECT = FIXTURES / "django" / "cors_fragment_nothing_loads_clean"


@pytest.fixture
def on_path() -> Iterator[None]:
    saved = list(sys.path)
    yield
    sys.path[:] = saved
    for name in [n for n in sys.modules if n == "ferry" or n.startswith("ferry.")]:
        del sys.modules[name]


@pytest.mark.usefixtures("on_path")
def test_a_fragment_nothing_imports_never_reaches_corsheaders() -> None:
    sys.path.insert(0, str(PROJECT))
    real = django_conf.Settings("ferry.settings")
    assert "ferry.cors_local" not in sys.modules  # Django never ran the fragment
    assert real.CORS_ALLOWED_ORIGINS == ["https://timetable.ferry.example.net"]
    assert real.CORS_ALLOW_CREDENTIALS is True
    assert not hasattr(real, "CORS_ALLOW_HEADERS")
    assert run_lint(PROJECT).findings == []
    policies = [p for p in linted_inside(PROJECT) if p.framework == "django"]
    assert len(policies) == 1, policies
    assert policies[0].location.path.endswith("settings.py")
    origins = policies[0].options["CORS_ALLOWED_ORIGINS"]
    assert [entry.raw for entry in origins.raw] == list(real.CORS_ALLOWED_ORIGINS)
