"""NestJS `ConfigService.get('FRONT_URL')`: with `@nestjs/config` it reads the process
environment, then the `.env` file `ConfigModule.forRoot()` loaded, so a flat upper-case key
is the environment variable of that name (Mathmate-il/mathmate-server `config.get(
'LOCALHOST')` on `new ConfigService()`; `configService.get<string>('CORS_ORIGIN')`,
`app.get(ConfigService).get('ALLOWED_ORIGINS', { infer: true })`)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from corslint.extractors.js.syntax import Node, is_env_name, string_value, unwrap

if TYPE_CHECKING:
    from corslint.extractors.js.parsed_module import ParsedModule

_SERVICE_NAME = re.compile(r"(?:^|\.)(?:_?configService|_?config)$")
_METHODS = frozenset({"get", "getOrThrow"})


def config_service_env(
    module: ParsedModule, receiver: Node | None, method: str, arguments: list[Node]
) -> str | None:
    """The variable `<ConfigService>.get('NAME')` reads, or None for any other call. The
    module must name `ConfigService` (its import or a parameter's type)."""
    if receiver is None or method not in _METHODS or not arguments or b"ConfigService" not in module.source:
        return None
    name = string_value(arguments[0])
    if name is None or not is_env_name(name):
        return None
    return name if is_config_service(module, receiver) else None


def is_config_service(module: ParsedModule, receiver: Node) -> bool:
    """`configService`, `this.configService`, `config`, or a const bound to
    `new ConfigService()` / `app.get(ConfigService)`."""
    receiver = unwrap(receiver)
    text = module.text(receiver).replace(" ", "")
    if receiver.type == "identifier":
        bound = module.binding(text)
        if bound is not None:
            written = module.text(unwrap(bound)).replace(" ", "")
            if written.startswith("newConfigService") or ".get(ConfigService" in written:
                return True
    return _SERVICE_NAME.search(text) is not None
