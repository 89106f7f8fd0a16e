"""A run that caches nothing observes nothing: its workers share parsed modules through a
RunMemo of their own, and their outcomes are those of an observed run."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from corslint.runner import observed_files
from corslint.runner.discovery import Candidate
from corslint.runner.observed_files import RunMemo
from corslint.runner.workers import Supervisor, read_one

SETTINGS = (
    "from .origins import ALLOWED\n\nINSTALLED_APPS = ['django.contrib.auth', 'corsheaders']\n"
    "MIDDLEWARE = ['corsheaders.middleware.CorsMiddleware', 'django.middleware.common.CommonMiddleware']\n"
    "CORS_ALLOWED_ORIGINS = ALLOWED + ['null']\nCORS_ALLOW_CREDENTIALS = True\n"
)
ORIGINS = 'ALLOWED = ["https://app.example.com", "http://localhost:3000"]\n'
APP = (
    "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n"
    "from .origins import ALLOWED\n\napp = FastAPI()\n"
    "app.add_middleware(CORSMiddleware, allow_origins=ALLOWED + ['*'], allow_credentials=True)\n"
)


def test_a_run_memo_hands_values_out_again_and_keeps_to_its_budget() -> None:
    memo = RunMemo(budget=10)
    made: list[str] = []

    def work_out(name: str) -> str:
        made.append(name)
        return name

    assert memo.remembered("a", lambda: work_out("a"), lambda _: 4) == "a"
    assert memo.remembered("a", lambda: work_out("again"), lambda _: 4) == "a"
    memo.remembered("b", lambda: work_out("b"), lambda _: 4)
    memo.remembered("c", lambda: work_out("c"), lambda _: 4)  # over the budget: "a" leaves
    assert len(memo) == 2
    memo.remembered("a", lambda: work_out("a"), lambda _: 4)
    memo.remembered("huge", lambda: work_out("huge"), lambda _: 11)  # never kept
    assert made == ["a", "b", "c", "a", "huge"]
    assert len(memo) == 2


@pytest.mark.skipif(not hasattr(os, "fork"), reason="workers are forked here")
def test_unobserved_workers_find_what_observed_ones_find(tmp_path: Path) -> None:
    package = tmp_path / "site"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "origins.py").write_text(ORIGINS)
    candidates = []
    for index in range(6):
        name = f"settings_{index}.py" if index % 2 else f"app_{index}.py"
        (package / name).write_text(SETTINGS if index % 2 else APP)
        candidates.append(Candidate(str(package / name), f"site/{name}"))
    jobs = list(enumerate(candidates))
    expected = {index: read_one(candidate, 10**6)[0] for index, candidate in jobs}
    observed = Supervisor(2, 10**6, 30.0, one_parser=True).run(jobs, 2)
    unobserved = Supervisor(2, 10**6, 30.0, one_parser=True, observe=False).run(jobs, 2)
    assert set(observed) == set(unobserved) == {i for i, o in expected.items() if o.parsed}
    for index, outcome, deps in unobserved.values():
        assert deps == ()
        assert observed[index][2]  # the observed run saw origins.py at least
        assert (outcome.policies, outcome.findings) == (expected[index].policies, expected[index].findings)
        assert (outcome.policies, outcome.findings) == (
            observed[index][1].policies,
            observed[index][1].findings,
        )
    assert sum(len(outcome.policies) for _, outcome, _ in unobserved.values()) == 6
    assert observed_files._watching == 0
