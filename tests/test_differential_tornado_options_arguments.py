"""Differential truth for a Tornado base handler whose `options(self)` takes no path
arguments, under routes whose patterns capture some (fixtures
python_headers/tornado_options_without_path_arguments and its `*args` twin
tornado_options_with_path_arguments_clean; the shape of Mop3D/hard-drive-robot
web/api/Common.py under web/HDRobo-Desk.py's `/api/(.*)`). The fixtures' own classes served
by a real Tornado 6: Tornado calls `options(sensor_id)`, which raises TypeError, and the
preflight is answered 500 (with the default headers), so it fails (CORS206 at the
`options` method); a route without capture groups, and an `options(self, *args)`, answer
204 (extractors/python_headers/tornado_options_arguments.py)."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, run_lint
from tests.python_apps import fixture_module, serve_tornado

tornado_web = pytest.importorskip("tornado.web")

BROKEN = FIXTURES / "python_headers" / "tornado_options_without_path_arguments"
CLEAN = FIXTURES / "python_headers" / "tornado_options_with_path_arguments_clean"
PREFLIGHT = {
    "Origin": "https://greenhouse.example",
    "Access-Control-Request-Method": "PUT",
    "Access-Control-Request-Headers": "content-type",
}


def statuses(project: Path) -> list[int]:
    logging.getLogger("tornado.application").disabled = True  # the TypeError's traceback
    try:
        with fixture_module(project, "greenhouse.server", ("greenhouse",)) as server:
            answers = serve_tornado(
                server.make_app(),
                [("OPTIONS", "/sensors/soil-1", PREFLIGHT), ("OPTIONS", "/health", PREFLIGHT)],
            )
    finally:
        logging.getLogger("tornado.application").disabled = False
    return [status for status, _ in answers]


def test_real_tornado_fails_the_preflights_of_capturing_routes() -> None:
    assert statuses(BROKEN) == [500, 204]


def test_an_options_taking_the_arguments_answers_them() -> None:
    assert statuses(CLEAN) == [204, 204]


def test_corslint_reports_the_options_method(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BROKEN)
    found = sorted((f.rule_id, f.location.line) for f in run_lint(Path(".")).findings)
    assert found == [("CORS105", 8), ("CORS206", 12)]
    monkeypatch.chdir(CLEAN)
    assert not run_lint(Path(".")).findings


def test_routes_above_a_folder_with_no_project_file_are_found_by_any_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Mop3D/hard-drive-robot has no project file: its handlers sit in `web/api/` and its
    routes in `web/`. Named by an absolute path from elsewhere, the linted folder is searched
    for the routes, as when named from inside."""
    project = tmp_path / "robot"
    shutil.copytree(FIXTURES / "python_headers" / "tornado_options_without_path_arguments_python2", project)
    (project / "requirements.txt").unlink()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    from_outside = sorted((f.rule_id, f.location.line) for f in run_lint(project).findings)
    monkeypatch.chdir(project)
    from_inside = sorted((f.rule_id, f.location.line) for f in run_lint(Path(".")).findings)
    assert ("CORS206", 10) in from_inside
    assert from_outside == from_inside
