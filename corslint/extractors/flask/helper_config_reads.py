"""Config reads inside a project helper handed the app: `CORS(app, origins=
allowed_origins(app))` where `allowed_origins` returns `app.config.get("CORS_ORIGINS",
"*")`, or a factory's `config = CORSConfig.get_cors_config(app)` (a `@staticmethod`
branching on `app.config.get("CORS_ORIGINS", "*") == "*"`) before `CORS(app,
resources={r"/api/*": config})` (EdwinKassier/dwml-backend-flask
app/shared/middleware/cors.py; the same class in a second project of code search).

config_reads.py replaces the reads written in the call and in the site's locals; a read
inside the helper reads the helper's parameter, which the call binds to the app. Here
the app's name is bound, while the call is resolved, to an `AppObject` whose config is
what the writes reaching the call hold (extractors/python/app_objects.py), and the
site's locals that hand the app to a helper are resolved again with it. A key no write
sets is missing (the read's default applies); a key set under a condition, or by a
source corslint cannot read, or of an app parameter whose callers are not found, stays
unknown (CORS305)."""

from __future__ import annotations

import ast

from corslint.extractors.flask.app_config import config_value
from corslint.extractors.flask.calls import app_argument
from corslint.extractors.flask.collected import Collected, Site
from corslint.extractors.flask.reaching import inherited_config, is_parameter, writes_reaching
from corslint.extractors.python import PythonModule, Scope
from corslint.extractors.python.app_objects import AppObject, ConfigMapping
from corslint.model import Provenance, Value


def with_app_object(
    module: PythonModule, collected: Collected, site: Site, call: ast.Call, scope: Scope
) -> Scope:
    """`scope` with the call's app bound to an `AppObject`, and the locals that hand it to
    a helper resolved again (the scope as it was where the app is not a plain name)."""
    app = app_argument(call)
    if not isinstance(app, ast.Name) or not _handed_to_helper(module, collected, site, call, app.id):
        return scope
    receiver = app.id

    where = module.location(app)
    # an app parameter whose callers corslint does not find: what its config holds is not known
    unreached = is_parameter(collected, site.scope, receiver) and (
        inherited_config(module, collected, site.scope, receiver, 0) is None
    )

    def lookup(key: str) -> Value | None:
        writes = writes_reaching(module, collected, receiver, site, at_request=False)
        found = config_value(writes, site, key)
        if found is None and unreached:
            return Value(
                None,
                where,
                Provenance.UNKNOWN,
                description=f"{receiver}.config[{key!r}] ({receiver} comes from callers corslint did not find)",
            )
        return found

    names = dict(scope.names)
    names[receiver] = Value(AppObject(Value(ConfigMapping(lookup), where)), where)
    for name, expressions in collected.locals.get(site.scope, {}).items():
        current = names.get(name)
        if current is None or current.known or len(expressions) != 1:
            continue
        if _hands_app(expressions[0], receiver):
            names[name] = module.resolve(expressions[0], Scope(dict(names), scope.depth, scope.frames))
    return Scope(names, scope.depth, scope.frames)


def _handed_to_helper(
    module: PythonModule, collected: Collected, site: Site, call: ast.Call, receiver: str
) -> bool:
    """Whether the call, or a local it may read, passes the app to a call."""
    if any(
        _hands_app(argument, receiver) for argument in [*call.args[1:], *(k.value for k in call.keywords)]
    ):
        return True
    return any(
        len(expressions) == 1 and _hands_app(expressions[0], receiver)
        for expressions in collected.locals.get(site.scope, {}).values()
    )


def _hands_app(node: ast.expr, receiver: str) -> bool:
    """`helper(app)`, `Owner.helper(app=app)` somewhere in `node`."""
    return any(
        isinstance(inner, ast.Call)
        and any(
            isinstance(argument, ast.Name) and argument.id == receiver
            for argument in [*inner.args, *(k.value for k in inner.keywords)]
        )
        for inner in ast.walk(node)
    )
