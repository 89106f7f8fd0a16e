"""Hand-written ``Access-Control-*`` headers: handlers that set them on the response are
interpreted statement by statement into ``express_headers`` policies."""

from __future__ import annotations

from dataclasses import dataclass, field

from corslint.extractors.express.branches import arms_around, development_guarded
from corslint.extractors.express.origin_functions import membership, parameter_names
from corslint.extractors.express.registrations import (
    ROUTE_METHODS,
    Analysis,
    Registration,
    function_registration,
)
from corslint.extractors.express.routes import covers_every_path, misordered, probe_path_for, routes_of
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project_files import is_development_path
from corslint.extractors.js.syntax import Node, string_value, unwrap
from corslint.model import CorsPolicy, Evidence, FunctionValue, HeaderReflection, Location, Provenance, Value

HEADER_WRITERS = {"set": "set", "header": "set", "setHeader": "setHeader", "append": "append"}


@dataclass
class _Steps:
    """The header-setting steps of one hand-written CORS handler, in order."""

    module: JsModule
    request: str
    response: str
    steps: dict[str, Value] = field(default_factory=dict)
    guard: Value | None = None
    next_name: str = ""
    aliases: dict[str, str] = field(default_factory=dict)  # local name -> "origin" / header name
    condition: Value | None = None  # the first `if` test corslint could not decide

    def add(self, header: str, value: Value, location: Location) -> None:
        name = header
        number = 2
        while name in self.steps:
            name = f"{header} #{number}"
            number += 1
        self.steps[name] = Value(value.raw, location) if value.known else value


def handwritten_policies(analysis: Analysis, bearer: tuple[Evidence, ...]) -> list[CorsPolicy]:
    module = analysis.module
    functions: list[Node] = []
    for node in module.of_kind("string"):
        if not (string_value(node) or "").lower().startswith("access-control-"):
            continue
        function = node.parent
        while function is not None and function.type not in {
            "arrow_function",
            "function_expression",
            "function_declaration",
            "function",
            "method_definition",
        }:
            function = function.parent
        if function is not None and function not in functions and len(parameter_names(module, function)) >= 2:
            functions.append(function)
    handled: list[tuple[Node, _Steps, Registration | None]] = []
    for function in functions:
        parameters = parameter_names(module, function)
        if any(
            other != function
            and other.start_byte <= function.start_byte
            and function.end_byte <= other.end_byte
            for other in functions
        ):
            continue
        state = _Steps(
            module, parameters[0], parameters[1], next_name=parameters[2] if len(parameters) > 2 else ""
        )
        body = function.child_by_field_name("body")
        if body is None:
            continue
        _run(state, body, ())
        handled.append((function, state, function_registration(analysis, function)))
    middlewares = {
        registration.receiver: (state, registration)
        for _, state, registration in handled
        if registration is not None and registration.method == "use" and not registration.path
    }
    merged: set[int] = set()
    for function, state, registration in handled:
        verb = registration.method.split(":")[-1] if registration is not None else "use"
        if verb in ROUTE_METHODS and verb != "all":
            # a route handler runs for its own method only; express answers OPTIONS itself
            methods = ROUTE_METHODS[verb] + (("HEAD",) if verb == "get" else ())
            _only_for_methods(state, "METHOD:" + ",".join(methods))
        if verb == "options" and registration is not None:
            _only_for_methods(state, "METHOD:OPTIONS", keep_options=True)
            found = middlewares.get(registration.receiver)
            if (
                found is not None
                and found[1].call.start_byte < registration.call.start_byte
                and covers_every_path(registration.path)
            ):
                # `app.options("*", ...)` after the app's CORS middleware completes it: one layer
                host = found[0]
                for name, step in state.steps.items():
                    host.add(name.split(" #", 1)[0], step, step.location)
                host.guard = host.guard or state.guard
                merged.add(function.id)
    policies = []
    for function, state, registration in handled:
        if function.id in merged:
            continue
        if not any(name.lower().startswith("access-control-allow-origin") for name in state.steps):
            continue
        options = dict(state.steps)
        if state.guard is not None:
            options["guard"] = state.guard
        if state.condition is not None:
            options["condition"] = state.condition
        app = branch = ""
        scope = ""
        route_level = False
        probe_path = "/"
        evidence = list(bearer)
        if registration is not None:
            if registration.method == "use":
                app = f"{module.path}::{registration.receiver}"
                branch = arms_around(registration.call)
                scope = registration.path if registration.path not in {None, "/", "*", "/*"} else ""
                probe_path = probe_path_for(registration.path or "/")
                evidence += misordered(analysis, registration, "headers")
            else:
                route_level = True
                scope = registration.path or ""
                probe_path = probe_path_for(registration.path or "/")
        policies.append(
            CorsPolicy(
                framework="express_headers",
                location=module.location(registration.call if registration is not None else function),
                options=options,
                routes=routes_of(analysis, registration),
                evidence=tuple(evidence),
                development_only=is_development_path(module.path) or development_guarded(module, function),
                label="hand-written CORS headers",
                scope=scope,
                probe_path=probe_path,
                app=app,
                branch=branch,
                route_level=route_level,
            )
        )
    return policies


