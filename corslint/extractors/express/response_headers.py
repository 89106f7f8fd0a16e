"""The header object a returned response carries, read into hand-written steps: an object
literal (`{'Access-Control-Allow-Origin': '*'}`), with spreads of others (`{...corsHeaders,
'Content-Type': ...}`), a local or imported constant, a helper's returned object
(`corsHeaders(req)`, followed into the helper with its parameters bound to what the call
passes), `new Headers({...})` and the `.set` / `.append` calls made on a Headers object or
on a response's `headers` before it is returned.

Values are interpreted by `handwritten_steps` (the request's Origin read through the
request a function receives, `allowed ? origin : list[0]` under an allow-list guard); the
writer says how the platform turns a value into a header line (see
`frameworks.express_headers`): `fetch-set` for the Fetch `Headers` class, `lambda` for an
AWS Lambda proxy result."""

from __future__ import annotations

import os
from bisect import bisect_left
from pathlib import Path

from corslint.extractors.express.flag_gated_headers import switched_object
from corslint.extractors.express.function_sources import functions_of, imported_functions
from corslint.extractors.express.handler_roles import HandlerRoles
from corslint.extractors.express.handwritten_state import Steps
from corslint.extractors.express.handwritten_steps import run
from corslint.extractors.express.header_steps import header_step, write_step
from corslint.extractors.express.helper_header_flow import after_early_exits, index_writes, tests_around
from corslint.extractors.express.record_loops import copied_by_loop, entries_loop
from corslint.extractors.express.request_inputs import request_source
from corslint.extractors.js.declared_values import FUNCTIONS, declared_value, enclosing_function
from corslint.extractors.js.method_calls import call_arguments
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project_files import project_root
from corslint.extractors.js.syntax import Node, string_value, unwrap
from corslint.model import Location, Provenance, Value

_MAX_DEPTH = 4


def parameter_names(module: JsModule, function: Node) -> list[str]:
    """The names a function's parameters bind, in order ("" for a pattern); a destructured
    `{ request }` (Pages Functions' context) binds `request`."""
    node = function.child_by_field_name("parameters")
    if node is None:
        single = function.child_by_field_name("parameter")
        return [module.text(single)] if single is not None else []
    names = []
    for parameter in node.named_children:
        if parameter.type == "comment":
            continue
        target = parameter
        if parameter.type in {"required_parameter", "optional_parameter"}:
            target = parameter.child_by_field_name("pattern") or parameter
        if target.type == "assignment_pattern":
            target = target.child_by_field_name("left") or target
        if target.type == "identifier":
            names.append(module.text(target))
        elif target.type == "object_pattern":
            inner = [
                module.text(c)
                for c in target.named_children
                if c.type == "shorthand_property_identifier_pattern"
            ]
            # a SvelteKit hook's `{ event, resolve }` binds the event holding the request
            names.append(
                next((n for n in inner if n in {"request", "req"}), "event" if "event" in inner else "")
            )
        else:
            names.append("")
    return names


def request_roles(names: list[str]) -> HandlerRoles:
    """Roles of a function that receives the request (or an event holding it) first."""
    first = next((name for name in names[:1] if name), "")
    return HandlerRoles(requests=(first,) if first else (), responses=(), next_name="")


def _alias_target(module: JsModule, specifier: str) -> str | None:
    """`@/lib/cors` (a jsconfig/tsconfig `paths` alias, Next.js's default `@/*` ->
    `./src/*` or `./*`) as a relative specifier from the importing module."""
    if module.file is None or not specifier.startswith(("@/", "~/")):
        return None
    root = project_root(module.file)
    if root is None:
        return None
    for base in (root / "src", root):
        target = base / specifier[2:]
        candidates = [
            target,
            *(target.with_name(target.name + s) for s in (".js", ".ts", ".mjs", ".tsx", ".jsx")),
        ]
        if any(candidate.is_file() for candidate in candidates) or (target / "index.js").is_file():
            relative = Path(_relative(module.file.parent.resolve(), target.resolve()))
            return relative.as_posix() if relative.as_posix().startswith(".") else f"./{relative.as_posix()}"
    return None


