"""AWS CDK HttpApi routes: what corslint reads of an app for API Gateway's own OPTIONS
answer (extractors/aws_cdk/gateway_service.py) against the template the real aws-cdk-lib
(tests/node) synthesizes from the same stack.

Where corslint reads the routes, the synthesized `AWS::ApiGatewayV2::Api` has no
`CorsConfiguration` and its `AWS::ApiGatewayV2::Route`s are exactly the method-and-path
pairs read, none of which takes OPTIONS (no `OPTIONS`, `ANY`, `$default` or `{proxy+}`
route): API Gateway then answers a preflight 404 itself (AWS, "Configure CORS for HTTP
APIs"). Where the stack gives the API a CORS configuration or a catch-all route, corslint
reads nothing (None) and the template shows why."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from corslint.extractors.aws_cdk.gateway_service import read_cdk_service
from tests.test_differential_express import NODE_DIR, require_node_package

HEAD = """const path = require('path');
const cdk = require('aws-cdk-lib');
const lambda = require('aws-cdk-lib/aws-lambda');
const { HttpApi, HttpMethod } = require('aws-cdk-lib/aws-apigatewayv2');
const { HttpLambdaIntegration } = require('aws-cdk-lib/aws-apigatewayv2-integrations');
const app = new cdk.App();
const stack = new cdk.Stack(app, 'S');
const saveFn = new lambda.Function(stack, 'Save', {
  runtime: lambda.Runtime.NODEJS_20_X,
  code: lambda.Code.fromAsset(path.join(__dirname, 'lambda')),
  handler: 'save.handler',
});
"""
STACKS = {
    "post_and_delete": """const api = new HttpApi(stack, 'Api');
api.addRoutes({ path: '/items', methods: [HttpMethod.POST], integration: new HttpLambdaIntegration('Save', saveFn) });
const removeIntegration = new HttpLambdaIntegration('Remove', saveFn);
api.addRoutes({ path: '/items/{id}', methods: [HttpMethod.DELETE, HttpMethod.PUT], integration: removeIntegration });
""",
    "cors_preflight": """const api = new HttpApi(stack, 'Api', { corsPreflight: { allowOrigins: ['https://app.example.com'] } });
api.addRoutes({ path: '/items', methods: [HttpMethod.POST], integration: new HttpLambdaIntegration('Save', saveFn) });
""",
    "default_integration": """const api = new HttpApi(stack, 'Api', { defaultIntegration: new HttpLambdaIntegration('All', saveFn) });
""",
    "any_method": """const api = new HttpApi(stack, 'Api');
api.addRoutes({ path: '/items', integration: new HttpLambdaIntegration('Save', saveFn) });
""",
}
SYNTH = """
const fs = require('fs');
const path = require('path');
const file = process.argv[1];
const body = fs.readFileSync(file, 'utf-8') + '\\nreturn app;';
const app = new Function('require', '__dirname', body)(require, path.dirname(file));
const resources = Object.values(app.synth().getStackByName('S').template.Resources);
console.log(JSON.stringify({
  cors: resources.filter((r) => r.Type === 'AWS::ApiGatewayV2::Api').map((r) => r.Properties.CorsConfiguration || null),
  routes: resources.filter((r) => r.Type === 'AWS::ApiGatewayV2::Route').map((r) => r.Properties.RouteKey).sort(),
}));
"""


def _synth(stack: Path) -> dict[str, list[object]]:
    completed = subprocess.run(
        ["node", "-e", SYNTH, str(stack)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=NODE_DIR,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    found: dict[str, list[object]] = json.loads(completed.stdout)
    return found


@pytest.mark.parametrize("name", sorted(STACKS))
def test_routes_read_are_the_synthesized_routes(tmp_path: Path, name: str) -> None:
    require_node_package("aws-cdk-lib")
    (tmp_path / "cdk.json").write_text(json.dumps({"app": "node app.js"}))
    (tmp_path / "lambda").mkdir()
    (tmp_path / "lambda" / "save.js").write_text("exports.handler = async () => ({ statusCode: 200 });\n")
    stack = tmp_path / "app.js"
    stack.write_text(HEAD + STACKS[name])
    synthesized = _synth(stack)
    service = read_cdk_service(str(tmp_path / "cdk.json"))
    assert (service is not None) == (name == "post_and_delete")
    if service is None:
        # unknown: the API answers preflights itself, or a route passes OPTIONS to the Lambda
        assert synthesized["cors"] != [None] or any(
            key == "$default" or str(key).startswith("ANY ") for key in synthesized["routes"]
        ), synthesized
        return
    assert synthesized["cors"] == [None]
    read = sorted(f"{e.method} {e.path}" for f in service.functions for e in f.events if e.kind == "httpApi")
    assert read == synthesized["routes"]
    assert [f.source for f in service.functions] == [str((tmp_path / "lambda" / "save.js").resolve())]
