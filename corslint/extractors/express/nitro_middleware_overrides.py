"""Which of a Nitro route rule's headers a server middleware replaces on every request the
rule covers. nitropack's `createNitroApp` (src/runtime/internal/app.ts) registers the
route-rules handler on the h3 app first and every scanned middleware (`server/middleware/**`
under Nuxt, `middleware/**` under Nitro) after it, so a middleware's `setResponseHeader(s)`
(Node's `res.setHeader`) replaces a header the rule set, and the browser never sees the rule's
value (measured with h3 in tests/test_differential_nitro_middleware_overrides.py). Seen in
0PandaDEV/Ziit: `routeRules: {"/api/**": {cors: true}}` and a middleware writing Allow-Origin
on every `/api/` path.

Read narrowly, precision first: only the default-exported `defineEventHandler` /
`eventHandler` of a middleware file, and only writes the handler makes on every request the
rule covers: a statement of its body, or of the arm of an `if` whose test is a literal path
prefix test (`event.path.startsWith("/api/")`) decided for every such path, or of both arms
of an `if` whose test is not. A `return`, a `throw`, a loop or a `try` met before the write,
an `if` whose arms cannot be told apart and does not write in both, or any other write shape
leaves the header as the rule sends it. Appending helpers add a value (two values sent): not a
replacement."""

from __future__ import annotations

from pathlib import Path

from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project_files import JS_SUFFIXES
from corslint.extractors.js.syntax import Node, string_value, unwrap

_FACTORIES = frozenset({"defineEventHandler", "eventHandler"})
_ONE = frozenset({"setResponseHeader", "setHeader"})
_MANY = frozenset({"setResponseHeaders", "setHeaders"})
_PATH_READS = frozenset({"event.path", "event.node.req.url", "event.req.url", "event.node.req.originalUrl"})
_MAX_FILES = 40
_MAX_BYTES = 200_000


def middleware_folders(config: Path, kind: str) -> tuple[Path, ...]:
    """Where Nuxt (`server/middleware`) or Nitro (`middleware`) scans middleware."""
    return (config.parent / ("server/middleware" if kind == "nuxt" else "middleware"),)


def replaced_headers(module: JsModule, kind: str, key: str) -> frozenset[str]:
    """The header names (lower case) some server middleware of the project sets on every
    request the rule `key` (`/x/**` or a plain path) covers."""
    if module.file is None or module.project is None:
        return frozenset()
    prefix, exact = (key[: -len("/**")], False) if key.endswith("/**") else (key.rstrip("/") or "/", True)
    replaced: set[str] = set()
    for folder in middleware_folders(module.file, kind):
        if not folder.is_dir():
            continue
        files = sorted(p for p in folder.rglob("*") if p.suffix in JS_SUFFIXES and p.is_file())
        if len(files) > _MAX_FILES:
            return frozenset()
        for file in files:
            try:
                if file.stat().st_size > _MAX_BYTES:
                    continue
            except OSError:
                continue
            other = module.project.load(file, module.project.display(module, file))
            body = _handler_body(other) if other is not None else None
            if other is not None and body is not None:
                replaced |= _Walk(other, _event_name(other, body), prefix, exact).block(body)[0]
    return frozenset(replaced)


def _handler_body(module: JsModule) -> Node | None:
    for statement in module.of_kind("export_statement"):
        value = statement.child_by_field_name("value")
        call = unwrap(value) if value is not None else None
        if call is None or call.type != "call_expression":
            continue
        callee = call.child_by_field_name("function")
        arguments = call.child_by_field_name("arguments")
        if callee is None or module.text(callee) not in _FACTORIES or arguments is None:
            return None
        handler = unwrap(arguments.named_children[0]) if arguments.named_children else None
        if handler is None or handler.type not in {"arrow_function", "function_expression", "function"}:
            return None
        body = handler.child_by_field_name("body")
        return body if body is not None and body.type == "statement_block" else None
    return None


def _event_name(module: JsModule, body: Node) -> str:
    handler = body.parent
    parameters = handler.child_by_field_name("parameters") if handler is not None else None
    if parameters is None:
        parameter = handler.child_by_field_name("parameter") if handler is not None else None
        return module.text(parameter) if parameter is not None else ""
    named = parameters.named_children
    if len(named) != 1:
        return ""
    pattern = named[0].child_by_field_name("pattern") or named[0]
    return module.text(pattern) if pattern.type == "identifier" else ""


