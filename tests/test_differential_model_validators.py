"""`@model_validator(mode="after")` rewriting a settings field (`python.model_validators`),
checked against the real pydantic-settings: the origins corslint extracts are the ones the
settings object holds once validated, and a rewrite corslint cannot follow leaves the
option unknown, never the string as written (which Starlette would read as a substring
test). corslint only reads the files; the tests run them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from corslint.model import CorsPolicy
from tests.conftest import FIXTURES, run_lint, sole_policy_inside

pytest.importorskip("pydantic_settings")

HEAD = (
    "from typing import List, Union\n"
    "from pydantic import model_validator\n"
    "from pydantic_settings import BaseSettings\n\n\n"
    "class AppSettings(BaseSettings):\n"
)
AFTER = '    @model_validator(mode="after")\n    def assemble(self) -> "AppSettings":\n'
CASES: dict[str, tuple[str, bool]] = {  # case -> (class body, whether corslint follows it)
    "split_string_default": (
        '    CORS_ORIGINS: Union[str, List[str]] = "http://localhost:3000, https://a.example.com"\n'
        + AFTER
        + "        if isinstance(self.CORS_ORIGINS, str):\n"
        + '            self.CORS_ORIGINS = [o.strip() for o in self.CORS_ORIGINS.split(",") if o]\n'
        + "        return self\n",
        True,
    ),
    "list_default_passes_by": (
        '    CORS_ORIGINS: Union[str, List[str]] = ["http://localhost:3000"]\n'
        + AFTER
        + '        if isinstance(self.CORS_ORIGINS, str) and not self.CORS_ORIGINS.startswith("["):\n'
        + '            self.CORS_ORIGINS = self.CORS_ORIGINS.split(",")\n'
        + "        return self\n",
        True,
    ),
    "other_fields_touched_too": (
        '    CORS_ORIGINS: Union[str, List[str]] = "https://a.example.com,http://localhost:3000"\n'
        + "    WORKERS: int = 0\n"
        + AFTER
        + "        self.WORKERS = max(self.WORKERS, 1)\n"
        + "        if isinstance(self.CORS_ORIGINS, str):\n"
        + '            self.CORS_ORIGINS = self.CORS_ORIGINS.split(",")\n'
        + "        return self\n",
        True,
    ),
    "rewritten_from_another_field": (
        '    EXTRA: str = "https://b.example.com"\n'
        + '    CORS_ORIGINS: Union[str, List[str]] = "https://a.example.com"\n'
        + AFTER
        + "        if self.EXTRA:\n"
        + '            self.CORS_ORIGINS = self.EXTRA.split(",")\n'
        + "        return self\n",
        False,
    ),
}
MAIN = (
    "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n"
    "from settings import AppSettings\n\napp = FastAPI()\n"
    "app.add_middleware(CORSMiddleware, allow_origins=AppSettings().CORS_ORIGINS)\n"
)


def _real(source: str) -> Any:
    namespace: dict[str, Any] = {}
    exec(compile(source, "settings.py", "exec", dont_inherit=True), namespace)
    return namespace["AppSettings"]().CORS_ORIGINS


def _origins(policy: CorsPolicy) -> Any:
    value = policy.options["allow_origins"]
    return list(value.plain()) if value.known else None


@pytest.mark.parametrize("case", sorted(CASES))
def test_model_validator_rewrite_as_pydantic_runs_it(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    body, followed = CASES[case]
    source = HEAD + body
    (in_tmp / "requirements.txt").write_text("fastapi\npydantic-settings\n")
    (in_tmp / "settings.py").write_text(source)
    (in_tmp / "main.py").write_text(MAIN)
    for variable in ("CORS_ORIGINS", "EXTRA", "WORKERS"):
        monkeypatch.delenv(variable, raising=False)
    result = run_lint(Path("."))
    (policy,) = result.policies
    real = _real(source)
    assert isinstance(real, list)  # the string default never reaches the middleware
    if followed:
        assert _origins(policy) == real
    else:
        assert _origins(policy) is None
        assert {f.rule_id for f in result.findings} >= {"CORS305"}
    assert "CORS104" not in {f.rule_id for f in result.findings}


def test_fixture_origins_are_the_validated_list(monkeypatch: pytest.MonkeyPatch) -> None:
    project = FIXTURES / "starlette" / "settings_model_validator_splits_origins"
    policy = sole_policy_inside(project, "starlette")
    monkeypatch.delenv("CLINIC_BOOKING_ORIGINS", raising=False)
    path = project / "clinic" / "config.py"
    namespace: dict[str, Any] = {}
    exec(compile(path.read_text(), str(path), "exec", dont_inherit=True), namespace)
    real = namespace["config"].booking_origins
    assert _origins(policy) == real == ["https://booking.example.com", "http://127.0.0.1:5500"]

    from starlette.applications import Starlette
    from starlette.middleware.cors import CORSMiddleware
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    async def ok(request: object) -> PlainTextResponse:
        return PlainTextResponse("ok")

    options = {name: value.plain() for name, value in policy.options.items()}
    client = TestClient(CORSMiddleware(Starlette(routes=[Route("/{p:path}", ok)]), **options))
    for origin, allowed in (("http://127.0.0.1:5500", True), ("https://booking.example.co", False)):
        answer = client.get("/slots", headers={"Origin": origin})
        assert (answer.headers.get("access-control-allow-origin") == origin) is allowed