def _relative(start: Path, target: Path) -> str:
    return os.path.relpath(target, start)


def called_functions(module: JsModule, callee: Node) -> list[tuple[JsModule, Node]]:
    """The function a call names, also through a `@/` path alias."""
    callee = unwrap(callee)
    if callee.type == "identifier" and module.text(callee) in module.imports:
        specifier, exported = module.imports[module.text(callee)]
        relative = _alias_target(module, specifier)
        if relative is not None:
            return imported_functions(module, relative, exported)
    return functions_of(module, callee)


def returned_expressions(module: JsModule, function: Node) -> list[Node]:
    """What a function returns: an arrow's expression body, or each `return` of its own."""
    body = function.child_by_field_name("body")
    if body is None:
        return []
    if body.type != "statement_block":
        return [unwrap(body)]
    found = []
    # (PERF) the module's returns inside the body, from its index, not a walk of the body
    for node in nodes_within(module.of_kind("return_statement"), body):
        if enclosing_function(node) == function and node.named_children:
            found.append(unwrap(node.named_children[0]))
    return found


def nodes_within(nodes: list[Node], outer: Node) -> list[Node]:
    """The nodes (in source order, as `of_kind` gives them) that start inside `outer`: its
    descendants of those types, without walking it (a vendored bundle's functions nest
    deep, and each walk went over the nested ones again)."""
    first = bisect_left(nodes, outer.start_byte, key=_start_byte)
    return nodes[first : bisect_left(nodes, outer.end_byte, lo=first, key=_start_byte)]


def _start_byte(node: Node) -> int:
    return int(node.start_byte)


