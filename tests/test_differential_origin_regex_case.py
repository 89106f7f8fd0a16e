"""An upper-case host alternative in a case-sensitive origin regex (census 6 P23): the real
Starlette CORSMiddleware admits it only as written, never as a browser sends it, and
corslint's model and CORS301 say the same."""

from __future__ import annotations

import pytest

from corslint.frameworks.starlette import respond
from corslint.http import Request
from tests.conftest import FIXTURES, run_lint
from tests.test_differential_starlette import known_options, real_client

PROJECT = FIXTURES / "starlette" / "origin_regex_uppercase_host"


@pytest.mark.parametrize(
    "origin",
    [
        "https://Harbour-Crew.github.io",  # as the regex spells it
        "https://harbour-crew.github.io",  # as a browser sends it
        "https://www.ferry-times.org",
        "https://attacker.invalid",
    ],
)
def test_model_and_real_middleware_agree_on_case(origin: str) -> None:
    (policy,) = [p for p in run_lint(PROJECT).policies if p.framework == "starlette"]
    options = known_options(policy)
    assert options is not None
    real = real_client(options).get("/sailings", headers={"origin": origin})
    predicted = respond(policy, Request("GET", origin=origin, path="/sailings"))
    allowed = real.headers.get("access-control-allow-origin")
    assert allowed == predicted.get("Access-Control-Allow-Origin")
    assert (allowed is not None) == (
        origin in {"https://Harbour-Crew.github.io", "https://www.ferry-times.org"}
    )


def test_cors301_names_the_lower_case_origin_refused() -> None:
    findings = [f for f in run_lint(PROJECT).findings if f.rule_id == "CORS301"]
    assert len(findings) == 1
    assert "`Origin: https://harbour-crew.github.io`" in findings[0].message