def _only_for_methods(state: _Steps, condition: str, keep_options: bool = False) -> None:
    for name, step in list(state.steps.items()):
        when = step.raw["when"]
        if "OPTIONS" in tuple(item.raw for item in when.raw) and not keep_options:
            del state.steps[name]
            continue
        extended = Value((*when.raw, Value(condition, when.location)), when.location)
        state.steps[name] = Value({**step.raw, "when": extended}, step.location)


def _statements(node: Node) -> list[Node]:
    if node.type == "statement_block":
        return [c for c in node.named_children if c.type != "comment"]
    return [node]


def _run(state: _Steps, node: Node, when: tuple[str, ...]) -> bool:
    """Interpret statements; True when every path through them has ended (answered,
    returned or handed on with `next()`)."""
    for statement in _statements(node):
        outcome = _statement(state, statement, when)
        if outcome is True:
            return True
        if isinstance(outcome, str):
            when = (*when, outcome)  # what follows runs only where this holds
    return False


def _statement(state: _Steps, statement: Node, when: tuple[str, ...]) -> bool | str:
    module = state.module
    kind = statement.type
    if kind == "if_statement":
        condition = _condition(state, statement.child_by_field_name("condition"))
        consequence = statement.child_by_field_name("consequence")
        alternative = statement.child_by_field_name("alternative")
        if condition is None:
            test = statement.child_by_field_name("condition")
            if state.condition is None:
                state.condition = Value(
                    None,
                    module.location(test),
                    Provenance.UNKNOWN,
                    description=f"headers written under `if {module.text(test)}`",
                )
            condition = "?"  # a test corslint cannot decide: the steps under it are unknown
        negated = "?" if condition == "?" else condition[1:] if condition.startswith("!") else f"!{condition}"
        done_then = _run(state, consequence, (*when, condition)) if consequence is not None else False
        done_else = False
        if alternative is not None:
            inner = [c for c in alternative.named_children if c.type != "comment"]
            if inner:
                done_else = _run(state, inner[0], (*when, negated))
        if done_then and done_else:
            return True
        if done_then:
            return negated
        if done_else:
            return condition
        return False
    if kind in {"lexical_declaration", "variable_declaration"}:
        for declarator in statement.named_children:
            name = declarator.child_by_field_name("name")
            value = declarator.child_by_field_name("value")
            if name is not None and value is not None:
                source = _request_source(state, value)
                if source is not None:
                    state.aliases[module.text(name)] = source
        return False
    if kind == "return_statement":
        inner = [c for c in statement.named_children if c.type != "comment"]
        if inner:
            _expression(state, inner[0], when)
        return True
    if kind == "expression_statement":
        inner = [c for c in statement.named_children if c.type != "comment"]
        if not inner:
            return False
        _expression(state, inner[0], when)
        target = unwrap(inner[0])
        if _answers(state, target):
            return True
        if target.type == "call_expression" and len(_parameters_text(state)) > 2:
            callee = module.text(target.child_by_field_name("function"))
            return callee == _parameters_text(state)[2]
        return False
    if kind == "statement_block":
        return _run(state, statement, when)
    return False


def _parameters_text(state: _Steps) -> list[str]:
    return (
        [state.request, state.response, state.next_name]
        if state.next_name
        else [state.request, state.response]
    )


def _answers(state: _Steps, node: Node) -> bool:
    """`res.sendStatus(204)`, `res.status(200).end()`, `res.end()`, `res.json(...)`."""
    node = unwrap(node)
    if node.type != "call_expression":
        return False
    text = state.module.text(node.child_by_field_name("function")).replace(" ", "")
    return text.startswith(f"{state.response}.") and text.rsplit(".", 1)[-1] in {
        "writeHead",
        "sendStatus",
        "end",
        "send",
        "json",
    }


def _status_of(state: _Steps, node: Node) -> int | None:
    node = unwrap(node)
    function = unwrap(node.child_by_field_name("function"))
    args = node.child_by_field_name("arguments")
    named = [c for c in args.named_children if c.type != "comment"] if args else []
    method = state.module.text(function.child_by_field_name("property"))
    if method in {"sendStatus", "writeHead"} and named:
        value = state.module.resolve(named[0])
        return value.raw if value.known and isinstance(value.raw, int) else None
    holder = unwrap(function.child_by_field_name("object"))
    if holder.type == "call_expression":
        inner = unwrap(holder.child_by_field_name("function"))
        if state.module.text(inner).replace(" ", "") == f"{state.response}.status":
            inner_args = holder.child_by_field_name("arguments")
            inner_named = [c for c in inner_args.named_children if c.type != "comment"] if inner_args else []
            if inner_named:
                value = state.module.resolve(inner_named[0])
                return value.raw if value.known and isinstance(value.raw, int) else None
    return 200


