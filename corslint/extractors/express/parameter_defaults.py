"""An allow-list held in a factory's parameter default: `export const corsMiddleware = ({
acceptedOrigins = ACCEPTED_ORIGINS } = {}) => cors({ origin: (origin, cb) => { if
(acceptedOrigins.includes(origin)) ... } })`, then `app.use(corsMiddleware())` (a Node
course's template: DavidAlmonacid/movies-rest-api-curso-node, Anavarren1997/ganga-express-api,
Diego-Escorche/MovieSeat `src/middlewares/cors.*`), in TypeScript with the parameter typed
(GintokiYT/api-basic-bun `src/utils/cors.ts`). Called without arguments everywhere in the
project, the default is the list: it is judged. Any call passing an argument, or none found,
leaves it unknown."""

from __future__ import annotations

import re
from pathlib import Path

from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project_files import project_files, project_root
from corslint.extractors.js.syntax import Node, unwrap
from corslint.model import Value

_FUNCTIONS = frozenset({"arrow_function", "function_expression", "function", "function_declaration"})
_MAX_FILES = 400  # the call sites are searched in the project's files: small projects only


def parameter_default(module: JsModule, use: Node) -> Value | None:
    """The default of the parameter `use` names, when every call of its function in the
    project passes no argument."""
    use = unwrap(use)
    if use.type != "identifier":
        return None
    name = module.text(use)
    function = use.parent
    while function is not None:
        if function.type in _FUNCTIONS:
            default = _default_of(module, function, name)
            if default is not None:
                called = _function_name(module, function)
                if called and _called_bare_only(module, called):
                    value = module.resolve(default)
                    return value if value.known else None
                return None
        function = function.parent
    return None


def _default_of(module: JsModule, function: Node, name: str) -> Node | None:
    """`({ name = DEFAULT } = {})` or `(name = DEFAULT)` as the only parameter."""
    parameters = function.child_by_field_name("parameters")
    named = [c for c in parameters.named_children if c.type != "comment"] if parameters else []
    if len(named) != 1:
        return None
    parameter = named[0]
    if parameter.type in {"required_parameter", "optional_parameter"}:
        # TypeScript: `({ name = DEFAULT }: Options = {})`, `(name: string[] = DEFAULT)`
        pattern, value = parameter.child_by_field_name("pattern"), parameter.child_by_field_name("value")
        if pattern is not None and pattern.type == "identifier":
            return value if module.text(pattern) == name else None
        parameter = pattern if pattern is not None else parameter
    if parameter.type == "assignment_pattern":
        left, right = parameter.child_by_field_name("left"), parameter.child_by_field_name("right")
        if left is not None and left.type == "identifier":
            return right if module.text(left) == name else None
        parameter = left if left is not None else parameter
    if parameter.type != "object_pattern":
        return None
    for child in parameter.named_children:
        if child.type == "object_assignment_pattern":
            left, right = child.child_by_field_name("left"), child.child_by_field_name("right")
            if (
                left is not None
                and left.type == "shorthand_property_identifier_pattern"
                and module.text(left) == name
            ):
                return right
    return None


def _function_name(module: JsModule, function: Node) -> str:
    if function.type == "function_declaration":
        named = function.child_by_field_name("name")
        return module.text(named) if named is not None else ""
    parent = function.parent
    if parent is not None and parent.type == "variable_declarator":
        named = parent.child_by_field_name("name")
        return module.text(named) if named is not None and named.type == "identifier" else ""
    return ""


def _called_bare_only(module: JsModule, name: str) -> bool:
    """Whether the project calls `name` somewhere, and only as `name()`."""
    if module.file is None:
        return False
    root = project_root(Path(module.file)) or Path(module.file).resolve().parent
    call = re.compile(rf"(?<![\w$.]){re.escape(name)}\s*\(\s*(\))?")
    bare = False
    for count, file in enumerate(project_files(root)):
        if count >= _MAX_FILES:
            return False
        try:
            text = file.read_text("utf-8", errors="replace")
        except OSError:
            return False
        for found in call.finditer(text):
            if found.group(1) is None:
                prefix = text[max(0, found.start() - 40) : found.start()]
                if re.search(r"(function\s*\*?\s*|=>\s*|const\s+|let\s+|var\s+)$", prefix):
                    continue  # its own declaration: `function name(...)`
                return False  # a call passing an argument
            bare = True
    return bare
