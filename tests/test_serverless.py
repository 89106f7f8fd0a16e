"""Response objects a function returns (extractors.express.response_objects): the answers
the model gives for AWS Lambda results, Fetch Responses and Next.js route handlers, on
small projects written to a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from corslint.frameworks import framework_of
from corslint.http import Request
from corslint.model import CorsPolicy, UnresolvedValueError
from tests.conftest import run_lint

APP = "https://app.example.com"


def _policies(tmp_path: Path, files: dict[str, str]) -> list[CorsPolicy]:
    (tmp_path / "package.json").write_text('{ "name": "p", "private": true }\n')
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return list(run_lint(tmp_path).policies)


def _answer(policy: CorsPolicy, request: Request) -> tuple[int | None, dict[str, str]]:
    response = framework_of(policy).respond(policy, request)
    return response.status, {name.lower(): value for name, value in response.headers}


def test_lambda_result_sends_headers_as_written(tmp_path: Path) -> None:
    (policy,) = _policies(
        tmp_path,
        {
            "handler.js": "exports.handler = async (event) => {\n"
            "  return {\n"
            "    statusCode: '201',\n"
            "    headers: {\n"
            "      'Access-Control-Allow-Origin': event.headers.origin,\n"
            "      'Access-Control-Allow-Credentials': true,\n"
            "      'Access-Control-Max-Age': 600,\n"
            "    },\n"
            "    body: '{}',\n"
            "  };\n"
            "};\n"
        },
    )
    assert policy.framework == "lambda_headers"
    status, headers = _answer(policy, Request("POST", APP))
    assert status == 201
    assert headers == {
        "access-control-allow-origin": APP,
        "access-control-allow-credentials": "true",
        "access-control-max-age": "600",
    }
    # no Origin: `undefined`, which JSON.stringify leaves out of the result
    assert "access-control-allow-origin" not in _answer(policy, Request("GET", None))[1]
    # an OPTIONS request may be answered by API Gateway before the function runs
    with pytest.raises(UnresolvedValueError):
        _answer(policy, Request.make("OPTIONS", APP, {"access-control-request-method": "PUT"}))


def test_lambda_options_branch_answers_the_preflight(tmp_path: Path) -> None:
    (policy,) = _policies(
        tmp_path,
        {
            "fn.js": "const cors = { 'Access-Control-Allow-Origin': 'https://app.example.com' };\n"
            "exports.handler = async (event, context, callback) => {\n"
            "  if (event.requestContext.http.method === 'OPTIONS') {\n"
            "    callback(null, { statusCode: 204, headers: { ...cors, 'Access-Control-Allow-Methods': 'PUT' } });\n"
            "    return;\n"
            "  }\n"
            "  callback(null, { statusCode: 200, headers: cors, body: 'ok' });\n"
            "};\n"
        },
    )
    status, headers = _answer(policy, Request.make("OPTIONS", APP, {"access-control-request-method": "PUT"}))
    assert status == 204 and headers["access-control-allow-methods"] == "PUT"
    status, headers = _answer(policy, Request("PUT", APP))
    assert status == 200 and "access-control-allow-methods" not in headers


def test_unconditional_fetch_answer_is_the_preflight_answer(tmp_path: Path) -> None:
    (policy,) = _policies(
        tmp_path,
        {
            "worker.js": "export default {\n"
            "  fetch() {\n"
            "    return new Response('hi', { headers: { 'Access-Control-Allow-Origin': '*' } });\n"
            "  },\n"
            "};\n"
        },
    )
    assert policy.framework == "fetch_headers"
    status, headers = _answer(policy, Request.make("OPTIONS", APP, {"access-control-request-method": "PUT"}))
    assert status == 200 and headers == {"access-control-allow-origin": "*"}


def test_pages_function_serves_its_own_method(tmp_path: Path) -> None:
    (policy,) = _policies(
        tmp_path,
        {
            "functions/api/a.js": "export const onRequestGet = () =>\n"
            "  new Response('x', { headers: { 'Access-Control-Allow-Origin': '*' } });\n"
        },
    )
    assert _answer(policy, Request("GET", APP))[1] == {"access-control-allow-origin": "*"}
    assert _answer(policy, Request("POST", APP))[1] == {}


def test_next_route_helper_through_path_alias(tmp_path: Path) -> None:
    policies = _policies(
        tmp_path,
        {
            "jsconfig.json": '{ "compilerOptions": { "paths": { "@/*": ["./src/*"] } } }\n',
            "src/lib/cors.js": "export default function cors(req) {\n"
            "  return { 'Access-Control-Allow-Origin': req.headers.get('origin'), Vary: 'Origin' };\n}\n",
            "src/app/api/items/route.js": "import cors from '@/lib/cors';\n"
            "export async function PUT(req) {\n"
            "  return Response.json({}, { headers: cors(req) });\n}\n",
        },
    )
    (policy,) = [p for p in policies if p.framework == "nextjs_route_headers"]
    assert _answer(policy, Request("PUT", APP))[1] == {"access-control-allow-origin": APP, "vary": "Origin"}
    # no Origin: `headers.get` gives null, which Headers writes as "null"
    assert _answer(policy, Request("PUT", None))[1]["access-control-allow-origin"] == "null"
    # no OPTIONS export: Next.js answers 204 itself, without the handler's headers
    status, headers = _answer(policy, Request.make("OPTIONS", APP, {"access-control-request-method": "PUT"}))
    assert (status, headers) == (204, {})


def test_outgoing_request_headers_are_no_policy(tmp_path: Path) -> None:
    policies = _policies(
        tmp_path,
        {
            "netlify/functions/proxy.js": "exports.handler = async (event) => {\n"
            "  const upstream = await fetch(event.queryStringParameters.url, {\n"
            "    headers: { 'Access-Control-Allow-Origin': '*' },\n"
            "  });\n"
            "  return { statusCode: upstream.status, body: await upstream.text() };\n"
            "};\n"
        },
    )
    assert policies == []
