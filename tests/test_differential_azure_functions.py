"""Hand-written Azure Functions headers: the `func.HttpResponse` the fixture handlers
really return (azure-functions 1.26, whose worker sends its headers as they are) is
compared with corslint's model, request by request."""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from corslint.frameworks.python_headers import respond
from corslint.http import Request
from corslint.model import CorsPolicy, UnresolvedValueError
from tests.conftest import FIXTURES, run_lint
from tests.probe_battery import battery, cors_headers

func = pytest.importorskip("azure.functions")

# fixture -> (module, function) that answers requests
HANDLERS = {
    "azure_functions_reply_helper_wildcard": ("orders", "main"),
    "azure_functions_handler_fixed_origin_clean": ("function_app", "invoices"),
}


@contextmanager
def importable(project: Path) -> Iterator[None]:
    names = {p.stem for p in project.glob("*.py")} | {p.name for p in project.iterdir() if p.is_dir()}
    sys.path.insert(0, str(project))
    try:
        yield
    finally:
        sys.path.remove(str(project))
        for name in [n for n in sys.modules if n.split(".", 1)[0] in names]:
            del sys.modules[name]


def policy_of(project: Path) -> CorsPolicy:
    cwd = Path.cwd()
    os.chdir(project)
    try:
        (policy,) = run_lint(Path(".")).policies
    finally:
        os.chdir(cwd)
    return policy


def real_answer(handler: Any, request: Request) -> tuple[int, dict[str, str]]:
    headers = dict(request.headers)
    if request.origin is not None:
        headers["Origin"] = request.origin
    sent = func.HttpRequest(request.method, "http://localhost/api/probe", headers=headers, body=b"")
    answer = handler(sent)
    return answer.status_code, cors_headers(list(answer.headers.items()))


@pytest.mark.parametrize("name", sorted(HANDLERS))
def test_model_matches_the_real_handler(name: str) -> None:
    project = FIXTURES / "python_headers" / name
    policy = policy_of(project)
    module_name, function_name = HANDLERS[name]
    compared = 0
    with importable(project):
        handler = getattr(importlib.import_module(module_name), function_name)
        for request in battery(policy):
            try:
                predicted = respond(policy, request)
            except (UnresolvedValueError, TypeError, ValueError):
                continue
            known = predicted.status not in (None, "unknown")
            if request.method == "OPTIONS" and not known:
                continue  # what the host answers: not the function's code
            status, real = real_answer(handler, request)
            if known:  # a simple request's status is the helper's caller's
                assert status == predicted.status, f"{request}: {status} != {predicted.status}"
            assert real == cors_headers(list(predicted.headers)), f"{request}: {real}"
            compared += 1
    assert compared >= 5, f"only {compared} requests compared"