class _Walk:
    def __init__(self, module: JsModule, event: str, prefix: str, exact: bool) -> None:
        self.module, self.event, self.prefix, self.exact = module, event, prefix, exact

    def block(self, block: Node) -> tuple[set[str], bool]:
        """The headers every run through `block` sets before it may leave, and whether some
        run may leave it early (a `return`, a `throw`, a statement not read here)."""
        written: set[str] = set()
        for statement in block.named_children:
            kind = statement.type
            if kind == "comment" or kind in {
                "lexical_declaration",
                "variable_declaration",
                "empty_statement",
            }:
                continue
            if kind == "expression_statement":
                written |= self._writes(statement)
                continue
            if kind == "if_statement":
                more, left = self._if(statement)
            elif kind == "statement_block":
                more, left = self.block(statement)
            else:
                more, left = set(), True  # a return, throw, loop, try...: what follows may not run
            written |= more
            if left:
                return written, True
        return written, False

    def _if(self, statement: Node) -> tuple[set[str], bool]:
        consequence = statement.child_by_field_name("consequence")
        alternative = statement.child_by_field_name("alternative")
        if alternative is not None and alternative.type == "else_clause":
            alternative = alternative.named_children[0] if alternative.named_children else None
        decided = self._path_test(statement.child_by_field_name("condition"))
        arms = (
            [consequence]
            if decided is True
            else [alternative]
            if decided is False
            else [consequence, alternative]
        )
        sets: list[set[str]] = []
        left = False
        for arm in arms:
            written: set[str]
            if arm is None:
                written, leaves = set(), False
            elif arm.type == "statement_block":
                written, leaves = self.block(arm)
            elif arm.type == "if_statement":
                written, leaves = self._if(arm)
            elif arm.type == "expression_statement":
                written, leaves = self._writes(arm), False
            else:
                written, leaves = set(), True
            sets.append(written)
            left = left or leaves
        return set.intersection(*sets), left

    def _path_test(self, condition: Node | None) -> bool | None:
        """True or False when `condition` is `<path>.startsWith("lit")` (or its negation)
        decided alike for every path the rule covers; None otherwise."""
        node = unwrap(condition) if condition is not None else None
        if node is None:
            return None
        if node.type == "unary_expression" and self.module.text(node).startswith("!"):
            inner = self._path_test(node.child_by_field_name("argument"))
            return None if inner is None else not inner
        if node.type != "call_expression":
            return None
        callee = node.child_by_field_name("function")
        arguments = node.child_by_field_name("arguments")
        if callee is None or callee.type != "member_expression" or arguments is None:
            return None
        receiver = callee.child_by_field_name("object")
        method = callee.child_by_field_name("property")
        if receiver is None or method is None or self.module.text(method) != "startsWith":
            return None
        read = self.module.text(receiver).replace("?.", ".").replace("!", "")
        if not self.event or read not in {name.replace("event", self.event, 1) for name in _PATH_READS}:
            return None
        if len(arguments.named_children) != 1:
            return None
        literal = string_value(unwrap(arguments.named_children[0]))
        if not literal:
            return None
        covered = self.prefix if self.exact else self.prefix + "/"
        if covered.startswith(literal) or (self.exact and self.prefix == literal):
            return True  # every covered path starts with it
        if literal.startswith(covered) or (not self.exact and literal == self.prefix):
            return None  # some covered paths do, some do not
        return False  # the paths part before the literal ends: none does

    def _writes(self, statement: Node) -> set[str]:
        call = unwrap(statement.named_children[0]) if statement.named_children else None
        if call is None or call.type != "call_expression":
            return set()
        callee = call.child_by_field_name("function")
        arguments = call.child_by_field_name("arguments")
        if callee is None or arguments is None or not arguments.named_children:
            return set()
        name = self.module.text(callee)
        given = [unwrap(argument) for argument in arguments.named_children]
        if name in _ONE | _MANY and self.module.text(given[0]) != self.event:
            return set()
        if name in _ONE and len(given) == 3:
            header = string_value(given[1])
            return {header.lower()} if header else set()
        if name == f"{self.event}.node.res.setHeader" and len(given) == 2:
            header = string_value(given[0])
            return {header.lower()} if header else set()
        if name in _MANY and len(given) == 2 and given[1].type == "object":
            names: set[str] = set()
            for pair in given[1].named_children:
                if pair.type != "pair":
                    continue
                key = pair.child_by_field_name("key")
                text = string_value(key) if key is not None and key.type == "string" else None
                if text is None and key is not None and key.type == "property_identifier":
                    text = self.module.text(key)
                if text:
                    names.add(text.lower())
            return names
        return set()
