"""Hand-written CORS code read statement by statement into the ordered steps of
frameworks/python_headers.py: header writes, answers, and the conditions around them."""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import replace

import corslint.extractors.python_headers.asgi_messages as asgi
from corslint.extractors.python.module_finals import final_setting
from corslint.extractors.python_headers.aiohttp_answers import empty_multidict, makes_response, multidict_add
from corslint.extractors.python_headers.callees import bound_frame, callee_of
from corslint.extractors.python_headers.conditional_responses import conditional_response
from corslint.extractors.python_headers.early_refusals import refused_early
from corslint.extractors.python_headers.frame import (
    Alternative,
    Frame,
    Read,
    Steps,
    conjoin,
    dotted,
    loop_rows,
    negate,
    unwrap,
)
from corslint.extractors.python_headers.item_stores import store_item
from corslint.extractors.python_headers.local_mutations import changed_local
from corslint.extractors.python_headers.named_values import named_values
from corslint.extractors.python_headers.operator_settings import unset_setting
from corslint.extractors.python_headers.origin_try import origin_handler
from corslint.extractors.python_headers.predicate_calls import decided_with_predicates
from corslint.extractors.python_headers.pyramid_units import callback_frame
from corslint.extractors.python_headers.rebuilt_origins import parsed_origin
from corslint.extractors.python_headers.request_arguments import bound_to_arguments, nested_if
from corslint.extractors.python_headers.request_reads import is_method_read
from corslint.extractors.python_headers.requests import searched
from corslint.extractors.python_headers.responses import (
    HEADER_METHODS,
    Made,
    carries_headers,
    is_headers,
    is_routes_call,
    made_response,
    passes_response,
    status_value,
)
from corslint.extractors.python_headers.returned_tuples import MAX_INLINE, tuple_headers_of
from corslint.extractors.python_headers.unit import writes_cors
from corslint.extractors.python_headers.value_alternatives import ValueAlternatives
from corslint.extractors.python_headers.wsgi_units import returned_parts, wsgi_status
from corslint.model import Value

Function = ast.FunctionDef | ast.AsyncFunctionDef


