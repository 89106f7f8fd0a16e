"""Differential truth for a test corslint cannot decide that only chooses how a request
ends after the CORS headers were written (`if (!result.isEmpty()) return res.status(400)
.json(...)` after `res.setHeader(...)`, extractors/express/undecided_ends.py).

The fixture's route handler runs under real express (tests/node/harness.js, a "handler"
case mounted on POST) with `validationResult` stubbed both ways: valid input (201) and
invalid input (400). The model predicts one answer for both, without knowing which, and
each real answer must carry exactly its CORS headers.
"""

from __future__ import annotations

import re

import pytest

from corslint.frameworks import framework_of
from corslint.http import Request
from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery
from tests.test_differential_express import answer_mismatch, require_node_package, run_harness, wire

PROJECT = FIXTURES / "express" / "route_headers_then_validation"


def _handler_source() -> str:
    text = (PROJECT / "routes" / "accounts.ts").read_text("utf-8")
    start = text.index("(req: Request, res: Response) => {")
    end = text.index("\n  },\n);", start) + len("\n  }")
    return text[start:end].replace("(req: Request, res: Response)", "(req, res)")


@pytest.mark.parametrize("valid", [True, False])
def test_both_ends_carry_the_predicted_headers(valid: bool) -> None:
    require_node_package("express")
    (policy,) = policies_linted_inside(PROJECT, "express_headers")
    origins = [*dict.fromkeys(r.origin for r in battery(policy, ("POST",)))]
    requests = [
        Request("POST", origin, headers, "/signup")
        for origin in origins
        for headers in ((), (("content-type", "application/json"),), (("cookie", "sid=1"),))
    ]
    preamble = (
        f"const VALID = {'true' if valid else 'false'};\n"
        "const validationResult = () => ({ isEmpty: () => VALID, array: () => ['email'] });"
    )
    name = f"undecided-end-{valid}"
    case = {
        "kind": "handler",
        "name": name,
        "preamble": preamble,
        "handlers": [{"mount": "post", "source": _handler_source()}],
        "requests": [wire(request) for request in requests],
    }
    real_answers = run_harness([case])[name]
    mismatches = []
    for request, real in zip(requests, real_answers, strict=True):
        predicted = framework_of(policy).respond(policy, request)  # known: no UnresolvedValueError
        assert real["status"] == (201 if valid else 400)
        where = f"POST Origin={request.origin} {dict(request.headers)}"
        mismatch = answer_mismatch(where, real, predicted, real["status"])
        if mismatch is not None:
            mismatches.append(mismatch)
    assert not mismatches, "\n".join(mismatches[:20])
    assert len(requests) >= 9
    assert re.search(r"return res\.status\(400\)", _handler_source())
