"""API Gateway's own OPTIONS answer for handlers deployed by a ``serverless.ts``
(extractors/serverless_framework/serverless_ts.py): the exported object is read as
serverless.yml is, with the aws-nodejs-typescript template's per-function ``index.ts`` and
``${handlerPath(__dirname)}/handler.main``; anything not plainly read is unknown (None)."""

from __future__ import annotations

from pathlib import Path

import pytest

from corslint.extractors.serverless_framework.gateway_options import gateway_options_answer

RESOLVER = """\
export const handlerPath = (context: string) =>
  `${context.split(process.cwd())[1].substring(1).replace(/\\\\/g, '/')}`;
"""

REPLY = """\
export const reply = (statusCode: number, body: unknown) => ({
  statusCode,
  headers: { 'Access-Control-Allow-Origin': 'https://app.example.com' },
  body: JSON.stringify(body),
});
"""

HANDLER = """\
import { reply } from '@libs/reply';

export const main = async (event: { body?: string }) => reply(201, JSON.parse(event.body ?? '{}'));
"""

FUNCTION = """\
import { handlerPath } from '@libs/handler-resolver';

export default {
  handler: `${handlerPath(__dirname)}/handler.main`,
  events: [{ EVENT }],
};
"""

CONFIG = """\
import type { AWS } from '@serverless/typescript';
import saveItem from '@functions/saveItem';

const serverlessConfiguration: AWS = {
  service: 'items',
  provider: { name: 'aws', runtime: 'nodejs20.x' PROVIDER },
  functions: { saveItem },
};

module.exports = serverlessConfiguration;
"""

PATHS = '{"compilerOptions": {"baseUrl": ".", "paths": {"@functions/*": ["src/functions/*"], "@libs/*": ["src/libs/*"]}}}'


def _service(
    root: Path,
    event: str = "http: { method: 'post', path: 'items' }",
    provider: str = "",
    config: str = CONFIG,
    resolver: str = RESOLVER,
) -> Path:
    (root / "src" / "functions" / "saveItem").mkdir(parents=True)
    (root / "src" / "libs").mkdir()
    (root / "package.json").write_text('{"name": "items"}\n')
    (root / "tsconfig.json").write_text(PATHS)
    (root / "serverless.ts").write_text(config.replace("PROVIDER", provider))
    (root / "src" / "libs" / "handler-resolver.ts").write_text(resolver)
    (root / "src" / "libs" / "reply.ts").write_text(REPLY)
    (root / "src" / "functions" / "saveItem" / "index.ts").write_text(FUNCTION.replace("EVENT", event))
    handler = root / "src" / "functions" / "saveItem" / "handler.ts"
    handler.write_text(HANDLER)
    return handler


def test_rest_events_without_cors_answer_403(tmp_path: Path) -> None:
    _service(tmp_path)
    for file in ("src/functions/saveItem/handler.ts", "src/libs/reply.ts"):  # the handler, its helper
        answer = gateway_options_answer(str(tmp_path / file))
        assert answer is not None and answer.status == 403, file
        assert answer.detail.startswith("serverless.ts deploys it behind an API Gateway REST API")
        assert answer.location.path.endswith("saveItem/index.ts")


def test_http_api_events_without_cors_answer_404(tmp_path: Path) -> None:
    handler = _service(tmp_path, "httpApi: { method: 'POST', path: '/items' }")
    answer = gateway_options_answer(str(handler))
    assert answer is not None and answer.status == 404


def test_a_literal_handler_in_serverless_ts(tmp_path: Path) -> None:
    config = CONFIG.replace("import saveItem from '@functions/saveItem';\n", "").replace(
        "functions: { saveItem }",
        "functions: {\n    saveItem: {\n      handler: 'src/functions/saveItem/handler.main',\n"
        "      events: [{ httpApi: 'PUT /items/{id}' }],\n    },\n  }",
    )
    answer = gateway_options_answer(str(_service(tmp_path, config=config)))
    assert answer is not None and answer.status == 404


def test_functions_through_a_reexporting_index(tmp_path: Path) -> None:
    config = CONFIG.replace(
        "import saveItem from '@functions/saveItem'", "import { saveItem } from '@functions/index'"
    )
    handler = _service(tmp_path, config=config)
    (tmp_path / "src" / "functions" / "index.ts").write_text(
        "export { default as saveItem } from './saveItem';\n"
    )
    answer = gateway_options_answer(str(handler))
    assert answer is not None and answer.status == 403


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"event": "http: { method: 'post', path: 'items', cors: true }"}, "the event's own cors"),
        ({"event": "http: { method: 'any', path: 'items' }"}, "ANY passes OPTIONS to the Lambda"),
        ({"event": "http: { method: METHOD, path: 'items' }"}, "a method not read"),
        ({"event": "sqs: { arn: 'arn:aws:sqs:eu-west-1:1:q' }"}, "another trigger"),
        (
            {"event": "httpApi: { method: 'POST', path: '/items' }", "provider": ", httpApi: { cors: true }"},
            "HTTP API cors",
        ),
        ({"provider": ", apiGateway: { restApiId: 'abc123' }"}, "an API made elsewhere"),
        ({"provider": ", ...sharedProvider"}, "a spread not read"),
        ({"resolver": "export const handlerPath = (context: string) => context;\n"}, "another handlerPath"),
        ({"config": CONFIG.replace("module.exports = serverlessConfiguration;\n", "")}, "nothing exported"),
        (
            {
                "config": CONFIG.replace(
                    "  functions:", "  plugins: ['serverless-plugin-cors'],\n  functions:"
                )
            },
            "a CORS plugin",
        ),
        (
            {"config": CONFIG.replace("  functions:", "  plugins: [...sharedPlugins],\n  functions:")},
            "plugins not read",
        ),
        (
            {
                "config": "import resources from './resources';\n"
                + CONFIG.replace("  functions:", "  resources,\n  functions:")
            },
            "resources not read",
        ),
    ],
)
def test_any_doubt_is_unknown(tmp_path: Path, change: dict[str, str], why: str) -> None:
    handler = _service(tmp_path, **change)
    assert gateway_options_answer(str(handler)) is None, why


def test_api_gateway_resources_read_from_a_module_are_unknown(tmp_path: Path) -> None:
    config = "import resources from './resources';\n" + CONFIG.replace(
        "  functions:", "  resources,\n  functions:"
    )
    handler = _service(tmp_path, config=config)
    (tmp_path / "resources.ts").write_text(
        "export default { Resources: { Deny: { Type: 'AWS::ApiGateway::GatewayResponse' } } };\n"
    )
    assert gateway_options_answer(str(handler)) is None
    (tmp_path / "resources.ts").write_text(
        "export default { Resources: { Q: { Type: 'AWS::SQS::Queue' } } };\n"
    )
    assert gateway_options_answer(str(handler)) is not None


def test_serverless_ts_beside_serverless_yml_is_unknown(tmp_path: Path) -> None:
    handler = _service(tmp_path)
    (tmp_path / "serverless.yml").write_text("service: items\nprovider:\n  name: aws\n")
    assert gateway_options_answer(str(handler)) is None
