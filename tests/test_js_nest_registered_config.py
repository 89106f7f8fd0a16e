"""`configService.getOrThrow('ns.key')` read from the `registerAs('ns')` factory's object."""

from __future__ import annotations

from pathlib import Path

from corslint.extractors.js.project import JsProject
from corslint.model import Provenance, Value

_MAIN = """import { ConfigService } from '@nestjs/config';
const configService = app.get(ConfigService);
const read = configService.getOrThrow(KEY);
"""


def _read(tmp_path: Path, config: str, key: str) -> Value:
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / "package.json").write_text('{"name": "api"}')
    (tmp_path / "src" / "config").mkdir(parents=True)
    (tmp_path / "src" / "config" / "web.config.ts").write_text(config)
    main = tmp_path / "src" / "main.ts"
    main.write_text(_MAIN.replace("KEY", repr(key)))
    module = JsProject().module("src/main.ts", main.read_text(), main)
    call = next(node for node in module.of_kind("call_expression") if "getOrThrow" in module.text(node))
    return module.resolve(call)


def _origins(value: Value) -> list[object]:
    assert isinstance(value.raw, tuple)
    return [item.raw for item in value.raw]


def test_namespace_property_default_is_read(tmp_path: Path) -> None:
    config = """import { registerAs } from '@nestjs/config';
export default registerAs('web', () => ({
  origins: (process.env.WEB_ORIGINS || 'https://a.example, ').split(',').map((o) => o.trim()).filter((o) => o.length > 0),
}));
"""
    value = _read(tmp_path, config, "web.origins")
    assert _origins(value) == ["https://a.example"]
    assert value.provenance is Provenance.ENV_DEFAULT and value.env_var == "WEB_ORIGINS"
    assert value.location.path == "src/main.ts"


def test_other_namespace_or_unknown_property_stays_unknown(tmp_path: Path) -> None:
    config = """import { registerAs } from '@nestjs/config';
export default registerAs('web', () => {
  return { origins: loadOrigins(), port: 80 };
});
"""
    assert _read(tmp_path, config, "web.origins").provenance is Provenance.UNKNOWN
    assert _read(tmp_path / "b", config, "mail.origins").provenance is Provenance.UNKNOWN
