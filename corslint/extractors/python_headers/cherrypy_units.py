"""CherryPy's hand-written CORS layers: tools, functions that write onto the thread-local
`cherrypy.response` at a hook point, made by `cherrypy.Tool("before_handler", fn)` or
`_cptools.HandlerTool(fn)` (kept as `cherrypy.tools.cors = ...`) or
`@cherrypy.tools.register("before_finalize")`, and switched on by `"tools.cors.on": True` in a config or `@cherrypy.tools.cors()` on a handler.

Measured with CherryPy 18.10 (tests/test_differential_cherrypy_tools.py): the tool's
headers are sent on every response of the paths it is on, the handler's and the
dispatcher's 404 included; a tool that returns early for OPTIONS does not stop the
handler, which CherryPy's default dispatcher calls for every method: an OPTIONS the tool
does not answer gets 200 from the handler, with the tool's headers. A project that uses
`MethodDispatcher` or the `allow` tool refuses some methods: what OPTIONS gets is unknown."""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

from corslint.extractors.context import ProjectContext
from corslint.extractors.python import PythonModule
from corslint.extractors.python_headers.frame import dotted
from corslint.extractors.python_headers.project_scan import modules_mentioning
from corslint.extractors.python_headers.unit import Function, Phase, Unit, functions_in, writes_cors

_REQUEST = "cherrypy.request"
_CONFIG_FILES = (".conf", ".ini", ".cfg")
_CONFIG_BYTES = 65536  # a config file's start: a switch is not buried in a larger file
_RESPONSE = "cherrypy.response"


def uses_cherrypy(module: PythonModule) -> bool:
    """CherryPy imported at module level, or inside a `try:` or a function (sabnzbd's
    SABnzbd.py imports its dependencies in a `try:` that reports the missing ones)."""
    if any(q == "cherrypy" or q.startswith("cherrypy.") for q in module.imports.values()):
        return True
    if "cherrypy" not in module.text:
        return False
    return any(
        any(alias.name.split(".")[0] == "cherrypy" for alias in node.names)
        if isinstance(node, ast.Import)
        else isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "cherrypy"
        for node in ast.walk(module.tree)
    )


def cherrypy_units(module: PythonModule, covered: set[Function], context: ProjectContext) -> list[Unit]:
    units: list[Unit] = []
    for function in functions_in(module.tree):
        if function in covered or not writes_cors(module, function):
            continue
        tool = _tool_name(module, function, context)
        if tool is None or not _switched_on(module, tool, context):
            continue
        phase = Phase(
            module,
            function,
            requests=frozenset(
                {_REQUEST, *_imported(module, _REQUEST), *_aliases(module, function, _REQUEST)}
            ),
            responses=frozenset({_RESPONSE, *_imported(module, _RESPONSE)}),
        )
        label = f"tool {tool} ({function.name}())"
        status = options_status(module, context)
        units.append(Unit("cherrypy", "hook", module.location(function), [phase], status, label))
        covered.add(function)
    return units


def _imported(module: PythonModule, qualified: str) -> set[str]:
    """`from cherrypy import request, response`: the local names."""
    return {local for local, name in module.imports.items() if name == qualified}


def _aliases(module: PythonModule, function: Function, qualified: str) -> set[str]:
    """`req = cherrypy.request` in the tool (a response alias is followed as any response is)."""
    return {
        target.id
        for node in ast.walk(function)
        if isinstance(node, ast.Assign) and (module.qualified_name(node.value) or "") == qualified
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def _tool_name(module: PythonModule, function: Function, context: ProjectContext) -> str | None:
    """The name the function is a tool under: `@cherrypy.tools.register(point[, name=])`,
    or `cherrypy.tools.NAME = cherrypy.Tool(point, function)` here or in another module."""
    for node in function.decorator_list:
        if isinstance(node, ast.Call) and dotted(node.func).endswith("tools.register"):
            named = next((k.value for k in node.keywords if k.arg == "name"), None)
            if isinstance(named, ast.Constant) and isinstance(named.value, str):
                return named.value
            return function.name
    for other in [module, *modules_mentioning(module, context, b"Tool(", function.name.encode())]:
        for assigned in ast.walk(other.tree):
            if not (isinstance(assigned, ast.Assign) and isinstance(assigned.value, ast.Call)):
                continue
            call = assigned.value
            made = _tool_callable(call)
            if made is None or dotted(made).rsplit(".", 1)[-1] != function.name:
                continue
            target = dotted(assigned.targets[0])
            if target.startswith(("cherrypy.tools.", "tools.")):
                return target.rsplit(".", 1)[-1]
    return None


def _tool_callable(call: ast.Call) -> ast.expr | None:
    """The function a tool runs: `Tool(point, fn)`, or `_cptools.HandlerTool(fn)`, run at
    `before_handler`, whose truthy return skips the handler (FranciscoTun2/api-genobank
    run/runweb.py returns True for OPTIONS: the answer is then 200 with the tool's headers,
    as the default dispatcher's handler answers it, tests/test_differential_cherrypy_tools.py)."""
    made = dotted(call.func).rsplit(".", 1)[-1]
    if made == "Tool" and len(call.args) >= 2:
        return call.args[1]
    if made == "HandlerTool" and len(call.args) == 1:
        return call.args[0]
    return None


def _switched_on(module: PythonModule, tool: str, context: ProjectContext) -> bool:
    """`"tools.cors.on": True` in a config dict or file, or `@cherrypy.tools.cors()` on a handler."""
    needles = (f"tools.{tool}.on".encode(), f"tools.{tool}(".encode())
    if any(needle.decode() in module.text for needle in needles):
        return True
    if any(modules_mentioning(module, context, needle) for needle in needles):
        return True
    return _on_in_config_file(module, tool, context)


def _on_in_config_file(module: PythonModule, tool: str, context: ProjectContext) -> bool:
    """`tools.CORS.on = True` in a CherryPy config file beside the module
    (`cherrypy.quickstart(app, config="demorunner.conf")`, ipol-journal/ipolDevel
    ipol_demo/modules/demorunner): files ending .conf, .ini or .cfg in its folder."""
    folder = Path(module.real_path()).parent
    key = f"cherrypy.config_files:{folder}"
    found = context.shared.get(key)
    texts: list[bytes] = found if isinstance(found, list) else []
    if not isinstance(found, list):
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError:
            entries = []
        for entry in entries:
            if entry.name.endswith(_CONFIG_FILES) and entry.is_file(follow_symlinks=False):
                try:
                    texts.append(Path(entry.path).read_bytes()[:_CONFIG_BYTES])
                except OSError:
                    continue
        context.shared[key] = texts
    switch = re.compile(rb"^\s*tools\." + re.escape(tool.encode()) + rb"\.on\s*[=:]\s*True\b", re.MULTILINE)
    return any(switch.search(text) for text in texts)


def options_status(module: PythonModule, context: ProjectContext) -> int | str:
    for needle in (b"MethodDispatcher", b"tools.allow"):
        if needle.decode() in module.text or modules_mentioning(module, context, needle):
            return "unknown"
    return 200