class Interpreter(ValueAlternatives):
    """Reads functions into one layer's `Steps`. `owner`: the class whose methods
    `self.helper(...)` reaches."""

    def __init__(self, steps: Steps, owner: ast.ClassDef | None = None) -> None:
        super().__init__(steps)
        self.owner = owner

    # -- statements ---------------------------------------------------------------------
    def run(self, frame: Frame, body: Sequence[ast.stmt]) -> bool:
        """Read `body` under `frame.base`; True when every path through it ended."""
        return self.block(frame, body, frame.base)

    def block(self, frame: Frame, body: Sequence[ast.stmt], when: tuple[str, ...]) -> bool:
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
            chosen = conditional_response(frame, statement)  # `r = A if test else await call_next(...)`
            if chosen is not None:
                return self._if(frame, chosen, when)
            self._assign(frame, statement, when)
            if frame.routes_raise and statement.value is not None and is_routes_call(frame, statement.value):
                return "!OPTIONS"  # an unrouted OPTIONS raised its 405 through here
            return False
        if isinstance(statement, ast.AugAssign) and isinstance(statement.target, ast.Name):
            # `methods += self.extra_methods`: the local's new value, as an assignment
            current = ast.copy_location(ast.Name(statement.target.id, ast.Load()), statement.target)
            combined = ast.copy_location(ast.BinOp(current, statement.op, statement.value), statement)
            self._assign(frame, ast.copy_location(ast.Assign([statement.target], combined), statement), when)
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
            return self.block(frame, statement.body, when)
        if isinstance(statement, ast.Try):
            handler = origin_handler(frame, statement)
            if handler is not None:
                return self._origin_try(frame, statement, handler, when)
            ended = self.block(frame, statement.body, when)
            self.block(frame, statement.finalbody, when)
            return ended and not statement.handlers
        if isinstance(statement, ast.Raise) and statement.exc is not None:
            made = made_response(frame, statement.exc)
            if made is not None:  # aiohttp's `raise web.HTTPNoContent(headers=...)`
                self._made(frame, made, when, frame.module.location(statement))
                return True
            # any other raise ends the path too: nothing after it runs (a FastAPI view's
            # `if not validate_origin(...): raise HTTPException(403)` guards the writes
            # below it; Gahroot/the-tribunal _lead_form.py:366, set 20). A raise under a
            # test that does not look at the Origin (`if sites is None: raise ...404`) is
            # an error answer to requests the CORS rules do not judge: read past, as before
            return not _raised_off_origin(frame, statement)
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            callback = callback_frame(frame, statement)
            if callback is not None:
                self.block(callback, statement.body, when)
        if isinstance(statement, ast.Delete):
            for target in statement.targets:
                self._delete(frame, target, when)
        return False

    def _origin_try(
        self, frame: Frame, statement: ast.Try, handler: list[ast.stmt], when: tuple[str, ...]
    ) -> bool | str:
        """The try body for requests with an Origin, the handler for those without."""
        done_body = self.block(frame, statement.body, (*when, "ORIGIN"))
        done_handler = self.block(frame, handler, (*when, "!ORIGIN"))
        self.block(frame, statement.finalbody, when)
        if done_body and done_handler:
            return True
        if done_body:
            return "!ORIGIN"
        return "ORIGIN" if done_handler else False

    def _if(self, frame: Frame, statement: ast.If, when: tuple[str, ...]) -> bool | str:
        unset = unset_setting(frame, statement.test)
        if unset is not None:  # `if name not in self.settings.get("headers", {})`
            taken, setting = unset
            inner = replace(frame, assumed=setting)
            return self.block(inner, statement.body if taken else statement.orelse, when)
        if self.written_if_absent(frame, statement, when):  # `if k not in headers: headers[k] = v`
            return False
        bound, test = named_values(statement.test)  # `if (origin := request.headers.get("Origin")):`
        for assignment in bound:
            self._assign(frame, assignment, when)
        decided = decided_with_predicates(frame, self.steps, test, self.owner)
        if isinstance(decided, bool) and not frame.assumed:  # `if origins == "*"` (census 10 C4)
            frame = replace(frame, assumed=final_setting(frame.module, test, frame.scope()))
        if decided is True:
            return self.block(frame, statement.body, when)
        if decided is False:
            return self.block(frame, statement.orelse, when)
        if decided is None:
            nested = nested_if(frame, statement)
            if nested is not None:  # the request's own part of the test stays its choice
                return self._if(frame, nested, when)
            decided = self.undecided(frame, statement.test, refused_early(frame, statement))
        done_then = self.block(frame, statement.body, (*when, decided))
        done_else = self.block(frame, statement.orelse, (*when, negate(decided)))
        if done_then and done_else:
            return True
        if done_then:
            return negate(decided)
        if done_else:
            return decided
        return False

    # -- assignments ------------------------------------------------------------------
    def _assign(self, frame: Frame, statement: ast.Assign | ast.AnnAssign, when: tuple[str, ...]) -> None:
        if statement.value is None:
            return
        targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
        value = unwrap(statement.value)
        location = frame.module.location(statement)
        for target in targets:
            if isinstance(target, ast.Name):  # `method = environ["REQUEST_METHOD"]`
                if is_method_read(frame, value):
                    frame.method_names.add(target.id)
                else:
                    frame.method_names.discard(target.id)
        for target in targets:
            parts = returned_parts(frame, target, value)
            if parts is not None:  # `status, headers, body = reply("200 OK", payload)`
                for name, column in parts:
                    frame.values[name] = [a for e in column or () for a in self.alternatives(frame, e)]
                continue
            if isinstance(target, ast.Subscript):
                holder = target.value
                if asgi.message_headers(frame, target):  # `message["headers"] = [...] + extra`
                    for part in asgi.header_expressions(value):
                        if not (asgi.message_headers(frame, part) or is_headers(frame, part)):
                            self.headers_mapping(frame, part, "add", when, location)
                    continue
                if is_headers(frame, holder) or frame.is_response(holder):
                    found = self.alternatives(frame, value)
                    self._write(frame, target.slice, found, "set", when, location, value)
                elif dotted(holder) in frame.bags:
                    found = self.alternatives(frame, value)
                    frame.bags[dotted(holder)].append((target.slice, found, when, location, value))
                store_item(frame, holder, target.slice, value, self.alternatives)  # the local's own value
                continue
            if isinstance(target, ast.Attribute) and frame.is_response(target.value):
                if target.attr in {"status_code", "status"} and frame.kind != "falcon":
                    self.answer(frame, status_value(frame, value), when, location)
                elif (
                    target.attr == "status"
                ):  # Falcon: the responder decides, unless the middleware completes
                    frame.values[f"{dotted(target)}"] = [Alternative((), status_value(frame, value))]
                elif target.attr == "complete" and isinstance(value, ast.Constant) and value.value is True:
                    pending = frame.values.get(f"{dotted(target.value)}.status")
                    known = pending[0].value if pending else Value(200, location)
                    self.answer(
                        frame, known if isinstance(known, Value) else Value(200, location), when, location
                    )
                continue
            if isinstance(target, ast.Attribute):
                continue
            name = dotted(target)
            if not name:
                continue
            if (
                isinstance(value, ast.Attribute)
                and value.attr == "headers"
                and frame.is_response(value.value)
            ) or any(
                check(frame, value)
                for check in (
                    asgi.message_headers,
                    asgi.mutable_headers,
                    asgi.filtered_headers,
                    tuple_headers_of,
                )
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
            # a dict of headers, or an ASGI header list: `[(b"vary", b"Origin"), ...]`
            entries = (
                [(k, v) for k, v in zip(value.keys, value.values, strict=True) if k is not None]
                if isinstance(value, ast.Dict)
                else asgi.listed_headers(frame, value)
                if frame.send or frame.kind == "pyramid"  # WebOb's `response.headerlist`
                else ([] if empty_multidict(value) else None)
            )
            if entries is not None:
                frame.bags[name] = [
                    asgi.bag_entry(frame, key, item, when, location, self.alternatives)
                    for key, item in entries
                ]
            if isinstance(value, (ast.Compare, ast.BoolOp, ast.UnaryOp, ast.Call)) and not frame.relative(
                when
            ):
                decided = decided_with_predicates(frame, self.steps, value, self.owner)
                if isinstance(decided, str):
                    frame.conditions[name] = decided  # a test kept for later: `if allowed:`
            bound_to_arguments(frame, name, value)
            found = self.alternatives(frame, value)
            read = found[0].value if len(found) == 1 else None
            if (
                isinstance(read, Read)
                and read.missing_error
                and read.source == "origin"
                and frame.returns is None
            ):
                # `origin = request.headers["Origin"]`: without the header, the request fails here
                status = Value(frame.missing_status, location)
                self._add(
                    frame, "fail", {"status": status}, (*when, "!ORIGIN"), *self._place(frame, location)
                )
            self._bind(frame, name, found, when)

    def _bind(self, frame: Frame, name: str, found: list[Alternative], when: tuple[str, ...]) -> None:
        relative = when[len(frame.base) :]
        if not relative:
            frame.values[name] = found
            return
        joined = conjoin(list(relative)) or "?"
        earlier = [Alternative((*old.when, negate(joined)), old.value) for old in frame.values.get(name, [])]
        frame.values[name] = [Alternative((*relative, *new.when), new.value) for new in found] + earlier

    # -- calls --------------------------------------------------------------------------
    def _call(self, frame: Frame, node: ast.expr, when: tuple[str, ...]) -> None:
        if not isinstance(node, ast.Call):
            return
        location = frame.module.location(node)
        func = node.func
        args = [arg for arg in node.args if not isinstance(arg, ast.Starred)]
        if frame.send and asgi.asgi_call(self, frame, node, when, location):
            return
        if frame.wsgi_start and dotted(func) == frame.wsgi_start and len(args) >= 2:
            # `start_response("204 No Content", [("Access-Control-Allow-Origin", "*")])`
            self.headers_mapping(frame, args[1], "set", when, location)
            self.answer(frame, wsgi_status(frame, args[0], when, location), when, location)
            return
        changed = changed_local(frame, node, when)
        if changed is not None:
            frame.values[changed[0]] = changed[1]
            return
        if isinstance(func, ast.Attribute):
            receiver = func.value
            method = func.attr
            if is_headers(frame, receiver) or (
                frame.is_response(receiver) and method in {"setdefault", "__setitem__"}
            ):
                writer = HEADER_METHODS.get(method)
                if writer is None:
                    return
                if method in {"update", "extend"}:
                    for arg in args:
                        self.headers_mapping(frame, arg, writer, when, location)
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
                one = asgi.pairs(ast.List([args[0]])) if method == "append" and len(args) == 1 else None
                if one:  # an ASGI header list: `.append((b"vary", b"Origin"))`
                    header, item = one[0]
                    self._write(frame, header, self.alternatives(frame, item), "add", when, location, item)
                elif writer == "vary" and args:
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
            if multidict_add(frame, node, when, self.alternatives):
                return
            if method in {"append", "extend"} and dotted(receiver) in frame.bags and len(args) == 1:
                added = asgi.pairs(ast.List([args[0]]) if method == "append" else args[0]) or []
                for name_node, item in added:
                    found = self.alternatives(frame, item)
                    where = frame.module.location(name_node)
                    frame.bags[dotted(receiver)].append((name_node, found, when, where, item))
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
            if self.framework_write(frame, receiver, method, args, when, location, tuple(node.keywords)):
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
            is_headers(frame, target.value) or frame.is_response(target.value)
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
        if frame.headers_returned:
            self._headers_of(frame, value, when, location)
            return
        if isinstance(value, ast.Constant) and value.value is None:
            return
        if passes_response(frame, value) or self.appended(frame, value, when, location):
            return
        if isinstance(value, ast.Tuple) and frame.kind == "flask" and value.elts:
            self._flask_tuple(frame, value, when, location)
            return
        made = made_response(frame, value)
        if made is not None:
            self._made(frame, made, when, location)
            return
        if isinstance(value, ast.Call):
            # `return self._with_cors(HttpResponse(status=204))`: the response made here is the answer
            made_here = [m for m in (made_response(frame, a) for a in value.args) if m is not None]
            if self._inline(
                frame, value, when, returned=True, made=made_here[0] if len(made_here) == 1 else None
            ):
                return
        if frame.answers_on_return:
            self.answer(frame, Value(200, location), when, location)

    def _loop(self, frame: Frame, statement: ast.For | ast.AsyncFor, when: tuple[str, ...]) -> None:
        """`for name, value in CORS_HEADERS.items():` over a known mapping, unrolled."""
        found_header = asgi.header_loop(frame, statement)
        if found_header is not None:  # `for name, value in scope["headers"]: if name == b"origin": ...`
            self._bind(frame, found_header[0], [Alternative((), found_header[1])], when)
            return
        if searched(frame, self.steps, statement, when):
            return
        unrolled = loop_rows(frame, statement)
        if unrolled is None:
            return
        names, rows = unrolled
        saved = dict(frame.values)
        for row in rows:
            if len(row) != len(names) or not all(names):
                continue
            for name, item in zip(names, row, strict=True):
                frame.values[name] = [Alternative((), item)]
            self.block(frame, statement.body, when)
        frame.values = saved

    # -- helpers --------------------------------------------------------------------------
    def _inline(
        self,
        frame: Frame,
        call: ast.Call,
        when: tuple[str, ...],
        returned: bool = False,
        made: Made | None = None,
    ) -> bool:
        """Read a helper the response is handed to (in Tornado, any `self.x()`), with its
        parameters bound to the call's arguments; True when the helper was read. A
        `before_request` hook's `return make_preflight(request)` answers with what the
        helper makes, when it writes CORS headers."""
        arguments = [*call.args, *(keyword.value for keyword in call.keywords)]
        # Tornado's `self.x()` and Bottle's helpers write onto a response no argument names
        carried = any(carries_headers(frame, arg) for arg in arguments) or (
            frame.self_writes or (frame.kind == "bottle" and not arguments)
        )
        # or `return await self.options_cors(request)`: a helper writing CORS headers whose
        # own response answers (bogonets/answer core/recc/http/v2/router_v2_plugins.py)
        if not carried and not returned:
            return False
        if frame.depth >= MAX_INLINE or frame.returns is not None:
            return False
        callee = callee_of(frame.module, call, self.owner)
        if callee is None or callee.key in frame.inlined:
            return False
        if not carried and not frame.answers_on_return and not makes_response(callee.function):
            return False
        if not carried and not writes_cors(callee.module, callee.function):
            return False
        if made is not None:
            self._made(frame, made, when, frame.module.location(call))
        self.block(bound_frame(frame, callee, call, when, self.alternatives), callee.function.body, when)
        return True


def _raised_off_origin(frame: Frame, statement: ast.Raise) -> bool:
    """The raise is the whole body of an `if` whose test names nothing about the Origin and
    hands the request to nothing."""
    steps = frame.module.steps(statement)
    owner = steps[-1].owner if steps else None
    if isinstance(owner, ast.If) and owner.body == [statement] and not owner.orelse:
        if "origin" in ast.unparse(owner.test).lower():
            return False
        # a helper handed the request (`validate_origin(request, domains)`) may test it
        names = {dotted(node) for node in ast.walk(owner.test) if isinstance(node, (ast.Name, ast.Attribute))}
        return not names & frame.requests
    return False
