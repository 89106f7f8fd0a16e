"""Hand-written Django views that write `Access-Control-Allow-Origin: *` behind a login
(fixture django/handwritten_view_login_required; the shape of yiju-zhao/DeepSight-Django
backend/notebooks/views/sse_views.py: `method_decorator(login_required)` on `dispatch`, `*`
written in `options()` and `get()`).

Measured with the venv's Django and DRF, in a subprocess configured by the fixture's own
settings, the views called through `RequestFactory`: a request without cookies gets the login
redirect (302) or DRF's 403 and no Allow-Origin from every guarded view; a logged-in one gets
`*`, which browsers refuse for reads made with credentials. Only the views that answer an
anonymous request with `*` are CORS105's."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, run_lint

pytest.importorskip("django")
pytest.importorskip("rest_framework")

PROJECT = FIXTURES / "django" / "handwritten_view_login_required"

PROBE = """
import json, os
os.environ["DJANGO_SETTINGS_MODULE"] = "pinboard.settings"
import django
django.setup()
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from rest_framework.test import force_authenticate
from boards import views


class Member:
    is_authenticated = True
    is_active = True
    pk = 7


cases = {
    "BoardEvents get": (views.BoardEvents.as_view(), "get", False),
    "BoardEvents options": (views.BoardEvents.as_view(), "options", False),
    "PinList get": (views.PinList.as_view(), "get", True),
    "DraftList get": (views.DraftList.as_view(), "get", True),
    "export_board get": (views.export_board, "get", False),
    "members get": (views.members, "get", True),
    "share_link get": (views.share_link, "get", True),
    "BoardStats get": (views.BoardStats.as_view(), "get", True),
}
factory = RequestFactory()
out = {}
for name, (view, method, drf) in cases.items():
    for who in ("anonymous", "member"):
        request = getattr(factory, method)(
            "/boards/3/", HTTP_ORIGIN="https://elsewhere.example", HTTP_HOST="pinboard.example.org"
        )
        user = AnonymousUser() if who == "anonymous" else Member()
        if drf and who == "member":
            force_authenticate(request, user=user)
        request.user = user
        response = view(request, board_id=3)
        out[f"{name} {who}"] = [response.status_code, response.headers.get("Access-Control-Allow-Origin")]
print(json.dumps(out))
"""


def _measure(project: Path) -> dict[str, list[object]]:
    env = {**os.environ, "PYTHONPATH": str(project)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, check=True, timeout=120
    )
    result: dict[str, list[object]] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.fixture(scope="module")
def answers() -> dict[str, list[object]]:
    return _measure(PROJECT)


GUARDED = (
    "BoardEvents get",
    "BoardEvents options",
    "PinList get",
    "DraftList get",  # the settings' DEFAULT_PERMISSION_CLASSES
    "export_board get",
    "members get",
)
OPEN = ("share_link get", "BoardStats get")


@pytest.mark.parametrize("case", GUARDED)
def test_a_guarded_view_refuses_the_anonymous_request(case: str, answers: dict[str, list[object]]) -> None:
    status, allow_origin = answers[f"{case} anonymous"]
    assert status in {302, 401, 403} and allow_origin is None
    assert answers[f"{case} member"] == [200, "*"]  # `*` only for requests with credentials


@pytest.mark.parametrize("case", OPEN)
def test_an_open_view_answers_the_anonymous_request(case: str, answers: dict[str, list[object]]) -> None:
    assert answers[f"{case} anonymous"] == [200, "*"]


def test_corslint_reports_only_the_open_views() -> None:
    text = (PROJECT / "boards" / "views.py").read_text().splitlines()
    lines = {f.location.line for f in run_lint(PROJECT).findings if f.rule_id == "CORS105"}
    names = {next(t for t in reversed(text[:line]) if t.startswith(("def ", "class "))) for line in lines}
    assert sorted(n.split("(")[0].split()[1] for n in names) == ["BoardStats", "share_link"]
    assert [f.rule_id for f in run_lint(PROJECT).findings].count("CORS101") == 1  # kept behind the login


def test_an_unread_default_keeps_the_finding(tmp_path: Path) -> None:
    """A default built at run time (`REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"] = ...`
    from the environment) is not read: the view without classes of its own is reported."""
    copy = tmp_path / "project"
    shutil.copytree(PROJECT, copy)
    settings = copy / "pinboard" / "settings.py"
    settings.write_text(
        settings.read_text()
        + "import os\n"
        + 'if os.environ.get("OPEN_API"):\n'
        + '    REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"] = ["rest_framework.permissions.AllowAny"]\n'
    )
    text = (copy / "boards" / "views.py").read_text().splitlines()
    lines = {f.location.line for f in run_lint(copy).findings if f.rule_id == "CORS105"}
    assert any("DraftList" in text[line - 5] or "DraftList" in text[line - 6] for line in lines)


def test_permission_classes_above_api_view_is_not_read(tmp_path: Path) -> None:
    """`@permission_classes` written above `@api_view` sets an attribute DRF never reads: the
    settings' default decides (here AllowAny), and corslint must not take it for a guard."""
    copy = tmp_path / "project"
    shutil.copytree(PROJECT, copy)
    views = copy / "boards" / "views.py"
    views.write_text(
        views.read_text().replace(
            '@api_view(["GET"])\n@permission_classes([IsAuthenticated])\ndef members',
            '@permission_classes([IsAuthenticated])\n@api_view(["GET"])\ndef members',
        )
    )
    settings = copy / "pinboard" / "settings.py"
    settings.write_text(settings.read_text().replace("permissions.IsAuthenticated", "permissions.AllowAny"))
    assert _measure(copy)["members get anonymous"] == [200, "*"]
    text = views.read_text().splitlines()
    lines = {f.location.line for f in run_lint(copy).findings if f.rule_id == "CORS105"}
    assert any(
        text[line - 1].strip().startswith('response["Access-Control-Allow-Origin"]')
        and "members" in "\n".join(text[line - 5 : line])
        for line in lines
    )