def _expression(state: _Steps, node: Node, when: tuple[str, ...]) -> None:
    """Header writes (also chained: `res.header(a, b).header(c, d)`) and answers."""
    node = unwrap(node)
    module = state.module
    if node.type != "call_expression":
        return
    function = unwrap(node.child_by_field_name("function"))
    if function is None or function.type != "member_expression":
        return
    holder = unwrap(function.child_by_field_name("object"))
    if holder.type == "call_expression":
        _expression(state, holder, when)
    method = module.text(function.child_by_field_name("property"))
    args = node.child_by_field_name("arguments")
    named = [c for c in args.named_children if c.type != "comment"] if args else []
    location = module.location(node)
    if method == "writeHead" and len(named) >= 2 and unwrap(named[-1]).type == "object":
        for pair in unwrap(named[-1]).named_children:
            if pair.type == "pair":
                key = string_value(pair.child_by_field_name("key")) or module.text(
                    pair.child_by_field_name("key")
                )
                _header(
                    state, key, pair.child_by_field_name("value"), "setHeader", when, module.location(pair)
                )
    if _answers(state, node):
        status = _status_of(state, node)
        state.add(
            "end",
            Value(
                {
                    "status": Value(status, location) if status is not None else module.unknown(node),
                    "when": Value(tuple(Value(w, location) for w in when), location),
                },
                location,
            ),
            location,
        )
        return
    if method == "vary" and named:
        value = module.resolve(named[0])
        _write(state, "Vary", value, "vary", when, location)
        return
    if method not in HEADER_WRITERS or not named:
        return
    if len(named) == 1 and unwrap(named[0]).type == "object":
        for pair in unwrap(named[0]).named_children:
            if pair.type != "pair":
                continue
            key = string_value(pair.child_by_field_name("key")) or module.text(
                pair.child_by_field_name("key")
            )
            _header(state, key, pair.child_by_field_name("value"), "set", when, module.location(pair))
        return
    if len(named) < 2:
        return
    header = module.resolve(named[0])
    if not (header.known and isinstance(header.raw, str)):
        return
    _header(state, header.raw, named[1], HEADER_WRITERS[method], when, location)


def _header(
    state: _Steps, header: str, value_node: Node, writer: str, when: tuple[str, ...], location: Location
) -> None:
    canonical = "-".join(part.capitalize() for part in header.split("-"))
    if not (canonical.startswith("Access-Control-") or canonical == "Vary"):
        return
    source = _request_source(state, value_node)
    if source is not None:
        value = Value(HeaderReflection("reflect-all", source=source), location)
    else:
        value = state.module.resolve(value_node)
    _write(state, canonical, value, writer, when, location)


def _write(
    state: _Steps, header: str, value: Value, writer: str, when: tuple[str, ...], location: Location
) -> None:
    step = Value(
        {
            "value": value,
            "writer": Value(writer, location),
            "when": Value(tuple(Value(w, location) for w in when), location),
        },
        location,
    )
    state.add(header, step, location)


def _request_source(state: _Steps, node: Node) -> str | None:
    """`req.headers.origin`, `req.get("origin")`, `req.header("Origin")`, or a local alias."""
    node = unwrap(node)
    module = state.module
    text = module.text(node).replace(" ", "")
    if node.type == "identifier":
        return state.aliases.get(text)
    if node.type == "binary_expression" and module.text(node.child_by_field_name("operator")) in {"||", "??"}:
        return _request_source(state, node.child_by_field_name("left"))
    request = state.request
    for header in ("origin", "access-control-request-headers"):
        spellings = {
            f"{request}.headers.{header}",
            f"{request}.headers['{header}']",
            f'{request}.headers["{header}"]',
            f"{request}.get('{header}')",
            f'{request}.get("{header}")',
            f"{request}.header('{header}')",
            f'{request}.header("{header}")',
        }
        if text.lower().replace(request.lower(), request, 1) in spellings or text in spellings:
            return header
    return None


def _condition(state: _Steps, node: Node | None) -> str | None:
    """A test the model understands: the method, Origin presence, or an allow-list check."""
    if node is None:
        return None
    node = unwrap(node)
    module = state.module
    text = module.text(node).replace(" ", "").replace('"', "'")
    request = state.request
    for operator, atom in (("===", "OPTIONS"), ("==", "OPTIONS"), ("!==", "!OPTIONS"), ("!=", "!OPTIONS")):
        if text in {f"{request}.method{operator}'OPTIONS'", f"'OPTIONS'{operator}{request}.method"}:
            return atom
    if node.type == "unary_expression" and text.startswith("!"):
        inner = _condition(state, node.child_by_field_name("argument"))
        if inner is None:
            return None
        return inner[1:] if inner.startswith("!") else f"!{inner}"
    if _request_source(state, node) == "origin":
        return "ORIGIN"
    names = [name for name, source in state.aliases.items() if source == "origin"]
    names += [f"{request}.headers.origin", f"{request}.get('origin')", f"{request}.header('origin')"]
    for name in names:
        found = membership(module, node, name, True)
        if found is not None:
            entries, _ = found
            guard = Value(FunctionValue("allow-list", tuple(entries)), module.location(node))
            if state.guard is None:
                state.guard = guard
            return "ALLOWED"
    return None
