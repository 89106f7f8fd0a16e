"""A project's curried Fetch CORS wrapper, applied per call site with its own options:
`withCORS = (opt = {}) => (handler) => async (ctx) => { const res = await handler(ctx);
res.headers.set(ALLOW_ORIGIN, opt.origin ?? req.headers.get(ORIGIN)); ...; return res }`,
used as `const cors = withCORS({ credentials: true }); router.post('/views', cors(...))`
(getclaps/worker `src/vendor/middleware/cors.ts`, `src/routes/api/views.ts`, SWEEP13 M2).

The wrapper's header writes are the Fetch `Headers` API on the wrapped handler's response:
every answer of a wrapped handler carries them. What each write sends depends on the
options of the call site: `opt.origin ?? <request Origin>` is the Origin itself where the
call passes no `origin`. One policy per set of options the project passes (its call sites
the related locations), read only where everything is decided: options an object literal
(or nothing) with known values, each write's test a request test the model reads, an
option's truth, or `!res.headers.has(NAME)` where no module applying the wrapper names an
`Access-Control-Allow-*` header (the wrapped handlers set none). Anything else: nothing,
as before. What answers OPTIONS is left unknown (the routes decide: a wrapped `options`
route, or none)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from corslint.extractors.express.handler_roles import HandlerRoles
from corslint.extractors.express.handwritten_state import Steps
from corslint.extractors.express.handwritten_tests import test_atom
from corslint.extractors.express.header_steps import header_step, write_step
from corslint.extractors.express.importer_candidates import candidate_importers
from corslint.extractors.express.response_headers import parameter_names
from corslint.extractors.js.declared_values import FUNCTIONS
from corslint.extractors.js.method_calls import call_arguments
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, conjuncts, unwrap, walk
from corslint.model import CorsPolicy, Evidence, HeaderReflection, Location, Value

FETCH = "fetch_headers"
_TYPE_WRAPPERS = frozenset({"type_assertion", "as_expression", "non_null_expression", "satisfies_expression"})


@dataclass(frozen=True)
class _Wrapper:
    """A wrapper factory `(opts) => (handler) => async (req) => {...}` and the header writes
    its innermost function makes on the handler's response."""

    name: str  # the factory's binding (`withCORS`)
    options: str  # its parameter (`opt`)
    inner: Node  # `async (ctx) => {...}`
    response: str  # `res`
    requests: tuple[str, ...]  # `ctx`, `req` (`const req = ctx.event.request`)
    writes: tuple[tuple[Node, Node | None], ...]  # (`res.headers.set(...)` call, its `if` test)
    derived: dict[str, str]  # local -> the option it is computed from (`origin` <- `opt.origin`)


def curried_wrapper_policies(module: JsModule, bearer: tuple[Evidence, ...]) -> list[CorsPolicy]:
    source = module.source
    if b"headers.set" not in source or b"access-control-allow-origin" not in source.lower():
        return []
    policies: list[CorsPolicy] = []
    for declarator in module.of_kind("variable_declarator"):
        wrapper = _wrapper(module, declarator)
        if wrapper is not None:
            policies += _policies(module, wrapper, bearer)
    return policies


def _single(module: JsModule, function: Node) -> str:
    names = parameter_names(module, function)
    return names[0] if len(names) == 1 and names[0] else ""


def _body_function(function: Node) -> Node | None:
    """The function an arrow returns as its body (or a block's only `return`)."""
    body = function.child_by_field_name("body")
    if body is None:
        return None
    if body.type == "statement_block":
        parts = [child for child in body.named_children if child.type != "comment"]
        if len(parts) != 1 or parts[0].type != "return_statement" or not parts[0].named_children:
            return None
        body = parts[0].named_children[0]
    body = unwrap(body)
    return body if body.type in FUNCTIONS else None


