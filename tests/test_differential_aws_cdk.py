"""AWS CDK stacks: corslint's model against the real aws-cdk-lib (2.278.0, tests/node).

Each stack below (plain JavaScript, the option blocks of tests/fixtures/aws_cdk and a few
more shapes) is read by corslint from a temporary project and synthesized by aws-cdk-lib in
Node, the way `cdk synth` does. For a REST API every generated OPTIONS method is a MOCK
integration whose `ResponseParameters` are the preflight headers API Gateway sends (its
response template replacing Allow-Origin with a request Origin it lists): the model's answer
to preflights from listed and unlisted origins must carry exactly those headers and status.
For an HTTP API the synthesized `CorsConfiguration` must hold what the model reads."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

from corslint.frameworks import framework_of
from corslint.http import Request
from corslint.model import CorsPolicy
from tests.conftest import run_lint
from tests.test_differential_express import NODE_DIR, require_node_package

HEAD = """const cdk = require('aws-cdk-lib');
const apigateway = require('aws-cdk-lib/aws-apigateway');
const { CorsHttpMethod, HttpApi } = require('aws-cdk-lib/aws-apigatewayv2');
const { Duration } = cdk;
const app = new cdk.App();
const stack = new cdk.Stack(app, 'S');
"""
REST_STACKS = {
    "all_origins_credentials": """const api = new apigateway.RestApi(stack, 'GuestbookApi', {
  defaultCorsPreflightOptions: {
    allowOrigins: apigateway.Cors.ALL_ORIGINS,
    allowMethods: apigateway.Cors.ALL_METHODS,
    allowCredentials: true,
    maxAge: Duration.days(1),
  },
});
api.root.addResource('entries').addMethod('GET', new apigateway.MockIntegration());
""",
    "resource_preflight_allowlist": """const api = new apigateway.RestApi(stack, 'ParcelsApi');
const parcels = api.root.addResource('parcels');
parcels.addCorsPreflight({
  allowOrigins: ['https://couriers.parcelpost.example', 'https://depot.parcelpost.example/'],
  allowHeaders: ['Content-Type', 'X-Amz-Date'],
  allowMethods: ['GET', 'POST'],
});
parcels.addMethod('GET', new apigateway.MockIntegration());
""",
    "spread_headers_any_method": """const SITES = ['https://a.tide.example', 'https://b.tide.example', 'https://c.tide.example'];
const api = new apigateway.RestApi(stack, 'TideApi');
api.root.addResource('tides', {
  defaultCorsPreflightOptions: {
    allowOrigins: SITES,
    allowHeaders: [...apigateway.Cors.DEFAULT_HEADERS, 'X-Tenant'],
    allowMethods: ['ANY'],
    disableCache: true,
    exposeHeaders: ['ETag'],
    statusCode: 200,
  },
}).addMethod('GET', new apigateway.MockIntegration());
""",
    "defaults_one_origin": """new apigateway.RestApi(stack, 'DocsApi', {
  defaultCorsPreflightOptions: { allowOrigins: ['https://docs.lantern.example'], maxAge: Duration.minutes(5) },
}).root.addMethod('GET', new apigateway.MockIntegration());
""",
}
HTTP_STACKS = {
    "http_allowlist": """const ROTA_SITES = ['https://rota.harbourclinic.example', 'https://admin.harbourclinic.example'];
