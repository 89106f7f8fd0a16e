"""A function handed to socket.io 2 / engine.io 3 as the `handlePreflightRequest` option
(`require("socket.io")(server, { handlePreflightRequest })`, NestJS 7's
`@WebSocketGateway({ handlePreflightRequest })`), read by the hand-written header extractor
as if it answered every request. What the real packages do (measured with socket.io 2.4.1 and
4.8.1 in tests/test_differential_socketio_preflight_hooks.py):

- engine.io 3 calls the hook for OPTIONS requests to the socket.io path only; the polling
  transport's GET and POST are answered by engine.io itself, with the request's Origin
  reflected and `Access-Control-Allow-Credentials: true` (no `Vary`), and any other method is
  refused (400). The endpoint serves GET and POST: a preflight without Allow-Methods loses
  none of its requests (browsers check Allow-Methods for other methods only).
- engine.io 4 (socket.io 3) removed the option (its CHANGELOG, 4.0.0: "the
  handlePreflightRequest option is removed"; socket.io 3+ takes `cors: {...}`): the hook is
  dead code and the endpoint sends no CORS header of it.

Seen in marcos-velasquez/appasistencia controlapp-backend/src/libs/socket/validators/
cors.validator.ts (socket.io 2.4.1 through @nestjs/platform-socket.io 7); the StackOverflow
form of the hook is common, also inside socket.io 3/4 projects where it does nothing."""

from __future__ import annotations

from dataclasses import dataclass

from corslint.extractors.express.importer_candidates import candidate_importers
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.package_versions import installed_major
from corslint.extractors.js.syntax import Node, string_value, unwrap
from corslint.model import Route

OPTION = "handlePreflightRequest"
_NEEDLE = OPTION.encode()
# the packages a project declares that bring socket.io, and the socket.io major of each major
_VIA = (("@nestjs/platform-socket.io", {5: 2, 6: 2, 7: 2}),)


@dataclass(frozen=True)
class PreflightHook:
    """A function socket.io is handed as `handlePreflightRequest`."""

    dead: bool  # socket.io 3 or later: the option is ignored
    routes: tuple[Route, ...]  # what the endpoint serves (socket.io 2): GET and POST


def preflight_hook(module: JsModule, function: Node) -> PreflightHook | None:
    """The hook `function` is, when socket.io is handed it as `handlePreflightRequest`."""
    parameters = function.child_by_field_name("parameters")
    if parameters is None or len(parameters.named_children) != 2:
        return None  # the hook is `(req, res)`
    here = _NEEDLE in module.source and (_inline(module, function) or _named_here(module, function))
    if not here and not _imported_elsewhere(module, function):
        return None
    major = socketio_major(module)
    routes = (Route("/socket.io/", ("GET", "POST"), module.location(function)),)
    return PreflightHook(dead=major is not None and major >= 3, routes=routes)


def socketio_major(module: JsModule) -> int | None:
    major = installed_major(module.file, "socket.io")
    if major is not None:
        return major
    for package, majors in _VIA:
        locked = installed_major(module.file, "socket.io", via=package)  # the lock's socket.io
        if locked is not None:
            return locked
        via = installed_major(module.file, package)
        if via is not None:
            return majors.get(via, 4)  # @nestjs/platform-socket.io 8+: socket.io 4
    return None


def _binding(function: Node, module: JsModule) -> str | None:
    """The name `const NAME = (req, res) => ...` or `function NAME(req, res)` binds."""
    if function.type == "function_declaration":
        name = function.child_by_field_name("name")
        return module.text(name) if name is not None else None
    parent = function.parent
    if parent is not None and parent.type == "variable_declarator":
        name = parent.child_by_field_name("name")
        return module.text(name) if name is not None and name.type == "identifier" else None
    return None


def _inline(module: JsModule, function: Node) -> bool:
    parent = function.parent
    if parent is None:
        return False
    if parent.type == "pair":
        key = parent.child_by_field_name("key")
        return key is not None and module.text(key).strip("'\"") == OPTION
    return parent.type == "method_definition" and module.text(parent.child_by_field_name("name")) == OPTION


def _hands_over(module: JsModule, name: str) -> bool:
    """Whether `module` hands the identifier `name` over as the option."""
    for node in module.of_kind("shorthand_property_identifier"):
        if name == OPTION and module.text(node) == OPTION:
            return True
    for pair in module.of_kind("pair"):
        key = pair.child_by_field_name("key")
        value = unwrap(pair.child_by_field_name("value"))
        if (
            key is not None
            and module.text(key).strip("'\"") == OPTION
            and value is not None
            and value.type == "identifier"
            and module.text(value) == name
        ):
            return True
    return False


def _named_here(module: JsModule, function: Node) -> bool:
    name = _binding(function, module)
    return name is not None and _hands_over(module, name)


def _imported_elsewhere(module: JsModule, function: Node) -> bool:
    """Another module of the project imports the function (by its own name) from this one and
    hands it over as the option."""
    name = _binding(function, module)
    if name is None or b"export" not in module.source:  # `export const`, `module.exports`
        return False
    found = candidate_importers(module, also=_NEEDLE)
    return found is not None and any(
        name.encode() in other.source and _hands_over(other, name) and _imports_from(other, module)
        for other in found.modules
    )


def _imports_from(other: JsModule, module: JsModule) -> bool:
    assert other.project is not None and module.file is not None
    target = module.file.resolve()
    for node in other.of_kind("string"):
        parent = node.parent
        holder = parent.parent if parent is not None and parent.type == "arguments" else parent
        if holder is None or holder.type not in {"import_statement", "call_expression", "export_statement"}:
            continue
        specifier = string_value(node)
        if not specifier or not specifier.startswith("."):
            continue
        found = other.project.resolve_specifier(other, specifier)
        if found is not None and found.resolve() == target:
            return True
    return False