def _wrapper(module: JsModule, declarator: Node) -> _Wrapper | None:
    name_node, value = declarator.child_by_field_name("name"), declarator.child_by_field_name("value")
    if name_node is None or name_node.type != "identifier" or value is None:
        return None
    outer = unwrap(value)
    if outer.type not in FUNCTIONS or not (options := _single(module, outer)):
        return None
    middle = _body_function(outer)
    if middle is None or not (handler := _single(module, middle)):
        return None
    inner = _body_function(middle)
    body = inner.child_by_field_name("body") if inner is not None else None
    names = parameter_names(module, inner) if inner is not None else []
    if inner is None or body is None or body.type != "statement_block" or not names or not names[0]:
        return None
    statements = [child for child in body.named_children if child.type != "comment"]
    response, requests, derived = "", [names[0]], {}
    writes: list[tuple[Node, Node | None]] = []
    for index, statement in enumerate(statements):
        if statement.type in {"lexical_declaration", "variable_declaration"}:
            for part in statement.named_children:
                local = part.child_by_field_name("name") if part.type == "variable_declarator" else None
                init = part.child_by_field_name("value") if local is not None else None
                if local is None or init is None or local.type != "identifier":
                    return None
                text = module.text(unwrap(init)).replace(" ", "")
                if text.startswith(f"await{handler}(") and not response:
                    response = module.text(local)  # `const res = await handler(ctx)`
                elif text in {f"{names[0]}.request", f"{names[0]}.event.request"}:
                    requests.append(module.text(local))  # `const req = ctx.event.request`
                elif (option := _option_read(module, init, options)) is not None:
                    derived[module.text(local)] = option  # `const origin = opt.origin ...`
                else:
                    return None
        elif statement.type == "return_statement":
            if (
                index != len(statements) - 1
                or not response
                or module.text(statement).replace(" ", "") != (f"return{response};")
            ):
                return None
        elif (written := _write(module, statement, response)) is not None:
            writes += written
        else:
            return None  # a statement this reading does not follow
    if not response or not writes or statements[-1].type != "return_statement":
        return None
    return _Wrapper(module.text(name_node), options, inner, response, tuple(requests), tuple(writes), derived)


def _option_read(module: JsModule, node: Node, options: str) -> str | None:
    """The one option an expression reads (`opt.origin` in `typeof opt.origin === 'string'
    ? new URL(opt.origin) : opt.origin`)."""
    read = {
        module.text(child.child_by_field_name("property"))
        for child in walk(node)
        if child.type == "member_expression" and module.text(child.child_by_field_name("object")) == options
    }
    return next(iter(read)) if len(read) == 1 else None


def _write(module: JsModule, statement: Node, response: str) -> list[tuple[Node, Node | None]] | None:
    """The `response.headers.set(...)` calls of a statement, with the test of the `if`
    (without `else`) holding them; None for any other statement."""
    test = None
    statements = [statement]
    if statement.type == "if_statement":
        if statement.child_by_field_name("alternative") is not None:
            return None
        test = statement.child_by_field_name("condition")
        consequence = statement.child_by_field_name("consequence")
        if consequence is None:
            return None
        statements = [consequence]
        if consequence.type == "statement_block":
            statements = [child for child in consequence.named_children if child.type != "comment"]
    found: list[tuple[Node, Node | None]] = []
    for part in statements:
        if part.type != "expression_statement" or not part.named_children:
            return None
        call = unwrap(part.named_children[0])
        callee = call.child_by_field_name("function") if call.type == "call_expression" else None
        if callee is None or module.text(callee).replace(" ", "") != f"{response}.headers.set":
            return None
        found.append((call, test))
    return found or None


@dataclass(frozen=True)
class _Site:
    """One place the project calls the factory with an options literal."""

    module: JsModule
    call: Node  # `withCORS({ credentials: true })`
    options: dict[str, Value]


def _policies(module: JsModule, wrapper: _Wrapper, bearer: tuple[Evidence, ...]) -> list[CorsPolicy]:
    sites = _sites(module, wrapper)
    if not sites or any(_names_allow_header(site.module) for site in sites if site.module is not module):
        return []
    groups: dict[str, list[_Site]] = {}
    for site in sites:
        key = repr(sorted((name, value.raw) for name, value in site.options.items()))
        groups.setdefault(key, []).append(site)
    policies = []
    for group in groups.values():
        policy = _policy(module, wrapper, group, bearer)
        if policy is not None:
            policies.append(policy)
    return policies


def _names_allow_header(module: JsModule) -> bool:
    return b"access-control-allow-" in module.source.lower()


def _sites(module: JsModule, wrapper: _Wrapper) -> list[_Site]:
    """The calls of the factory whose result is applied to a handler: in the module itself,
    and in the project modules importing it by name."""
    modules = [module]
    found = candidate_importers(module, also=wrapper.name.encode())
    if found is not None:
        modules += [m for m in found.modules if m is not module]
    sites = []
    for candidate in modules:
        local = wrapper.name if candidate is module else _imported_as(candidate, module, wrapper.name)
        if not local:
            continue
        for call in candidate.of_kind("call_expression"):
            callee = call.child_by_field_name("function")
            if callee is None or callee.type != "identifier" or candidate.text(callee) != local:
                continue
            if candidate is module and _inside(call, wrapper.inner):
                continue
            options = _call_options(candidate, call)
            if options is None or not _applied(candidate, call):
                continue
            sites.append(_Site(candidate, call, options))
    return sites


