"""Differential truth for Sanic response middleware registered from another module:
classes whose methods are registered in a loop (fixture python_headers/
sanic_layer_classes_registered_in_loop, the shape of rensongqi/sanic-adminapi) and a
function registered with `app.middleware(fn, "response")` inside a factory (fixture
python_headers/sanic_function_middleware_registered_in_factory, the shape of
octaspace/blender-addon). The real Sanic 25.12 app each fixture builds is compared with
corslint's model on simple requests (what answers a preflight is left unknown by the
model: the app's routes are in another module)."""

from __future__ import annotations

import asyncio
import importlib
import sys
from pathlib import Path
from typing import Any

import pytest

from corslint.frameworks.python_headers import respond
from corslint.http import Request
from tests.conftest import FIXTURES, run_lint
from tests.probe_battery import cors_headers

sanic = pytest.importorskip("sanic")
pytest.importorskip("sanic_testing")

CASES = [
    ("sanic_layer_classes_registered_in_loop", "shop.server", "build", "/cart"),
    ("sanic_function_middleware_registered_in_factory", "uploader.factory", "create", "/uploads"),
]


def built(project: Path, module: str, factory: str) -> Any:
    package = module.split(".", 1)[0]
    sanic.Sanic.test_mode = True
    sys.path.insert(0, str(project))
    try:
        return getattr(importlib.import_module(module), factory)()
    finally:
        sys.path.remove(str(project))
        for name in [n for n in sys.modules if n == package or n.startswith(f"{package}.")]:
            del sys.modules[name]


@pytest.mark.parametrize(("name", "module", "factory", "path"), CASES)
def test_registered_middleware_matches_the_model(name: str, module: str, factory: str, path: str) -> None:
    project = FIXTURES / "python_headers" / name
    (policy,) = [p for p in run_lint(project).policies if p.framework == "sanic_headers"]
    app = built(project, module, factory)
    compared = 0
    for method in ("GET", "POST"):
        for origin in ("https://elsewhere.example", "http://127.0.0.1:8080", "null", None):
            headers = {"Origin": origin} if origin else {}
            _, real = asyncio.run(app.asgi_client.request(method, path, headers=headers))
            model = respond(policy, Request(method, origin, path="/"))
            assert cors_headers(list(real.headers.multi_items())) == cors_headers(list(model.headers))
            compared += 1
    assert compared == 8
