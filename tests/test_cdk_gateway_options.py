"""API Gateway answering a Lambda's OPTIONS requests itself where an AWS CDK app deploys the
handler behind an `HttpApi` without `corsPreflight` (extractors/aws_cdk/gateway_service.py,
through serverless_framework/gateway_options.py): a route is a method and a path, and
without a CORS configuration API Gateway answers an OPTIONS request no route takes 404
(AWS, "Configure CORS for HTTP APIs"). Every link not read leaves the answer unknown."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corslint.extractors.serverless_framework.gateway_options import gateway_options_answer

HANDLER = """\
export const handler = async (event: { body?: string }) => ({
  statusCode: 201,
  headers: { 'Access-Control-Allow-Origin': 'https://app.example.com' },
  body: event.body ?? '',
});
"""

STACK = """\
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';

export class ItemsStack extends Stack {
  constructor(scope: any, id: string) {
    super(scope, id);
    const saveFn = new NodejsFunction(this, 'Save', { entry: path.join(__dirname, '../lambda/save.ts') });
    const api = new apigwv2.HttpApi(this, 'Api');
    api.addRoutes({
      path: '/items',
      methods: [apigwv2.HttpMethod.POST],
      integration: new HttpLambdaIntegration('SaveIntegration', saveFn),
    });
  }
}
"""


def _app(root: Path, stack: str = STACK, app: str = "npx ts-node bin/app.ts") -> Path:
    (root / "lib").mkdir()
    (root / "lambda").mkdir()
    (root / "cdk.json").write_text(json.dumps({"app": app}))
    (root / "lib" / "items-stack.ts").write_text(stack)
    handler = root / "lambda" / "save.ts"
    handler.write_text(HANDLER)
    return handler


def test_http_api_without_cors_preflight_answers_404(tmp_path: Path) -> None:
    answer = gateway_options_answer(str(_app(tmp_path)))
    assert answer is not None and answer.status == 404
    assert "the AWS CDK app deploys it" in answer.detail and "`corsPreflight`" in answer.detail
    assert answer.location.path.endswith("items-stack.ts")


def test_a_lambda_function_from_an_asset_folder(tmp_path: Path) -> None:
    stack = STACK.replace(
        "new NodejsFunction(this, 'Save', { entry: path.join(__dirname, '../lambda/save.ts') })",
        "new lambda.Function(this, 'Save', {\n      runtime: lambda.Runtime.NODEJS_20_X,\n"
        "      code: lambda.Code.fromAsset(path.join(__dirname, '..', 'lambda')),\n"
        "      handler: 'save.handler',\n    })",
    ).replace(
        "import { NodejsFunction }",
        "import * as lambda from 'aws-cdk-lib/aws-lambda';\nimport { NodejsFunction }",
    )
    answer = gateway_options_answer(str(_app(tmp_path, stack)))
    assert answer is not None and answer.status == 404


def test_an_integration_bound_to_a_name_and_a_grant(tmp_path: Path) -> None:
    stack = STACK.replace(
        "      integration: new HttpLambdaIntegration('SaveIntegration', saveFn),\n",
        "      integration,\n",
    ).replace(
        "    const api = new apigwv2.HttpApi(this, 'Api');\n",
        "    const api = new apigwv2.HttpApi(this, 'Api');\n"
        "    const integration = new HttpLambdaIntegration('SaveIntegration', saveFn);\n"
        "    table.grantWriteData(saveFn);\n    saveFn.addEnvironment('MODE', 'live');\n",
    )
    answer = gateway_options_answer(str(_app(tmp_path, stack)))
    assert answer is not None and answer.status == 404


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (
            (
                "new apigwv2.HttpApi(this, 'Api')",
                "new apigwv2.HttpApi(this, 'Api', { corsPreflight: { allowOrigins: ['*'] } })",
            ),
            "corsPreflight",
        ),
        (
            (
                "new apigwv2.HttpApi(this, 'Api')",
                "new apigwv2.HttpApi(this, 'Api', { defaultIntegration: other })",
            ),
            "the $default route",
        ),
        (("      methods: [apigwv2.HttpMethod.POST],\n", ""), "no methods: ANY"),
        (("HttpMethod.POST", "HttpMethod.ANY"), "ANY"),
        (("path: '/items'", "path: '/{proxy+}'"), "a greedy path"),
        (("    const api =", "    saveFn.addFunctionUrl();\n    const api ="), "a function URL too"),
        (("entry: path.join(__dirname, '../lambda/save.ts')", "entry: entryOf('save')"), "an entry not read"),
        (("path: '/items'", "path: ITEMS_PATH"), "a path not read"),
        (("api.addRoutes(", "addRoute(api, "), "a route added by a helper"),
        (
            ("    const api =", "    new apigwv2.HttpRoute(this, 'R', {} as any);\n    const api ="),
            "an HttpRoute construct",
        ),
        (("const saveFn = new NodejsFunction(", "const saveFn = makeFunction("), "a function from a factory"),
        (
            ("    const api =", "    other.use(new HttpLambdaIntegration('X', saveFn));\n    const api ="),
            "an integration given to something else",
        ),
    ],
)
def test_any_doubt_is_unknown(tmp_path: Path, change: tuple[str, str], why: str) -> None:
    stack = STACK.replace(*change)
    assert stack != STACK, why
    assert gateway_options_answer(str(_app(tmp_path, stack))) is None, why


def test_a_python_app_is_not_read(tmp_path: Path) -> None:
    assert gateway_options_answer(str(_app(tmp_path, app="python3 app.py"))) is None


def test_a_function_kept_on_the_stack_and_used_by_another_file(tmp_path: Path) -> None:
    stack = STACK.replace("const saveFn = new", "this.saveFn = new").replace(
        "HttpLambdaIntegration('SaveIntegration', saveFn)",
        "HttpLambdaIntegration('SaveIntegration', this.saveFn)",
    )
    handler = _app(tmp_path, stack)
    assert gateway_options_answer(str(handler)) is not None
    (tmp_path / "lib" / "alarms-stack.ts").write_text(
        "import { Stack } from 'aws-cdk-lib';\nexport const watch = (items: any) => items.saveFn.addFunctionUrl();\n"
    )
    assert gateway_options_answer(str(handler)) is None
