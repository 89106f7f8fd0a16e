"""`app.middleware("http")(function)`: Starlette's decorator called by hand is the same layer
as `@app.middleware("http")` (census 7 B6; the imported form is the fixture
python_headers/starlette_http_middleware_applied_by_call, checked on real Starlette)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_lint

LAYER = (
    "async def add_cors(request: Request, call_next):\n"
    "    response = await call_next(request)\n"
    '    response.headers["Access-Control-Allow-Origin"] = "*"\n'
    "    return response\n"
)


def findings(source: str) -> list[tuple[str, int, str]]:
    Path("requirements.txt").write_text("fastapi\n", "utf-8")
    Path("main.py").write_text(source, "utf-8")
    result = run_lint(Path("."))
    return sorted((f.location.path, f.location.line, f.rule_id) for f in result.findings)


def test_the_decorator_called_in_the_same_module(in_tmp: Path) -> None:
    source = (
        "from fastapi import FastAPI, Request\napp = FastAPI()\n"
        + LAYER
        + 'app.middleware("http")(add_cors)\n'
    )
    assert findings(source) == [("main.py", 5, "CORS105"), ("main.py", 5, "CORS206")]


def test_a_request_middleware_of_another_kind_is_no_http_layer(in_tmp: Path) -> None:
    source = (
        "from fastapi import FastAPI, Request\napp = FastAPI()\n"
        + LAYER
        + 'app.middleware("lifespan")(add_cors)\n'
    )
    assert findings(source) == []
