"""One reading of a field of a validated-environment schema, for envalid's `cleanEnv`
(envalid_env.py) and zod / t3-env schemas (env_schemas.py): each field reads the variable of
its name, and what the code gets is, in order:

- the committed `.env`'s value, where the project loads one and the field hands the
  variable on as it is read (a string field); where the field parses or transforms it
  (envalid `bool()` / `num()`, zod `.transform(...)`, `z.coerce`), the set variable is
  something corslint does not compute: unknown, never the raw text;
- else the field's default, what the code gets when the variable is unset (judged "when X
  is unset", as `process.env.X || value` is);
- else the variable itself: unknown.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from corslint.extractors.js.dotenv_values import committed_env_value
from corslint.extractors.js.syntax import Node
from corslint.model import FunctionValue, Location, Provenance, Value


class EnvModule(Protocol):
    """What is read of the module (a `module.JsModule`, which calls in: no import back)."""

    imports: dict[str, tuple[str, str]]

    @property
    def file(self) -> Path | None: ...
    @property
    def project(self) -> Any: ...
    def text(self, node: Node) -> str: ...
    def binding(self, name: str) -> Node | None: ...
    def location(self, node: Node) -> Location: ...
    def unknown(self, node: Node, env_var: str | None = None) -> Value: ...
    def resolve(self, node: Node, depth: int = 0) -> Value: ...


def field_value(
    module: EnvModule, key: str, field: Node, where: Location, default: Value | None, *, as_read: bool
) -> Value:
    """What the schema's field `key` holds (see the module's docstring): `default` is the
    field's default read by `schema_default` (None: it has none), `as_read` whether a set
    variable reaches the code as its text."""
    committed = committed_env_value(module, key, where)
    if committed is not None:
        return committed if as_read else module.unknown(field, key)
    return default or module.unknown(field, key)


def schema_default(module: EnvModule, key: str, field: Node, given: Node, depth: int, schema: str) -> Value:
    """The default `given` in the field, as the value the code gets when `key` is unset;
    unknown when it cannot be read. `schema`: whose default it is, for messages."""
    default = module.resolve(given, depth)
    if not default.known or default.raw is None or isinstance(default.raw, FunctionValue):
        return module.unknown(field, key)
    return Value(
        default.raw,
        default.location,
        Provenance.ENV_DEFAULT,
        key,
        f"{key} (its {schema} default)",
        default.related,
    )
