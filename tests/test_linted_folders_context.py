"""The linted folders travel in each file's ProjectContext, not in a module-level global:
the engine binds the context's folders for the one extraction it runs
(corslint/linted_folders.py), so that a file's outcome depends only on what the engine
is handed (workers spawned without fork, threads, two runs in one process)."""

from __future__ import annotations

import threading
from pathlib import Path

import corslint.linted_folders as linted
from corslint.engine import extract_prepared
from corslint.extractors import EXTRACTORS
from corslint.extractors.context import ProjectContext
from corslint.extractors.development_paths import is_development_path

APP = (
    "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\n"
    "app = FastAPI()\n"
    'app.add_middleware(CORSMiddleware, allow_origins=["http://localhost:3000"], allow_methods=["*"])\n'
)


def _project(tmp_path: Path) -> Path:
    # no `.git`, no manifest: only the linted folder tells where the project starts
    project = tmp_path / "testing" / "dev" / "shop"
    project.mkdir(parents=True)
    (project / "cors.py").write_text(APP)
    return project


def _rules(path: Path, context: ProjectContext) -> list[str]:
    text = path.read_text()
    wanted = tuple(e for e in EXTRACTORS if e.accepts(path.name) and e.wants(text.encode()))
    outcome = extract_prepared(str(path), (text, wanted), context)
    return sorted(f.rule_id for f in outcome.findings)


def test_no_module_level_list_holds_the_folders() -> None:
    assert not hasattr(linted, "LINTED_FOLDERS") and not hasattr(linted, "set_linted_folders")


def test_the_engine_reads_the_folders_of_the_context_it_is_handed(tmp_path: Path) -> None:
    project = _project(tmp_path)
    file = project / "cors.py"
    # the folder linted: `testing` and `dev` above it are the user's, so CORS106 stands
    assert _rules(file, ProjectContext(linted_folders=linted.linted_folders([project]))) == ["CORS106"]
    # no folder linted (a file named alone): its three nearest folders count, `dev` among them
    assert _rules(file, ProjectContext()) == []
    assert linted.current() == ()  # nothing left bound once the extraction is over


def test_each_thread_sees_the_folders_it_bound(tmp_path: Path) -> None:
    project = _project(tmp_path)
    path = str(project / "cors.py")
    seen: dict[str, bool] = {}

    def judge(name: str, folders: tuple[Path, ...]) -> None:
        with linted.in_effect(folders):
            barrier.wait()
            seen[name] = is_development_path(path)

    barrier = threading.Barrier(2)
    threads = [
        threading.Thread(target=judge, args=("linted", (project,))),
        threading.Thread(target=judge, args=("alone", ())),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == {"linted": False, "alone": True}


def test_folders_are_absolute_and_files_are_no_folders(tmp_path: Path) -> None:
    project = _project(tmp_path)
    found = linted.linted_folders([project, project / "cors.py", tmp_path / "missing"])
    assert found == (project.absolute(),)
