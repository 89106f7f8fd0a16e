"""CherryPy's built-in `response_headers` tool carrying Access-Control-* headers: a header
list written in a config (`{"/api": {"tools.response_headers.on": True,
"tools.response_headers.headers": [("Access-Control-Allow-Origin", "*")]}}` handed to
`cherrypy.tree.mount`, `quickstart`, `config.update` or a `_cp_config`, also built with
`conf["global"]["tools.response_headers.headers"] = [...]`), or a handler decorated with
`@cherrypy.tools.response_headers(headers=[...])` (sabnzbd/sabnzbd SABnzbd.py).

Measured with CherryPy 18.10 (tests/test_differential_cherrypy_tools.py): the tool runs at
`on_start_resource` and sets each pair on every response of the paths it is on, OPTIONS
and the dispatcher's 404 included; CherryPy's default dispatcher calls the handler for
every method, so a preflight gets 200 with the list and nothing else. A list whose
`.on` switch is not True is never applied, nor is the decorator on `__init__`."""

from __future__ import annotations

import ast

from corslint.extractors.context import ProjectContext
from corslint.extractors.python import PythonModule, is_development_path
from corslint.extractors.python_headers.cherrypy_units import options_status
from corslint.extractors.python_headers.frame import dotted
from corslint.extractors.python_headers.responses import canonical, is_cors_header
from corslint.model import CorsPolicy, Location, Value

_TOOL = "tools.response_headers"
_ON = f"{_TOOL}.on"
_HEADERS = f"{_TOOL}.headers"
_ORIGIN = "Access-Control-Allow-Origin"


def response_headers_policies(module: PythonModule, context: ProjectContext) -> list[CorsPolicy]:
    if _TOOL not in module.text:
        return []
    found: list[tuple[ast.expr, str, str]] = []  # the header list, its path, what switched it on
    scopes = _dict_scopes(module)
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Dict):
            entries = _string_keyed(node)
            if _HEADERS in entries and _is_true(module, entries.get(_ON)):
                scope = scopes.get(id(node), "")
                found.append((entries[_HEADERS], scope, f"config {scope!r}" if scope else "config"))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name != "__init__":
            for decorator in node.decorator_list:
                headers = _decorator_headers(module, decorator)
                if headers is not None:
                    found.append((headers, "", f"@tools.response_headers on {node.name}()"))
    found += _subscript_lists(module)
    policies = []
    for headers, scope, label in found:
        policy = _policy(module, headers, scope, label, context)
        if policy is not None:
            policies.append(policy)
    return policies


def _string_keyed(node: ast.Dict) -> dict[str, ast.expr]:
    return {
        key.value: value
        for key, value in zip(node.keys, node.values, strict=True)
        if isinstance(key, ast.Constant) and isinstance(key.value, str)
    }


def _dict_scopes(module: PythonModule) -> dict[int, str]:
    """The path a config section is written under (`{"/api": {...}}`)."""
    scopes: dict[int, str] = {}
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Dict):
            for key, value in _string_keyed(node).items():
                if isinstance(value, ast.Dict) and key.startswith("/"):
                    scopes[id(value)] = "" if key == "/" else key.rstrip("/")
    return scopes


def _is_true(module: PythonModule, node: ast.expr | None) -> bool:
    if node is None:
        return False
    value = module.resolve(node)
    return value.known and value.raw is True


def _decorator_headers(module: PythonModule, decorator: ast.expr) -> ast.expr | None:
    """`@cherrypy.tools.response_headers(headers=[...])` (or `tools` from cherrypy)."""
    if not isinstance(decorator, ast.Call) or not dotted(decorator.func).endswith(_TOOL):
        return None
    qualified = module.qualified_name(decorator.func) or ""
    if not (qualified.startswith("cherrypy.") or dotted(decorator.func).startswith("cherrypy.")):
        return None
    named = next((k.value for k in decorator.keywords if k.arg == "headers"), None)
    return named if named is not None else (decorator.args[0] if decorator.args else None)


def _subscript_lists(module: PythonModule) -> list[tuple[ast.expr, str, str]]:
    """`conf["global"]["tools.response_headers.headers"] = [...]` beside
    `conf["global"]["tools.response_headers.on"] = True` on the same mapping."""
    lists: dict[str, ast.expr] = {}
    switched: set[str] = set()
    for node in ast.walk(module.tree):
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
            continue
        target = node.targets[0]
        if not (isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant)):
            continue
        owner = ast.unparse(target.value)
        if target.slice.value == _HEADERS:
            lists[owner] = node.value
        elif target.slice.value == _ON and _is_true(module, node.value):
            switched.add(owner)
    return [(headers, "", "config") for owner, headers in lists.items() if owner in switched]


def _pairs(module: PythonModule, node: ast.expr) -> list[ast.Tuple] | None:
    if isinstance(node, ast.Name):
        bound = module.find_binding(node.id)
        if bound is None or bound[0] is not module:
            return None
        node = bound[1]
    if not isinstance(node, (ast.List, ast.Tuple)):
        return None
    pairs = [item for item in node.elts if isinstance(item, ast.Tuple) and len(item.elts) == 2]
    return pairs if len(pairs) == len(node.elts) else None


def _policy(
    module: PythonModule, headers: ast.expr, scope: str, label: str, context: ProjectContext
) -> CorsPolicy | None:
    pairs = _pairs(module, headers)
    if pairs is None:
        return None
    options: dict[str, Value] = {}
    for pair in pairs:
        name = module.resolve(pair.elts[0])
        if not (name.known and isinstance(name.raw, str) and is_cors_header(name.raw)):
            continue
        place = module.location(pair)
        # the tool sets each pair in turn: a later pair of the same name replaces an earlier one
        options[canonical(name.raw)] = Value(
            {"writer": Value("set", place), "value": module.resolve(pair.elts[1]), "when": Value((), place)},
            place,
        )
    origin = options.get(_ORIGIN)
    if origin is None:
        return None
    location: Location = origin.location
    options["options_status"] = Value(options_status(module, context), location)
    return CorsPolicy(
        framework="cherrypy_headers",
        location=location,
        options=options,
        development_only=is_development_path(module.path),
        label=f"CherryPy's response_headers tool ({label})",
        scope=scope,
        probe_path=scope or "/",
    )
