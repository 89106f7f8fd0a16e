"""Python AWS Lambda handlers returning API Gateway proxy results: read into the same
`lambda_headers` steps as the JavaScript ones, so both answer every request alike."""

from __future__ import annotations

import pytest

from corslint.extractors.context import ProjectContext
from corslint.extractors.express.extractor import extract as extract_js
from corslint.extractors.python_headers.lambda_units import extract as extract_python
from corslint.frameworks import framework_of
from corslint.http import Request, Response
from corslint.model import CorsPolicy, UnresolvedValueError

PYTHON = """\
ALLOWED = "https://portal.example.com"


def cors(extra=None):
    return {"Access-Control-Allow-Origin": ALLOWED, "Access-Control-Allow-Credentials": True}


def handler(event, context):
    if event["httpMethod"] == "OPTIONS":
        return {
            "statusCode": 204,
            "headers": {
                "Access-Control-Allow-Origin": ALLOWED,
                "Access-Control-Allow-Methods": "GET,PUT,OPTIONS",
                "Access-Control-Allow-Headers": "Content-Type",
                "Access-Control-Allow-Credentials": True,
            },
            "body": "",
        }
    return {
        "statusCode": 200,
        "headers": {"Access-Control-Allow-Origin": ALLOWED, "Access-Control-Allow-Credentials": True},
        "body": "{}",
    }
"""

JS = """\
const ALLOWED = 'https://portal.example.com';

exports.handler = async (event) => {
  if (event.httpMethod === 'OPTIONS') {
    return {
      statusCode: 204,
      headers: {
        'Access-Control-Allow-Origin': ALLOWED,
        'Access-Control-Allow-Methods': 'GET,PUT,OPTIONS',
        'Access-Control-Allow-Headers': 'Content-Type',
        'Access-Control-Allow-Credentials': true,
      },
      body: '',
    };
  }
  return {
    statusCode: 200,
    headers: { 'Access-Control-Allow-Origin': ALLOWED, 'Access-Control-Allow-Credentials': true },
    body: '{}',
  };
};
"""

REQUESTS = [
    Request("GET", "https://portal.example.com"),
    Request("GET", "https://evil.test"),
    Request("GET", None),
    Request("OPTIONS", "https://portal.example.com", (("access-control-request-method", "PUT"),)),
    Request("OPTIONS", "https://evil.test", (("access-control-request-method", "PUT"),)),
]


def only(policies: tuple[CorsPolicy, ...]) -> CorsPolicy:
    (policy,) = policies
    return policy


def answer(policy: CorsPolicy, request: Request) -> Response:
    return framework_of(policy).respond(policy, request)


def test_python_and_js_results_answer_alike() -> None:
    python = only(extract_python("handler.py", PYTHON, ProjectContext()).policies)
    js = only(extract_js("handler.js", JS, ProjectContext()).policies)
    assert python.framework == js.framework == "lambda_headers"
    for request in REQUESTS:
        assert answer(python, request) == answer(js, request), request


def test_helper_result_and_unknown_preflight() -> None:
    text = (
        "import json\n\n\ndef reply(code, data):\n"
        '    return {"statusCode": code, "headers": {"Access-Control-Allow-Origin": "*"}, "body": json.dumps(data)}\n\n\n'
        "def main(event, context):\n    return reply(200, {})\n"
    )
    policy = only(extract_python("h.py", text, ProjectContext()).policies)
    assert answer(policy, Request("GET", "https://x.test")).get("access-control-allow-origin") == "*"
    # no method test: API Gateway may answer OPTIONS before the function runs
    with pytest.raises(UnresolvedValueError):
        answer(policy, Request("OPTIONS", "https://x.test", (("access-control-request-method", "PUT"),)))


def test_not_a_handler_or_not_a_result() -> None:
    not_handler = (
        "def build(status):\n"
        '    return {"statusCode": status, "headers": {"Access-Control-Allow-Origin": "*"}}\n'
    )
    not_result = (
        "def handler(event, context):\n"
        '    return {"headers": {"Access-Control-Allow-Origin": "*"}, "items": []}\n'
    )
    for text in (not_handler, not_result):
        assert extract_python("h.py", text, ProjectContext()).policies == ()