def _inside(node: Node, outer: Node) -> bool:
    return bool(outer.start_byte <= node.start_byte < outer.end_byte)


def _imported_as(importer: JsModule, module: JsModule, exported: str) -> str:
    project = importer.project
    if project is None or module.file is None:
        return ""
    for local, (specifier, name) in importer.imports.items():
        if name != exported:
            continue
        target = project.resolve_specifier(importer, specifier)
        if target is not None and target.resolve() == module.file.resolve():
            return local
    return ""


def _call_options(module: JsModule, call: Node) -> dict[str, Value] | None:
    arguments = call_arguments(call)
    if not arguments:
        return {}
    if len(arguments) != 1 or unwrap(arguments[0]).type != "object":
        return None
    value = module.resolve(arguments[0])
    if not (value.known and isinstance(value.raw, dict)):
        return None
    options: dict[str, Value] = {}
    for key, item in value.raw.items():
        if not isinstance(item, Value) or not item.known:
            return None
        options[str(key)] = item
    return options


def _applied(module: JsModule, call: Node) -> bool:
    """`withCORS(opts)(handler)`, or `const cors = withCORS(opts)` then `cors(handler)`."""
    parent = call.parent
    if (
        parent is not None
        and parent.type == "call_expression"
        and parent.child_by_field_name("function") == call
    ):
        return len(call_arguments(parent)) == 1
    if parent is None or parent.type != "variable_declarator":
        return False
    bound = parent.child_by_field_name("name")
    name = module.text(bound) if bound is not None and bound.type == "identifier" else ""
    return bool(name) and any(
        (callee := use.child_by_field_name("function")) is not None
        and callee.type == "identifier"
        and module.text(callee) == name
        and len(call_arguments(use)) == 1
        for use in module.of_kind("call_expression")
    )


def _policy(
    module: JsModule, wrapper: _Wrapper, sites: list[_Site], bearer: tuple[Evidence, ...]
) -> CorsPolicy | None:
    options = sites[0].options
    related = tuple(site.module.location(site.call) for site in sites)
    roles = HandlerRoles(requests=wrapper.requests, responses=(), next_name="")
    state = Steps(module, roles)
    origin_at: Location | None = None
    for call, test in wrapper.writes:
        arguments = call_arguments(call)
        if len(arguments) != 2:
            return None
        key = module.resolve(arguments[0])
        if not (key.known and isinstance(key.raw, str)):
            return None
        when = _when(state, wrapper, test, options)
        if when is None:
            return None
        if "FALSE" in when:
            continue
        value = _value(module, wrapper, arguments[1], options)
        if value is None:
            return None
        location = module.location(call)
        if key.raw.lower() == "access-control-allow-origin" and origin_at is None:
            origin_at = location
        if value.type == "string" or (value.type == "identifier" and module.resolve(value).known):
            written = module.resolve(value)
            write_step(
                state, key.raw, Value(written.raw, location, related=related), "fetch-set", when, location
            )
        elif (copied := _copied_header(module, wrapper, value)) is not None:
            reflected = Value(HeaderReflection("reflect-all", source=copied), location)
            write_step(state, key.raw, reflected, "fetch-set", when, location)
        else:
            header_step(state, key.raw, value, "fetch-set", when, location)
    if origin_at is None or not any(name.startswith("Access-Control-Allow-Origin") for name in state.steps):
        return None
    end = Value(200, origin_at)
    state.add(
        "end",
        Value({"status": end, "when": Value((Value("!OPTIONS", origin_at),), origin_at)}, origin_at),
        origin_at,
    )
    steps = dict(state.steps)
    for name, step in steps.items():
        if name.startswith("Access-Control-Allow-Origin"):
            steps[name] = Value(
                step.raw, step.location, step.provenance, step.env_var, step.description, related
            )
    return CorsPolicy(
        framework=FETCH,
        location=origin_at,
        options=steps,
        evidence=bearer,
        label=f"Fetch Response ({PurePosixPath(module.path).name}, `{wrapper.name}(...)`)",
        app=f"{module.path}::{FETCH}@{sites[0].module.path}:{related[0].line}",
    )


_COPIED = frozenset({"origin", "access-control-request-method", "access-control-request-headers"})


