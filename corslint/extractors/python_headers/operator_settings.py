"""`if "Access-Control-Allow-Origin" not in self.settings.get("headers", {}):` (jupyterhub's
RootAPIHandler, jupyter_server's `set_cors_headers`): a test on a setting the operator may
give, read with an empty default. When the operator gives none, `.get` returns that empty
default, so the test is decided for that case: what the branch writes is judged, and the
findings say they hold when the setting is unset."""

from __future__ import annotations

import ast

from corslint.extractors.python_headers.frame import Frame, dotted, unwrap
from corslint.model import Value

# where handlers read the application's settings: Tornado's `self.settings` (also
# `self.application.settings`), a settings object or an app's config
_RECEIVERS = ("settings", "config")


def unset_setting(frame: Frame, test: ast.expr) -> tuple[bool, str] | None:
    """(what the test gives when the setting is unset, the setting as written) for
    `CONSTANT [not] in RECEIVER.get(KEY, EMPTY)`; None for any other test."""
    test = unwrap(test)
    if not (
        isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.In, ast.NotIn))
    ):
        return None
    if not (isinstance(test.left, ast.Constant) and isinstance(test.left.value, str)):
        return None
    call = unwrap(test.comparators[0])
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "get"):
        return None
    receiver = dotted(call.func.value)
    if not receiver or receiver.rsplit(".", 1)[-1] not in _RECEIVERS or call.keywords or len(call.args) != 2:
        return None
    key, default = call.args
    if not (isinstance(key, ast.Constant) and isinstance(key.value, str) and _empty(default)):
        return None
    if frame.is_request(call.func.value):
        return None
    return isinstance(test.ops[0], ast.NotIn), f"{receiver}[{key.value!r}]"


def _empty(node: ast.expr) -> bool:
    if isinstance(node, ast.Dict):
        return not node.keys
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return not node.elts
    return isinstance(node, ast.Constant) and node.value in ("", b"")


def assumed(value: Value, setting: str) -> Value:
    """The value as written while `setting` is unset (findings say so)."""
    if value.env_var is not None or not value.known:
        return value
    return Value(value.raw, value.location, value.provenance, setting, value.description, value.related)