class HeaderReader:
    """Writes the CORS headers of header objects into one policy's steps."""

    def __init__(self, steps: Steps, writer: str) -> None:
        self.steps = steps
        self.writer = writer
        # a helper's parameter (module path, name) -> what its caller passes there, read in
        # the caller: `reply(200, body, headers)` spreading `...extraHeaders`
        self.bindings: dict[tuple[str, str], tuple[JsModule, Node, HandlerRoles, dict[str, str]]] = {}

    def read(
        self,
        module: JsModule,
        node: Node,
        roles: HandlerRoles,
        aliases: dict[str, str],
        when: tuple[str, ...],
        depth: int = 0,
    ) -> bool:
        """Whether the headers were read (False: an expression corslint cannot follow)."""
        node = unwrap(node)
        if depth > _MAX_DEPTH:
            return False
        state = Steps(module, roles, steps=self.steps.steps, aliases=dict(aliases))
        state.guard, state.more_guards = self.steps.guard, self.steps.more_guards
        try:
            return self._read(state, node, when, depth)
        finally:
            self.steps.guard = state.guard
            self.steps.condition = self.steps.condition or state.condition

    def _read(self, state: Steps, node: Node, when: tuple[str, ...], depth: int) -> bool:
        module = state.module
        if node.type == "object":
            for child in node.named_children:
                if child.type == "pair":
                    key = child.child_by_field_name("key")
                    name = string_value(key) if key is not None else None
                    if name is None and key is not None and key.type == "property_identifier":
                        name = module.text(key)
                    if name is None and key is not None:
                        resolved = module.resolve(key.named_children[0]) if key.named_children else None
                        name = (
                            resolved.raw if resolved is not None and isinstance(resolved.raw, str) else None
                        )
                    if name is not None:
                        header_step(
                            state,
                            name,
                            child.child_by_field_name("value"),
                            self.writer,
                            when,
                            module.location(child),
                        )
                elif child.type == "spread_element" and child.named_children:
                    spread = child.named_children[0]
                    self._read(state, unwrap(switched_object(module, spread) or spread), when, depth + 1)
                elif child.type == "shorthand_property_identifier" and module.text(child).lower() == "vary":
                    header_step(state, "Vary", child, self.writer, when, module.location(child))
            return True
        if node.type in {"identifier", "shorthand_property_identifier"}:
            key = (module.path, module.text(node))
            bound = self.bindings.get(key)
            if bound is not None:
                caller, passed, roles, aliases = bound
                # the caller's own `headers` (same module, same name) is not the parameter
                del self.bindings[key]
                try:
                    read = self.read(caller, passed, roles, aliases, when, depth + 1)
                finally:
                    self.bindings[key] = bound
                state.guard = self.steps.guard  # the allow-list the caller's object tests
                if unwrap(passed).type == "object":  # `withCORS({}, req)` fills the object it is given
                    index_writes(state, module.text(node), node, when, self._index_step, self.writer)
                return read
            declared = declared_value(module, module.text(node), node)
            if declared is not None:
                read = self._read(state, declared, when, depth + 1)
                self._set_calls(state, module.text(node), node, when)
                index_writes(state, module.text(node), node, when, self._index_step, self.writer)
                return read
            return self._resolved(state, node, when)
        if node.type == "new_expression":
            constructor = module.text(node.child_by_field_name("constructor") or node)
            arguments = call_arguments(node)
            if constructor == "Headers":
                return self._read(state, arguments[0], when, depth + 1) if arguments else True
            return False
        if node.type == "call_expression":
            return self._helper(state, node, when, depth)
        if node.type in {"member_expression", "subscript_expression"}:
            return self._resolved(state, node, when)
        return False

    def _resolved(self, state: Steps, node: Node, when: tuple[str, ...]) -> bool:
        """A header object known only as a value (imported, a property of a constant)."""
        value = state.module.resolve(node)
        if not (value.known and isinstance(value.raw, dict)):
            return False
        for key, item in value.raw.items():
            if key == "**":
                continue
            write_step(state, key, item, self.writer, when, item.location if item.known else value.location)
        return True

    def _helper(self, state: Steps, call: Node, when: tuple[str, ...], depth: int) -> bool:
        """`corsHeaders(req)`: the object the helper returns, its parameters bound to what
        the call passes (the request, or the Origin read from it)."""
        module = state.module
        function_node = call.child_by_field_name("function")
        if function_node is None:
            return False
        found = called_functions(module, function_node)
        if len(found) != 1:
            return False
        helper_module, helper = found[0]
        names = parameter_names(helper_module, helper)
        passed = call_arguments(call)
        requests: list[str] = []
        aliases: dict[str, str] = {}
        for name, argument in zip(names, passed, strict=False):
            if not name:
                continue
            text = module.text(unwrap(argument))
            if text in state.roles.requests:
                requests.append(name)
            source = request_source(module, state.roles, state.aliases, argument)
            if source is not None:
                aliases[name] = source
        roles = HandlerRoles(requests=tuple(requests), responses=(), next_name="")
        inner = Steps(helper_module, roles, steps={}, aliases=aliases)
        body = helper.child_by_field_name("body")
        if body is not None and body.type == "statement_block":
            run(inner, body, ())  # its declarations: `const origin = req.headers.get("origin")`
        returned = [node for node in returned_expressions(helper_module, helper) if _may_hold_headers(node)]
        if not returned:
            return False
        exits = after_early_exits(inner, helper) if len(returned) > 1 else None
        if exits is not None:  # `if (!allowed.includes(origin)) return {}; return {...}`
            returned, when = [exits[0]], (*when, *exits[1])
            state.guard = state.guard or inner.guard
        if len(returned) > 1:
            # several objects returned under tests corslint does not follow
            self.steps.condition = self.steps.condition or Value(
                None,
                helper_module.location(returned[0]),
                Provenance.UNKNOWN,
                description=f"which object `{module.text(function_node)}` returns",
            )
            when = (*when, "?")
        reader = HeaderReader(self.steps, self.writer)
        reader.steps.guard = state.guard
        for name, argument in zip(names, passed, strict=False):
            if name and unwrap(argument).type == "object":  # an object the helper fills and returns
                reader.bindings[(helper_module.path, name)] = (module, argument, state.roles, state.aliases)
        read = reader.read(helper_module, returned[0], roles, inner.aliases, when, depth + 1)
        state.guard = reader.steps.guard
        return read

    def _set_calls(self, state: Steps, holder: str, use: Node, when: tuple[str, ...]) -> None:
        set_calls(self, state, holder, use, when)

    def _index_step(
        self, state: Steps, header: str, value: Node, when: tuple[str, ...], where: Location
    ) -> None:
        header_step(state, header, value, self.writer, when, where)


