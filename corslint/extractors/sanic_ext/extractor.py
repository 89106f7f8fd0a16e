"""Sanic Extensions' CORS configured through `sanic_ext.Config(cors_origins=..., ...)`
(the object `app.extend(config=...)` or `Extend(app, config=...)` takes), read with `ast`.

Seen in aws/res (source/idea/idea-sdk/src/ideasdk/server/cors.py: `get_cors_config()`
returns `Config(cors_origins="*", cors_allow_headers=[...])`, which every RES server's
`apply_sanic_extensions` hands to `app.extend`). Each keyword `cors_x` sets the app config
key `CORS_X`, the option names the model (frameworks/sanic_ext.py) reads. `cors=False`
turns the extension's CORS off: no policy. `CORS_*` keys set on `app.config` stay
CORS003 (unmodelled.python_code), as Sanic-CORS reads the same keys."""

from __future__ import annotations

from corslint.extractors.context import ProjectContext
from corslint.extractors.python import is_development_path
from corslint.extractors.python.call_options import arms, read_arguments
from corslint.model import CorsPolicy, Extraction

CONFIG_CLASSES = frozenset({"sanic_ext.Config", "sanic_ext.config.Config"})


def extract(path: str, text: str, context: ProjectContext) -> Extraction:
    if "sanic_ext" not in text:  # no import can name its Config: no parse (models, migrations)
        return Extraction()
    module = context.python.parse(path, text)
    policies: list[CorsPolicy] = []
    for call in module.calls:
        if (module.qualified_name(call.func) or "") not in CONFIG_CLASSES:
            continue
        arguments = read_arguments(module, call, ())
        if "**" in arguments:
            continue  # `Config(**settings)`: which keys it sets is not read
        switch = arguments.get("cors")
        if switch is not None and (not switch.known or not switch.raw):
            continue  # CORS off (or not known to be on): nothing claimed
        options = {name.upper(): value for name, value in arguments.items() if name.startswith("cors_")}
        if not options:
            continue
        location = module.location(call)
        real = module.real_path()
        policies.append(
            CorsPolicy(
                framework="sanic_ext",
                location=location,
                options=options,
                development_only=is_development_path(path),
                app=f"{real}:{location.line}:{location.column}",
                branch=arms(module, call),
            )
        )
    return Extraction(policies=tuple(policies))