def _copied_header(module: JsModule, wrapper: _Wrapper, node: Node) -> str | None:
    """`req.headers.get(ORIGIN)` with a constant naming the header: the header copied."""
    if node.type != "call_expression":
        return None
    callee = module.text(node.child_by_field_name("function")).replace(" ", "")
    arguments = call_arguments(node)
    if callee not in {f"{request}.headers.get" for request in wrapper.requests} or len(arguments) != 1:
        return None
    name = module.resolve(arguments[0])
    if not (name.known and isinstance(name.raw, str)) or name.raw.lower() not in _COPIED:
        return None
    return str(name.raw.lower())


def _strip(node: Node) -> Node:
    node = unwrap(node)
    while node.type in _TYPE_WRAPPERS and node.named_children:
        inner = [
            child for child in node.named_children if child.type not in {"type_annotation", "predefined_type"}
        ]
        node = unwrap(inner[-1] if node.type == "type_assertion" else node.named_children[0])
    return node


def _mentions_option(module: JsModule, wrapper: _Wrapper, node: Node) -> str | None:
    """The option an expression depends on (directly, or through a local computed from
    it); "" for none; None for more than one."""
    read = set()
    for child in walk(node):
        if (
            child.type == "member_expression"
            and module.text(child.child_by_field_name("object")) == wrapper.options
        ):
            read.add(module.text(child.child_by_field_name("property")))
        elif child.type == "identifier" and module.text(child) in wrapper.derived:
            read.add(wrapper.derived[module.text(child)])
        elif (
            child.type == "identifier"
            and module.text(child) == wrapper.options
            and child.parent is not None
            and child.parent.type != "member_expression"
        ):
            return None  # the whole options object handed on
    return next(iter(read)) if len(read) == 1 else ("" if not read else None)


def _value(module: JsModule, wrapper: _Wrapper, node: Node, options: dict[str, Value]) -> Node | None:
    """The expression written for these options: `opt.x ?? fallback` is the fallback where
    the call passes no `x`; a write of a given option itself is not followed."""
    node = _strip(node)
    option = _mentions_option(module, wrapper, node)
    if option == "":
        return node
    if option is None or option in options or node.type != "binary_expression":
        return None
    if module.text(node.child_by_field_name("operator")) not in {"??", "||"}:
        return None
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    if left is None or right is None or _mentions_option(module, wrapper, right) != "":
        return None
    return _strip(right)


def _when(
    state: Steps, wrapper: _Wrapper, test: Node | None, options: dict[str, Value]
) -> tuple[str, ...] | None:
    if test is None:
        return ()
    atoms: list[str] = []
    for term in conjuncts(unwrap(test)):
        atom = _term(state, wrapper, term, options)
        if atom is None:
            return None
        if atom == "FALSE":
            return ("FALSE",)
        if atom != "TRUE":
            atoms.append(atom)
    return tuple(atoms)


def _term(state: Steps, wrapper: _Wrapper, term: Node, options: dict[str, Value]) -> str | None:
    module = state.module
    text = module.text(term).replace(" ", "")
    if text.startswith(f"!{wrapper.response}.headers.has("):
        return "TRUE"  # the wrapped handlers set no CORS header (`_names_allow_header`)
    option = _mentions_option(module, wrapper, term)
    if option:
        if text not in {f"{wrapper.options}.{option}", f"!{wrapper.options}.{option}"}:
            return None
        given = options.get(option)
        truth = bool(given.raw) if given is not None else False
        return "TRUE" if truth != text.startswith("!") else "FALSE"
    if option is None:
        return None
    tested = _header_presence(state, wrapper, term)
    return tested if tested is not None else test_atom(state, term)


def _header_presence(state: Steps, wrapper: _Wrapper, term: Node) -> str | None:
    """`req.headers.has(NAME)` on the request: the atom for that header's presence."""
    module = state.module
    negated = term.type == "unary_expression" and module.text(term).startswith("!")
    call = unwrap(term.child_by_field_name("argument")) if negated else term
    if call is None or call.type != "call_expression":
        return None
    callee = module.text(call.child_by_field_name("function")).replace(" ", "")
    arguments = call_arguments(call)
    if callee not in {f"{request}.headers.has" for request in wrapper.requests} or len(arguments) != 1:
        return None
    name = module.resolve(arguments[0])
    if not (name.known and isinstance(name.raw, str)):
        return None
    atom = "ORIGIN" if name.raw.lower() == "origin" else f"HEADER:{name.raw.lower()}"
    return f"!{atom}" if negated else atom