def set_calls(reader: HeaderReader, state: Steps, holder: str, use: Node, when: tuple[str, ...]) -> None:
    """`holder.set(name, value)` / `holder.append(...)` on a Headers object, or
    `holder.headers.set(...)` on a response, before `use` in the same function; a call under
    an `if` that does not also hold `use` is written under an undecided test."""
    module = state.module
    scope = enclosing_function(use)
    low = scope.start_byte if scope is not None else 0
    for call in module.of_kind("call_expression"):
        # the cheap tests first: a bundle holds hundreds of thousands of calls
        if not low <= call.start_byte < use.start_byte:
            continue
        function = call.child_by_field_name("function")
        text = module.text(function).replace(" ", "") if function is not None else ""
        method = text.rsplit(".", 1)[-1]
        if text not in {f"{holder}.{method}", f"{holder}.headers.{method}"} or method not in {
            "set",
            "append",
        }:
            continue
        if enclosing_function(call) != scope:
            looped = copied_by_loop(module, call, holder, scope)
            if looped is not None and not _conditional(looped, use) and not _returned_before(looped, use):
                reader.read(module, looped.named_children[0], state.roles, state.aliases, when)
            continue
        arguments = call_arguments(call)
        if len(arguments) != 2:
            continue
        key = module.resolve(arguments[0])
        if not (key.known and isinstance(key.raw, str)):
            looped = entries_loop(module, call, arguments)
            if looped is not None and not _returned_before(looped[0], use):
                # a loop under a test the model reads (a SvelteKit hook's path test) is guarded
                atoms = tests_around(state, looped[0], scope) if _conditional(looped[0], use) else ()
                if atoms is not None and "FALSE" not in atoms:
                    reader.read(module, looped[1], state.roles, state.aliases, (*when, *atoms))
            continue
        guarded = when
        if _returned_before(call, use):
            continue  # written on a path that returns another response
        atoms = tests_around(state, call, scope) if _conditional(call, use) else ()
        if atoms is not None and "FALSE" in atoms:
            continue  # under a test known to fail
        if atoms:
            guarded = (*when, *atoms)  # `if (origin && allowed.includes(origin))`, read as such
        elif atoms is None:
            state.condition = state.condition or Value(
                None,
                module.location(call),
                Provenance.UNKNOWN,
                description=f"`{module.text(call)}`, written under a condition",
            )
            guarded = (*when, "?")
        writer = "append" if method == "append" else reader.writer
        header_step(state, key.raw, arguments[1], writer, guarded, module.location(call))


def _returned_before(call: Node, use: Node) -> bool:
    """Whether the call sits in a block that does not hold `use` and returns at its end
    (`if (request.method === 'OPTIONS') { headers.set(...); return ... }`)."""
    child, parent = call, call.parent
    while parent is not None and parent.type not in FUNCTIONS:
        if parent.start_byte <= use.start_byte < parent.end_byte:
            return False
        if parent.type == "statement_block" and any(
            statement.type == "return_statement" and statement.start_byte > child.start_byte
            for statement in parent.named_children
        ):
            return True
        child, parent = parent, parent.parent
    return False


def _conditional(call: Node, use: Node) -> bool:
    parent = call.parent
    while parent is not None and parent.type not in FUNCTIONS:
        if parent.type in _CONDITIONAL and not (parent.start_byte <= use.start_byte < parent.end_byte):
            return True
        parent = parent.parent
    return False


_CONDITIONAL = frozenset(
    {"if_statement", "for_statement", "for_in_statement", "while_statement", "catch_clause"}
)


def _may_hold_headers(node: Node) -> bool:
    return node.type in {"object", "identifier", "call_expression", "new_expression"}
