"""The `bottle-cors-plugin` package: `app.install(cors_plugin("*"))`, `install(cors_plugin([...]))`,
read with `ast`.

A `cors_plugin(...)` call is a policy once it is installed: passed to an `install` call
(an app's, or Bottle's module-level one, which installs on the default app). Whether the
app is Bottle's default one decides whether preflights are answered (the plugin's OPTIONS
routes live there): `app()` / `default_app()` / `bottle.app()` and the module-level
`install` are; `Bottle()` is not; anything else is taken to be.

Seen in code search: `app = app(); app.install(cors_plugin('*'))` (a JWT notes API, a
Keras model server), `application = Bottle(); application.install(cors_plugin("*"))`, a
suggestion service building its origins from `ALLOWED_ORIGINS = os.environ...`.
"""

from __future__ import annotations

import ast

from corslint.extractors.context import ProjectContext
from corslint.extractors.python import PythonModule, is_development_path
from corslint.extractors.python.call_options import arms, read_arguments
from corslint.model import CorsPolicy, Evidence, Extraction, Value

PLUGINS = frozenset({"bottle_cors_plugin.cors_plugin"})
DEFAULT_APPS = frozenset({"bottle.app", "bottle.default_app", "bottle.install"})
NEW_APPS = frozenset({"bottle.Bottle"})


def extract(path: str, text: str, context: ProjectContext) -> Extraction:
    module = context.python.parse(path, text)
    policies: list[CorsPolicy] = []
    for install in module.calls:
        for call in _plugins_installed(module, install):
            options = read_arguments(module, call, ("origins",))
            location = module.location(call)
            default = _is_default_app(module, install)
            evidence: tuple[Evidence, ...] = ()
            if default is not None:
                options["default_app"] = Value(default, location)
            if default is False:
                where = module.location(install)
                evidence = (
                    Evidence(
                        "misordered",
                        "its OPTIONS routes are registered on Bottle's default app, not on this "
                        "`Bottle()` app, so every preflight gets 405 without CORS headers: PUT, "
                        "PATCH, DELETE, JSON and authenticated requests from the browser all fail",
                        where,
                    ),
                    # the preflight failure has this one cause: rules about one method stay quiet
                    Evidence("preflight-unrouted", "Bottle() app", where),
                )
            policies.append(
                CorsPolicy(
                    framework="bottle_cors_plugin",
                    location=location,
                    options=options,
                    evidence=evidence,
                    development_only=is_development_path(path),
                    app=f"{path}::bottle_cors_plugin@{location.line}:{location.column}",
                    branch=arms(module, call),
                )
            )
    return Extraction(policies=tuple(policies))


def _plugins_installed(module: PythonModule, install: ast.Call) -> list[ast.Call]:
    name = module.qualified_name(install.func) or ""
    if not (
        name == "bottle.install"
        or (isinstance(install.func, ast.Attribute) and install.func.attr == "install")
    ):
        return []
    found: list[ast.Call] = []
    for argument in install.args:
        if isinstance(argument, ast.Name):
            bound = module.binding(argument.id)
            argument = bound[1] if bound is not None else argument
        if isinstance(argument, ast.Call) and (module.qualified_name(argument.func) or "") in PLUGINS:
            found.append(argument)
    return found


def _is_default_app(module: PythonModule, install: ast.Call) -> bool | None:
    """True for Bottle's default app, False for an app made with `Bottle()`, None unknown."""
    if (module.qualified_name(install.func) or "") == "bottle.install":
        return True
    receiver = install.func.value if isinstance(install.func, ast.Attribute) else None
    if isinstance(receiver, ast.Name):
        bound = module.binding(receiver.id)
        receiver = bound[1] if bound is not None else receiver
    if isinstance(receiver, ast.Call):
        made_by = module.qualified_name(receiver.func) or ""
        if made_by in DEFAULT_APPS:
            return True
        if made_by in NEW_APPS:
            return False
    return None
