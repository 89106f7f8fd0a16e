"""serverless.yml read once per run for API Gateway's own OPTIONS answer, however many
Lambda handlers it deploys, through the context's memo (ObservedMemo): the results cache
still sees the file, so an edit reaches every handler's cached outcome
(extractors/serverless_framework/service_routes.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import corslint.extractors.serverless_framework.service_routes as service_routes
from corslint.runner.run import lint
from corslint.runner.settings import Settings

PAST = 1_600_000_000

HANDLER = """\
const HEADERS = {{ 'Access-Control-Allow-Origin': 'https://app.example.com' }};

module.exports.{name} = async (event) => ({{ statusCode: 201, headers: HEADERS, body: event.body }});
"""

CONFIG = """\
service: memo
provider:
  name: aws
  runtime: nodejs20.x
functions:
  save:
    handler: src/save.save
    events:
      - httpApi:
          method: POST
          path: /items
  update:
    handler: src/update.update
    events:
      - httpApi:
          method: PUT
          path: /items/{id}
  remove:
    handler: src/remove.remove
    events:
      - httpApi:
          method: DELETE
          path: /items/{id}
"""


def _write(path: Path, text: str, mtime: int = PAST) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    os.utime(path, (mtime, mtime))


@pytest.fixture
def service(in_tmp: Path) -> Path:
    (in_tmp / ".git").mkdir()
    _write(in_tmp / "serverless.yml", CONFIG)
    for name in ("save", "update", "remove"):
        _write(in_tmp / "src" / f"{name}.js", HANDLER.format(name=name))
    return in_tmp


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The path of every serverless.yml parsed for a gateway answer."""
    seen: list[str] = []
    original = service_routes.read_document

    def counting(path: str, text: str, keys: object = None) -> object:
        seen.append(os.path.basename(path))
        return original(path, text)

    monkeypatch.setattr(service_routes, "read_document", counting)
    return seen


def _flagged(result: object) -> set[str]:
    findings = result.findings  # type: ignore[attr-defined]
    return {f.location.path for f in findings if f.rule_id == "CORS206" and "API Gateway" in f.message}


def test_several_handlers_parse_the_service_once(service: Path, reads: list[str]) -> None:
    result = lint([Path(".")], Settings(), jobs=1)
    assert _flagged(result) == {"src/save.js", "src/update.js", "src/remove.js"}
    assert reads == ["serverless.yml"]


def test_an_edit_to_serverless_yml_reaches_every_cached_handler(service: Path, reads: list[str]) -> None:
    cache = service / ".corslint_cache"
    before = lint([Path(".")], Settings(), cache_dir=cache, jobs=1)
    assert len(_flagged(before)) == 3
    _write(
        service / "serverless.yml",
        CONFIG.replace("  runtime: nodejs20.x\n", "  runtime: nodejs20.x\n  httpApi:\n    cors: true\n"),
        PAST + 10,
    )
    after = lint([Path(".")], Settings(), cache_dir=cache, jobs=1)
    assert _flagged(after) == set()  # the HTTP API answers preflights itself now
    assert reads == ["serverless.yml", "serverless.yml"]  # once per version of the file


TS_FUNCTION = """\
import {{ handlerPath }} from '@libs/handler-resolver';

export default {{
  handler: `${{handlerPath(__dirname)}}/handler.main`,
  events: [{{ httpApi: {{ method: '{method}', path: '/items' }} }}],
}};
"""

TS_CONFIG = """\
import save from '@functions/save';
import remove from '@functions/remove';

const serverlessConfiguration = {
  service: 'memo',
  provider: { name: 'aws', runtime: 'nodejs20.x' },
  functions: { save, remove },
};

module.exports = serverlessConfiguration;
"""


def test_serverless_ts_is_read_once_for_several_handlers(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import corslint.extractors.serverless_framework.serverless_ts as serverless_ts

    (in_tmp / ".git").mkdir()
    _write(in_tmp / "package.json", '{"name": "memo"}\n')
    _write(
        in_tmp / "tsconfig.json",
        '{"compilerOptions": {"baseUrl": ".", "paths": {"@functions/*": ["src/functions/*"], '
        '"@libs/*": ["src/libs/*"]}}}',
    )
    _write(in_tmp / "serverless.ts", TS_CONFIG)
    _write(
        in_tmp / "src" / "libs" / "handler-resolver.ts",
        "export const handlerPath = (c: string) => c.split(process.cwd())[1].substring(1);\n",
    )
    for name, method in (("save", "POST"), ("remove", "DELETE")):
        _write(in_tmp / "src" / "functions" / name / "index.ts", TS_FUNCTION.format(method=method))
        _write(in_tmp / "src" / "functions" / name / "handler.ts", HANDLER.format(name="main"))
    parsed: list[str] = []
    original = serverless_ts.JsProject.module

    def counting(self: object, path: str, text: str, file: object) -> object:
        parsed.append(os.path.basename(path))
        return original(self, path, text, file)  # type: ignore[arg-type]

    monkeypatch.setattr(serverless_ts.JsProject, "module", counting)
    result = lint([Path(".")], Settings(), jobs=1)
    assert _flagged(result) == {"src/functions/save/handler.ts", "src/functions/remove/handler.ts"}
    assert parsed.count("serverless.ts") == 1
