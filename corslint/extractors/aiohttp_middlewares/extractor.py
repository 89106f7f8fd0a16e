"""aiohttp-middlewares: `web.Application(middlewares=[cors_middleware(allow_all=True)])`,
`app.middlewares.append(cors_middleware(origins=[...], allow_credentials=True))`, read
with `ast`.

`cors_middleware` takes keywords only. A call whose middleware is bound to a name the
module never uses again is not applied; any other use (a middlewares list, `append`, a
return value) is. The requests probed are sent to a path its `urls` admit.

Seen in code search: `cors_middleware(allow_all=True)` in an app factory (an aiohttp
"hello" API), `cors_middleware(origins=["http://localhost:3000"])` (aiohttp-tus's docs and
the apps that copied them), `cors_middleware(origins=[...], allow_credentials=True,
allow_methods=...)` in a security-middleware helper, and `allow_headers=DEFAULT_ALLOW_HEADERS
+ (...)` from `aiohttp_middlewares.cors`.
"""

from __future__ import annotations

import ast
import re

from corslint.extractors.context import ProjectContext
from corslint.extractors.python import PythonModule, is_development_path
from corslint.extractors.python.call_options import arms, read_arguments, unknown_options
from corslint.frameworks.aiohttp_middlewares_cors import DEFAULT_ALLOW_HEADERS, DEFAULT_ALLOW_METHODS
from corslint.model import CorsPolicy, Extraction, Regex, Value

FACTORIES = frozenset({"aiohttp_middlewares.cors_middleware", "aiohttp_middlewares.cors.cors_middleware"})
PARAMETERS = (
    "allow_all",
    "origins",
    "urls",
    "expose_headers",
    "allow_headers",
    "allow_methods",
    "allow_credentials",
    "max_age",
)
LIBRARY = "aiohttp_middlewares"
LIBRARY_CONSTANTS = {
    "DEFAULT_ALLOW_HEADERS": DEFAULT_ALLOW_HEADERS,
    "DEFAULT_ALLOW_METHODS": DEFAULT_ALLOW_METHODS,
}
_PATTERN_END = re.compile(r"[.*+?()\[\]{}|$]")


def extract(path: str, text: str, context: ProjectContext) -> Extraction:
    module = context.python.parse(path, text)
    policies: list[CorsPolicy] = []
    for call in module.calls:
        if (module.qualified_name(call.func) or "") not in FACTORIES or _unused(module, call):
            continue
        options = read_arguments(module, call, ())
        for keyword in call.keywords:
            if keyword.arg in ("allow_headers", "allow_methods") and not options[keyword.arg].known:
                spelled = _with_library_defaults(module, keyword.value)
                if spelled is not None:
                    options[keyword.arg] = spelled
        location = module.location(call)
        policies.append(
            CorsPolicy(
                framework="aiohttp_middlewares",
                location=location,
                options=options,
                evidence=tuple(unknown_options(options, PARAMETERS, "cors_middleware()")),
                development_only=is_development_path(path),
                probe_path=_probe_path(options.get("urls")),
                app=f"{path}::aiohttp_middlewares@{location.line}:{location.column}",
                branch=arms(module, call),
            )
        )
    return Extraction(policies=tuple(policies))


def _with_library_defaults(module: PythonModule, node: ast.expr) -> Value | None:
    """`DEFAULT_ALLOW_HEADERS + ("X-Client-UID",)`: the library's own constants, which
    the project imports from `aiohttp_middlewares.cors`, joined to the project's entries."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left = _with_library_defaults(module, node.left)
        right = _with_library_defaults(module, node.right)
        if (
            left is None
            or right is None
            or not isinstance(left.raw, tuple)
            or not isinstance(right.raw, tuple)
        ):
            return None
        return Value(left.raw + right.raw, module.location(node))
    qualified = module.qualified_name(node) or ""
    constant = LIBRARY_CONSTANTS.get(qualified.rpartition(".")[2]) if qualified.startswith(LIBRARY) else None
    if constant is not None:
        where = module.location(node)
        return Value(tuple(Value(item, where) for item in constant), where)
    value = module.resolve(node)
    return value if value.known and isinstance(value.raw, tuple) else None


def _unused(module: PythonModule, call: ast.Call) -> bool:
    """Whether the middleware is bound to a name that nothing else in the module reads."""
    for statement in module.nodes:
        if isinstance(statement, ast.Assign) and statement.value is call:
            names = [t.id for t in statement.targets if isinstance(t, ast.Name)]
            if len(names) != len(statement.targets):
                return False
            return not any(
                isinstance(node, ast.Name) and node.id in names and isinstance(node.ctx, ast.Load)
                for node in module.nodes
            )
        if isinstance(statement, ast.Expr) and statement.value is call:
            return True  # made and dropped
    return False


def _probe_path(urls: Value | None) -> str:
    """A path the middleware handles: the first URL, or the literal head of the first pattern."""
    if urls is None or not urls.known or not urls.entries:
        return "/"
    first = urls.entries[0]
    if not first.known:
        return "/"
    if isinstance(first.raw, str):
        return first.raw
    if isinstance(first.raw, Regex):
        head = _PATTERN_END.split(first.raw.pattern.lstrip("^"), maxsplit=1)[0].replace("\\", "")
        return head if head.startswith("/") else "/"
    return "/"