new HttpApi(stack, 'RotaApi', {
  corsPreflight: {
    allowOrigins: ROTA_SITES,
    allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.PUT, CorsHttpMethod.OPTIONS],
    allowHeaders: ['content-type', 'authorization'],
    allowCredentials: true,
    maxAge: Duration.minutes(10),
  },
});
""",
    "http_any": """new HttpApi(stack, 'OpenApi', {
  corsPreflight: { allowOrigins: ['*'], allowMethods: [CorsHttpMethod.ANY], maxAge: Duration.hours(3), exposeHeaders: ['x-request-id'] },
});
""",
}
SYNTH = """
const fs = require('fs');
const out = {};
for (const file of JSON.parse(process.argv[1])) {
  const app = new Function('require', fs.readFileSync(file, 'utf-8') + '\\nreturn app;')(require);
  const resources = app.synth().getStackByName('S').template.Resources;
  out[file] = Object.values(resources).map((r) => r.Properties && r.Type === 'AWS::ApiGateway::Method'
    && r.Properties.HttpMethod === 'OPTIONS' ? { options: r.Properties.Integration.IntegrationResponses[0] }
    : r.Type === 'AWS::ApiGatewayV2::Api' ? { cors: r.Properties.CorsConfiguration || null } : null)
    .filter((x) => x !== null);
}
console.log(JSON.stringify(out));
"""
ORIGINS = (
    "https://couriers.parcelpost.example",
    "https://depot.parcelpost.example",
    "https://b.tide.example",
    "https://c.tide.example",
    "https://docs.lantern.example",
    "https://evil.test",
    "null",
)


def _synth(files: list[Path]) -> dict[str, list[dict[str, Any]]]:
    completed = subprocess.run(
        ["node", "-e", SYNTH, json.dumps([str(f) for f in files])],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=NODE_DIR,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    found: dict[str, list[dict[str, Any]]] = json.loads(completed.stdout)
    return found


def _project(tmp_path: Path, stacks: dict[str, str]) -> tuple[dict[str, CorsPolicy], dict[str, Any]]:
    (tmp_path / "package.json").write_text('{ "name": "infra", "private": true }\n')
    files = []
    for name, body in stacks.items():
        (tmp_path / f"{name}.js").write_text(HEAD + body)
        files.append(tmp_path / f"{name}.js")
    policies = {Path(p.location.path).stem: p for p in run_lint(tmp_path).policies}
    assert set(policies) == set(stacks), policies
    return policies, _synth(files)


def _real_preflight(mock: dict[str, Any], origin: str) -> tuple[int, dict[str, str]]:
    prefix = "method.response.header."
    headers = {
        name[len(prefix) :].lower(): re.fullmatch(r"'(.*)'", value).group(1)  # type: ignore[union-attr]
        for name, value in mock["ResponseParameters"].items()
    }
    template = (mock.get("ResponseTemplates") or {}).get("application/json", "")
    if origin in re.findall(r'\$origin == "([^"]*)"', template):
        headers["access-control-allow-origin"] = origin
    return int(mock["StatusCode"]), headers


def test_rest_preflight_matches_the_synthesized_mock(tmp_path: Path) -> None:
    require_node_package("aws-cdk-lib")
    policies, real = _project(tmp_path, REST_STACKS)
    compared = 0
    for name, policy in policies.items():
        assert policy.framework == "aws_cdk_rest"
        mocks = [item["options"] for item in real[str(tmp_path / f"{name}.js")]]
        assert mocks, name
        for mock in mocks:
            for origin in ORIGINS:
                for method in ("GET", "DELETE"):
                    request = Request.make("OPTIONS", origin, {"access-control-request-method": method})
                    answer = framework_of(policy).respond(policy, request)
                    predicted = {k.lower(): v for k, v in answer.headers}
                    assert (answer.status, predicted) == _real_preflight(mock, origin), (name, origin)
                    compared += 1
    assert compared >= 70


def test_http_api_cors_configuration_is_what_the_model_reads(tmp_path: Path) -> None:
    require_node_package("aws-cdk-lib")
    policies, real = _project(tmp_path, HTTP_STACKS)
    for name, policy in policies.items():
        assert policy.framework == "aws_cdk_http_api"
        (item,) = real[str(tmp_path / f"{name}.js")]
        synthesized = item["cors"]
        read = {key: value.plain() for key, value in policy.options.items()}
        expected = {key: tuple(v) if isinstance(v, list) else v for key, v in synthesized.items()}
        assert read == expected, name


PYTHON_STACK = """from aws_cdk import Duration, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_apigatewayv2 as apigwv2

SITES = ["https://a.tide.example", "https://b.tide.example", "https://c.tide.example"]


class TideStack(Stack):
    def __init__(self, scope, construct_id):
        super().__init__(scope, construct_id)
        api = apigw.RestApi(self, "TideApi")
        api.root.add_resource(
            "tides",
            default_cors_preflight_options=apigw.CorsOptions(
                allow_origins=SITES,
                allow_headers=[*apigw.Cors.DEFAULT_HEADERS, "X-Tenant"],
                allow_methods=["ANY"],
                disable_cache=True,
                expose_headers=["ETag"],
                status_code=200,
            ),
        )
        apigwv2.HttpApi(
            self,
            "OpenApi",
            cors_preflight=apigwv2.CorsPreflightOptions(
                allow_origins=["*"],
                allow_methods=[apigwv2.CorsHttpMethod.ANY],
                max_age=Duration.hours(3),
                expose_headers=["x-request-id"],
            ),
        )
"""


def test_python_stack_reads_as_its_javascript_twin(tmp_path: Path) -> None:
    """A Python stack's options (keywords of `CorsOptions` / `CorsPreflightOptions`) are read
    as the same stack in JavaScript, whose reading the synth comparisons above check."""
    (tmp_path / "package.json").write_text('{ "name": "infra", "private": true }\n')
    (tmp_path / "tide_stack.py").write_text(PYTHON_STACK)
    (tmp_path / "spread_headers_any_method.js").write_text(HEAD + REST_STACKS["spread_headers_any_method"])
    (tmp_path / "http_any.js").write_text(HEAD + HTTP_STACKS["http_any"])
    policies = list(run_lint(tmp_path).policies)
    python = {p.framework: p for p in policies if p.location.path.endswith(".py")}
    javascript = {p.framework: p for p in policies if p.location.path.endswith(".js")}
    assert set(python) == set(javascript) == {"aws_cdk_rest", "aws_cdk_http_api"}
    for framework, policy in python.items():
        twin = javascript[framework]
        assert {k: v.plain() for k, v in policy.options.items()} == {
            k: v.plain() for k, v in twin.options.items()
        }, framework
