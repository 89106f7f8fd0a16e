"""`corslint simulate` answers for Litestar, Falcon, Quart-CORS and aiohttp-cors, naming each library."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES, run_cli

CASES = [
    ("litestar/wildcard_with_credentials", "Litestar CORSConfig", "BLOCKED"),
    ("falcon/reflect_with_credentials", "Falcon CORSMiddleware", "ALLOWED"),
    ("quart_cors/wildcard_with_credentials", "Quart-CORS", "BLOCKED"),
    ("aiohttp_cors/reflect_any_origin_with_credentials", "aiohttp-cors", "BLOCKED"),
]


@pytest.mark.parametrize(("project", "display", "verdict"), CASES)
def test_simulate_names_the_library_and_gives_a_verdict(project: str, display: str, verdict: str) -> None:
    code, out, _ = run_cli(
        "simulate",
        str(FIXTURES / project),
        "--origin",
        "https://evil.example",
        "--method",
        "PUT",
        "--header",
        "Content-Type: application/json",
        "--credentials",
    )
    assert code == 0, out
    assert f"({display})" in out
    assert f"verdict: {verdict}" in out
