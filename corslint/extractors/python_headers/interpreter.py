"""Hand-written CORS code read statement by statement into the ordered steps of
frameworks/python_headers.py: header writes, answers, and the conditions around them."""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import replace

from corslint.extractors.python_headers.callees import Callee, arguments_bound, callee_of, is_shared
from corslint.extractors.python_headers.frame import (
    Alternative,
    BagEntry,
    Frame,
    Read,
    Steps,
    conjoin,
    dotted,
    negate,
    unwrap,
)
from corslint.extractors.python_headers.requests import condition, parsed_origin, read_of, rebuilt_origin
from corslint.extractors.python_headers.responses import (
    HEADER_METHODS,
    TORNADO_METHODS,
    Made,
    canonical,
    default_options_headers,
    is_cors_header,
    made_response,
    passes_response,
    status_value,
)
from corslint.model import HeaderReflection, Location, Value

MAX_INLINE = 4  # helpers called from helpers, at most this deep
Function = ast.FunctionDef | ast.AsyncFunctionDef


class Interpreter:
    """Reads functions into one layer's `Steps`. `owner`: the class whose methods
    `self.helper(...)` reaches."""

    def __init__(self, steps: Steps, owner: ast.ClassDef | None = None) -> None:
        self.steps = steps
        self.owner = owner
        self._tests: dict[str, Value] = {}

    # -- statements ---------------------------------------------------------------------
    def run(self, frame: Frame, body: Sequence[ast.stmt]) -> bool:
        """Read `body` under `frame.base`; True when every path through it ended."""
        return self._block(frame, body, frame.base)

    def _block(self, frame: Frame, body: Sequence[ast.stmt], when: tuple[str, ...]) -> bool:
        for statement in body:
            outcome = self._statement(frame, statement, when)
            if outcome is True:
                return True
            if isinstance(outcome, str):
                when = (*when, outcome)  # what follows runs only where this holds
        return False

    def _statement(self, frame: Frame, statement: ast.stmt, when: tuple[str, ...]) -> bool | str:
        if isinstance(statement, ast.If):
            return self._if(frame, statement, when)
        if isinstance(statement, (ast.Assign, ast.AnnAssign)):
            self._assign(frame, statement, when)
            return False
        if isinstance(statement, ast.Expr):
            self._call(frame, unwrap(statement.value), when)
            return False
        if isinstance(statement, ast.Return):
            self._return(frame, statement, when)
            return True
        if isinstance(statement, (ast.For, ast.AsyncFor)):
            self._loop(frame, statement, when)
            return False
        if isinstance(statement, (ast.With, ast.AsyncWith)):
            return self._block(frame, statement.body, when)
        if isinstance(statement, ast.Try):
            ended = self._block(frame, statement.body, when)
            self._block(frame, statement.finalbody, when)
            return ended and not statement.handlers
        if isinstance(statement, ast.Delete):
            for target in statement.targets:
                self._delete(frame, target, when)
        return False

    def _if(self, frame: Frame, statement: ast.If, when: tuple[str, ...]) -> bool | str:
        decided = condition(frame, self.steps, statement.test)
        if decided is True:
            return self._block(frame, statement.body, when)
        if decided is False:
            return self._block(frame, statement.orelse, when)
        if decided is None:
            decided = self._undecided(frame, statement.test)
        done_then = self._block(frame, statement.body, (*when, decided))
        done_else = self._block(frame, statement.orelse, (*when, negate(decided)))
        if done_then and done_else:
            return True
        if done_then:
            return negate(decided)
        if done_else:
            return decided
        return False

    def _undecided(self, frame: Frame, test: ast.expr) -> str:
        marker = f"?{len(self._tests)}"
        self._tests[marker] = Value(None, frame.module.location(test), description=frame.module.source(test))
        return marker

    # -- assignments ------------------------------------------------------------------
    def _assign(self, frame: Frame, statement: ast.Assign | ast.AnnAssign, when: tuple[str, ...]) -> None:
        if statement.value is None:
            return
        targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
        value = unwrap(statement.value)
        location = frame.module.location(statement)
        for target in targets:
            if isinstance(target, ast.Subscript):
                holder = target.value
                if self._is_headers(frame, holder) or frame.is_response(holder):
                    found = self.alternatives(frame, value)
                    self._write(frame, target.slice, found, "set", when, location, value)
                elif dotted(holder) in frame.bags:
                    found = self.alternatives(frame, value)
                    frame.bags[dotted(holder)].append((target.slice, found, when, location, value))
                continue
            if isinstance(target, ast.Attribute):
                if target.attr in {"status_code", "status"} and frame.is_response(target.value):
                    self.answer(frame, status_value(frame, value), when, location)
                continue
            name = dotted(target)
            if not name:
                continue
            if (
                isinstance(value, ast.Attribute)
                and value.attr == "headers"
                and frame.is_response(value.value)
            ):
                frame.header_names.add(name)
                continue
            if passes_response(frame, value):
                frame.responses.add(name)
                frame.values.pop(name, None)
                continue
            parsed = parsed_origin(frame, value)
            if parsed is not None:
                frame.parsed[name] = parsed  # `parsed = urlparse(origin)`
                continue
            made = made_response(frame, value)
            if made is not None:
                frame.responses.add(name)
                frame.values.pop(name, None)
                self._made(frame, made, when, location)
                continue
            if isinstance(value, ast.Call) and self._inline(frame, value, when):
                frame.responses.add(name)
                continue
            frame.responses.discard(name)
            frame.bags.pop(name, None)
            frame.conditions.pop(name, None)
            if isinstance(value, ast.Dict):
                frame.bags[name] = [
                    (key, self.alternatives(frame, item), when, frame.module.location(key), item)
                    for key, item in zip(value.keys, value.values, strict=True)
                    if key is not None
                ]
            if isinstance(value, (ast.Compare, ast.BoolOp, ast.UnaryOp, ast.Call)) and not frame.relative(
                when
            ):
                decided = condition(frame, self.steps, value)
                if isinstance(decided, str):
                    frame.conditions[name] = decided  # a test kept for later: `if allowed:`
            self._bind(frame, name, self.alternatives(frame, value), when)

    def _bind(self, frame: Frame, name: str, found: list[Alternative], when: tuple[str, ...]) -> None:
        relative = when[len(frame.base) :]
        if not relative:
            frame.values[name] = found
            return
        joined = conjoin(list(relative)) or "?"
        earlier = [Alternative((*old.when, negate(joined)), old.value) for old in frame.values.get(name, [])]
        frame.values[name] = [Alternative((*relative, *new.when), new.value) for new in found] + earlier

    def alternatives(self, frame: Frame, node: ast.expr) -> list[Alternative]:
        """The values `node` may have, each with the conditions under which it has it."""
        node = unwrap(node)
        read = read_of(frame, node)
        if read is not None:
            return [Alternative((), read)]
        if isinstance(node, ast.Name) and node.id in frame.values:
            return frame.values[node.id]
        if isinstance(node, ast.IfExp):
            decided = condition(frame, self.steps, node.test)
            if decided is True:
                return self.alternatives(frame, node.body)
            if decided is False:
                return self.alternatives(frame, node.orelse)
            if decided is None:
                decided = self._undecided(frame, node.test)
            return [
                *(Alternative((decided, *a.when), a.value) for a in self.alternatives(frame, node.body)),
                *(
                    Alternative((negate(decided), *a.when), a.value)
                    for a in self.alternatives(frame, node.orelse)
                ),
            ]
        if isinstance(node, ast.JoinedStr):
            parsed = rebuilt_origin(frame, node)
            if parsed is not None:
                return [Alternative((), parsed)]
        if (
            isinstance(node, ast.Subscript)
            and (self._is_headers(frame, node.value) or default_options_headers(node.value))
            and frame.route_methods is not None
        ):
            key = frame.resolve(node.slice)
            if key.known and isinstance(key.raw, str) and key.raw.lower() == "allow":
                # Flask's automatic OPTIONS answer lists the route's methods
                return [Alternative((), Value(", ".join(frame.route_methods), frame.module.location(node)))]
        if isinstance(node, ast.Call) and not node.args and not node.keywords:
            returned = self._returned(frame, node)
            if returned is not None:
                return returned
        return [Alternative((), frame.resolve(node))]

    def _returned(self, frame: Frame, call: ast.Call) -> list[Alternative] | None:
        """What a local function without arguments returns (`get_methods()`)."""
        function = frame.local_functions.get(dotted(call.func))
        if function is None or frame.depth >= MAX_INLINE:
            return None
        inner = replace(
            frame,
            responses=set(),
            header_names=set(),
            values=dict(frame.values),
            base=(),
            returns=[],
            depth=frame.depth + 1,
        )
        self._block(inner, function.body, ())
        return inner.returns

    # -- writes and answers -----------------------------------------------------------
    def _write(
        self,
        frame: Frame,
        header_node: ast.expr | str,
        found: list[Alternative],
        writer: str,
        when: tuple[str, ...],
        location: Location,
        source: ast.expr | None = None,
    ) -> None:
        if isinstance(header_node, str):
            header = header_node
        else:
            name = frame.resolve(header_node)
            if not (name.known and isinstance(name.raw, str)):
                return
            header = name.raw
        if not is_cors_header(header) or frame.returns is not None:
            return
        place, related = self._place(frame, location)
        if frame.use_site is not None and source is not None and _mentions(source, frame.use_names):
            place, related = frame.use_site, (location,)  # decided by the decorator's options
        for alternative in found:
            value = alternative.value
            parts: dict[str, Value] = {"writer": Value(writer, place)}
            if isinstance(value, Read):
                parts["value"] = Value(HeaderReflection("reflect-all", source=value.source), place)
                if value.rebuilt:
                    parts["rebuilt"] = Value("scheme://netloc", place)
                if value.missing_error:
                    parts["missing"] = Value(frame.missing_status, place)
                elif value.default is not None:
                    parts["default"] = value.default
            else:
                parts["value"] = value if frame.relocate is None else _moved(value, place)
            self._add(frame, canonical(header), parts, (*when, *alternative.when), place, related)

    def answer(self, frame: Frame, status: Value, when: tuple[str, ...], location: Location) -> None:
        if frame.returns is not None:
            return
        place, related = self._place(frame, location)
        self._add(frame, "answer", {"status": status}, when, place, related)

    def _made(self, frame: Frame, made: Made, when: tuple[str, ...], location: Location) -> None:
        if made.headers is not None:
            self._headers_mapping(frame, made.headers, "set", when, location)
        self.answer(frame, made.status, when, location)

    def _add(
        self,
        frame: Frame,
        key: str,
        parts: dict[str, Value],
        when: tuple[str, ...],
        place: Location,
        related: tuple[Location, ...],
    ) -> None:
        entries: list[str] = []
        for entry in dict.fromkeys(when):
            if entry.startswith("?") or entry.startswith("!?"):
                test = self._tests.get(entry.lstrip("!"))
                if self.steps.condition is None and test is not None:
                    self.steps.undecided_at(test)
                entries.append("?")
            elif "?" in entry:
                entries.append("?")
            else:
                entries.append(entry)
        parts["when"] = Value(tuple(Value(entry, place) for entry in dict.fromkeys(entries)), place)
        self.steps.add(key, Value(parts, place, related=related))

    def _place(self, frame: Frame, location: Location) -> tuple[Location, tuple[Location, ...]]:
        if frame.relocate is None:
            return location, ()
        return frame.relocate, (location,)

    def _headers_mapping(
        self, frame: Frame, node: ast.expr, writer: str, when: tuple[str, ...], location: Location
    ) -> None:
        """`headers={"Access-Control-Allow-Origin": origin, ...}`, `.update(CORS_HEADERS)`."""
        node = unwrap(node)
        if isinstance(node, ast.Name) and node.id in frame.bags:
            for header, found, written, where, source in frame.bags[node.id]:
                combined = tuple(dict.fromkeys((*when, *written)))
                self._write(frame, header, found, writer, combined, where, source)
            return
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if key is None:
                    self._headers_mapping(frame, value, writer, when, location)
                else:
                    where = frame.module.location(key)  # the entry, not the whole call
                    self._write(frame, key, self.alternatives(frame, value), writer, when, where, value)
            return
        resolved = frame.resolve(node)
        if resolved.known and isinstance(resolved.raw, dict):
            for header, value in resolved.raw.items():
                if isinstance(header, str):
                    self._write(frame, header, [Alternative((), value)], writer, when, location)

    # -- calls --------------------------------------------------------------------------
    def _is_headers(self, frame: Frame, node: ast.expr) -> bool:
        """`response.headers` of the response in flight (or a name for it: `h = resp.headers`)."""
        if isinstance(node, ast.Attribute) and node.attr == "headers" and frame.is_response(node.value):
            return True
        name = dotted(node)
        return bool(name) and name in frame.header_names

    def _carries_headers(self, frame: Frame, node: ast.expr) -> bool:
        """A response (also one made right there: `add_cors(jsonify(data))`), its
        headers, or a dict of headers being filled: a helper it is handed to may write
        CORS headers into it."""
        return (
            frame.is_response(node)
            or self._is_headers(frame, node)
            or dotted(node) in frame.bags
            or made_response(frame, node) is not None
        )

    def _call(self, frame: Frame, node: ast.expr, when: tuple[str, ...]) -> None:
        if not isinstance(node, ast.Call):
            return
        location = frame.module.location(node)
        func = node.func
        args = [arg for arg in node.args if not isinstance(arg, ast.Starred)]
        if isinstance(func, ast.Attribute):
            receiver = func.value
            method = func.attr
            if self._is_headers(frame, receiver) or (
                frame.is_response(receiver) and method in {"setdefault", "__setitem__"}
            ):
                writer = HEADER_METHODS.get(method)
                if writer is None:
                    return
                if method in {"update", "extend"}:
                    for arg in args:
                        self._headers_mapping(frame, arg, writer, when, location)
                    for keyword in node.keywords:
                        if keyword.arg is not None:
                            self._write(
                                frame,
                                keyword.arg,
                                self.alternatives(frame, keyword.value),
                                writer,
                                when,
                                location,
                            )
                    return
                if writer == "vary" and args:
                    found = self.alternatives(frame, args[0])
                    self._write(frame, "Vary", found, "vary", when, location, args[0])
                elif writer == "remove" and args:
                    self._write(
                        frame, args[0], [Alternative((), Value("", location))], "remove", when, location
                    )
                elif len(args) >= 2:
                    found = self.alternatives(frame, args[1])
                    self._write(frame, args[0], found, writer, when, location, args[1])
                return
            if (
                method == "update"
                and dotted(receiver) in frame.bags
                and args
                and isinstance(args[0], ast.Dict)
            ):
                bag = frame.bags[dotted(receiver)]
                for key, item in zip(args[0].keys, args[0].values, strict=True):
                    if key is not None:
                        found = self.alternatives(frame, item)
                        bag.append((key, found, when, frame.module.location(key), item))
                return
            if method == "add" and isinstance(receiver, ast.Attribute) and receiver.attr == "vary":
                if frame.is_response(receiver.value) and args:
                    self._write(frame, "Vary", self.alternatives(frame, args[0]), "vary", when, location)
                return
            if frame.self_writes and dotted(receiver) == "self":
                if method in TORNADO_METHODS and args:
                    writer = TORNADO_METHODS[method]
                    found = (
                        self.alternatives(frame, args[1])
                        if len(args) > 1
                        else [Alternative((), Value("", location))]
                    )
                    self._write(
                        frame, args[0], found, writer, when, location, args[1] if len(args) > 1 else None
                    )
                    return
                if method == "set_status" and args:
                    self.answer(frame, status_value(frame, args[0]), when, location)
                    return
        if (frame.module.qualified_name(func) or "").endswith("patch_vary_headers") and len(args) == 2:
            if frame.is_response(args[0]):
                listed = frame.resolve(args[1])
                for entry in listed.entries if listed.known else (listed,):
                    self._write(frame, "Vary", [Alternative((), entry)], "vary", when, location)
            return
        self._inline(frame, node, when)

    def _delete(self, frame: Frame, target: ast.expr, when: tuple[str, ...]) -> None:
        if isinstance(target, ast.Subscript) and (
            self._is_headers(frame, target.value) or frame.is_response(target.value)
        ):
            location = frame.module.location(target)
            self._write(frame, target.slice, [Alternative((), Value("", location))], "remove", when, location)

    def _return(self, frame: Frame, statement: ast.Return, when: tuple[str, ...]) -> None:
        if statement.value is None:
            return
        value = unwrap(statement.value)
        location = frame.module.location(statement)
        if frame.returns is not None:
            relative = when[len(frame.base) :]
            frame.returns += [
                Alternative((*relative, *a.when), a.value) for a in self.alternatives(frame, value)
            ]
            return
        if isinstance(value, ast.Constant) and value.value is None:
            return
        if passes_response(frame, value):
            return
        if isinstance(value, ast.Tuple) and frame.kind == "flask" and value.elts:
            self._flask_tuple(frame, value, when, location)
            return
        made = made_response(frame, value)
        if made is not None:
            self._made(frame, made, when, location)
            return
        if isinstance(value, ast.Call) and self._inline(frame, value, when):
            return
        if frame.answers_on_return:
            self.answer(frame, Value(200, location), when, location)

    def _flask_tuple(self, frame: Frame, value: ast.Tuple, when: tuple[str, ...], location: Location) -> None:
        """`return body, 204` / `return body, 204, headers` / `return body, headers`."""
        body, *rest = value.elts
        made = made_response(frame, body)
        if made is not None and made.headers is not None:
            self._headers_mapping(frame, made.headers, "set", when, location)
        status: Value | None = None
        for item in rest:
            if isinstance(item, ast.Dict) or (isinstance(item, ast.Name) and not _is_number(frame, item)):
                self._headers_mapping(frame, item, "set", when, location)
            else:
                status = status_value(frame, item)
        if status is None and passes_response(frame, body):
            return
        self.answer(
            frame, status or (made.status if made is not None else Value(200, location)), when, location
        )

    def _loop(self, frame: Frame, statement: ast.For | ast.AsyncFor, when: tuple[str, ...]) -> None:
        """`for name, value in CORS_HEADERS.items():` over a known mapping, unrolled."""
        iterable = unwrap(statement.iter)
        target = statement.target
        rows: list[tuple[Value, ...]] = []
        if (
            isinstance(iterable, ast.Call)
            and isinstance(iterable.func, ast.Attribute)
            and iterable.func.attr == "items"
            and not iterable.args
        ):
            mapping = frame.resolve(iterable.func.value)
            if not (mapping.known and isinstance(mapping.raw, dict)):
                return
            rows = [(Value(key, mapping.location), item) for key, item in mapping.raw.items()]
        else:
            listed = frame.resolve(iterable)
            if not (listed.known and isinstance(listed.raw, tuple)):
                return
            for item in listed.raw:
                rows.append(tuple(item.raw) if item.known and isinstance(item.raw, tuple) else (item,))
        names = [dotted(t) for t in target.elts] if isinstance(target, ast.Tuple) else [dotted(target)]
        saved = dict(frame.values)
        for row in rows:
            if len(row) != len(names) or not all(names):
                continue
            for name, item in zip(names, row, strict=True):
                frame.values[name] = [Alternative((), item)]
            self._block(frame, statement.body, when)
        frame.values = saved

    # -- helpers --------------------------------------------------------------------------
    def _inline(self, frame: Frame, call: ast.Call, when: tuple[str, ...]) -> bool:
        """Read a helper the response is handed to (in Tornado, any `self.x()`), with its
        parameters bound to the call's arguments; True when the helper was read."""
        arguments = [*call.args, *(keyword.value for keyword in call.keywords)]
        if not any(self._carries_headers(frame, arg) for arg in arguments) and not frame.self_writes:
            return False
        if frame.depth >= MAX_INLINE or frame.returns is not None:
            return False
        callee = callee_of(frame.module, call, self.owner)
        if callee is None or callee.key in frame.inlined:
            return False
        self._block(self._bound(frame, callee, call, when), callee.function.body, when)
        return True

    def _bound(self, frame: Frame, callee: Callee, call: ast.Call, when: tuple[str, ...]) -> Frame:
        requests: set[str] = {"self.request"} if frame.self_writes else set()
        responses: set[str] = set()
        header_names: set[str] = set()
        bags: dict[str, list[BagEntry]] = {}
        values: dict[str, list[Alternative]] = {}
        for parameter, argument in arguments_bound(callee, call):
            if frame.is_response(argument) or made_response(frame, argument) is not None:
                responses.add(parameter)
            elif self._is_headers(frame, argument):
                header_names.add(parameter)  # `add_cors(response.headers)`
            elif dotted(argument) in frame.bags:
                bags[parameter] = frame.bags[dotted(argument)]  # the helper fills the caller's dict
            elif frame.is_request(argument):
                requests.add(parameter)
            else:
                values[parameter] = self.alternatives(frame, argument)
        relocate = frame.relocate or (
            frame.module.location(call) if is_shared(callee, frame.module) else None
        )
        return replace(
            frame,
            module=callee.module,
            requests=frozenset(requests),
            responses=responses,
            header_names=header_names,
            local_functions={},
            next_calls=frozenset(),
            answers_on_return=False,
            values=values,
            conditions={},
            bags=bags,
            base=when,
            relocate=relocate,
            depth=frame.depth + 1,
            inlined=frame.inlined | {callee.key},
        )


def _mentions(node: ast.expr, names: frozenset[str]) -> bool:
    return any(isinstance(inner, ast.Name) and inner.id in names for inner in ast.walk(node))


def _is_number(frame: Frame, node: ast.expr) -> bool:
    value = frame.resolve(node)
    return value.known and isinstance(value.raw, int)


def _moved(value: Value, place: Location) -> Value:
    """A value written by shared code, reported where that code is used."""
    if value.location == place:
        return value
    return Value(
        value.raw, place, value.provenance, value.env_var, value.description, (value.location, *value.related)
    )
