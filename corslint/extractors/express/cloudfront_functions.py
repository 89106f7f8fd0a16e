"""CORS headers written by a CloudFront Function or a Lambda@Edge function on the response
CloudFront sends to the viewer (framework `cloudfront_function_headers`).

A CloudFront Function is a file with `function handler(event)`; on a viewer-response event
it gets `event.response` (the origin's or the cache's answer) and returns it, its header
object keyed by lower-case names, each header `{value: '...'}` (AWS, "CloudFront Functions
event structure": https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-event-structure.html).
Lambda@Edge (origin/viewer response) gets `event.Records[0].cf.response` and returns it (or
hands it to `callback(null, response)`), each header a list `[{key, value}]`
(https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/lambda-event-structure.html).
Seen: aws-samples/amazon-cloudfront-functions `add-cors-header/index.js` (census 8 row B2:
the request's Origin echoed when the origin response has no Allow-Origin), find_string
`['access-control-allow-origin'] = {`: 10 of 10 hits are CloudFront Functions, 5 of them
in JS files (`*` on every response, `*` plus Max-Age, an allow-listed echo).

Read narrowly, so that what is judged is what the function does:
- writes `H[name] = {value: V}` (`[{key, value: V}]` for Lambda@Edge) onto the response's
  headers, through `var response = event.response; var headers = response.headers`;
- `if` tests of the request's Origin (`request.headers.origin`, `request.headers['origin']`),
  of its method against "OPTIONS", and of a CORS header the origin response already carries
  (`!headers['access-control-allow-origin']`: taken as absent, the case the function is
  written for; where the origin sends its own, that origin's CORS configuration answers);
- the function returns the response it was given.
Any other test, a write of another shape, a `delete` of a CORS header or a response the
function builds itself: no policy (nothing is guessed). What answers OPTIONS is the origin
(or CloudFront's 403 when the cache behaviour does not allow OPTIONS): not known here, so
preflights are left unresolved, as for Lambda results."""

from __future__ import annotations

from pathlib import PurePosixPath

from corslint.extractors.express.handler_roles import HandlerRoles
from corslint.extractors.express.handwritten_state import Steps
from corslint.extractors.express.header_steps import write_step
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project_files import is_development_path
from corslint.extractors.js.syntax import Node, string_value, unwrap
from corslint.model import CorsPolicy, HeaderReflection, Value

FRAMEWORK = "cloudfront_function_headers"
_RESPONSE_HEADERS = "event.response.headers."
_ORIGIN = "event.request.headers.origin"
# where each event shape keeps the request and the response
_PREFIXES = (("event.records.0.cf.", "event."),)
_ORIGIN_VALUES = frozenset({f"{_ORIGIN}.value", f"{_ORIGIN}.0.value"})
_WRITER = "lambda"  # a string value sent as written; an absent Origin leaves the header out


class _Unread(Exception):
    """A shape this reader does not follow: the function is not judged."""


def cloudfront_function_policies(module: JsModule) -> list[CorsPolicy]:
    source = module.source
    if b"event.response" not in source and b"cf.response" not in source:
        return []
    policies = []
    for function in module.of_kind("function_declaration", "function_expression", "arrow_function"):
        if not _is_handler(module, function):
            continue
        try:
            policy = _policy(module, function)
        except _Unread:
            continue
        if policy is not None:
            policies.append(policy)
    return policies


def _is_handler(module: JsModule, function: Node) -> bool:
    """`function handler(event)` (CloudFront Functions), `exports.handler = (event, ...) =>`
    and `export const handler = ...` (Lambda@Edge)."""
    parameters = function.child_by_field_name("parameters")
    if parameters is None or not parameters.named_children:
        return False
    name = function.child_by_field_name("name")
    if name is None and function.parent is not None:
        parent = function.parent
        name = parent.child_by_field_name("name") or parent.child_by_field_name("left")
    return name is not None and module.text(name).rsplit(".", 1)[-1] == "handler"


class _Reader:
    def __init__(self, module: JsModule, function: Node) -> None:
        self.module = module
        first = unwrap(function.child_by_field_name("parameters").named_children[0])
        self.aliases: dict[str, str] = {module.text(first): "event"}
        parameters = function.child_by_field_name("parameters").named_children
        # Lambda@Edge's `callback(null, response)` answers as `return response` does
        self.callback = module.text(parameters[2]) if len(parameters) >= 3 else None
        self.steps = Steps(module, HandlerRoles((), (), ""))
        self.returns_response = False
        self.writes = 0

    def path(self, node: Node | None) -> str | None:
        """`request.headers['origin'].value` as `event.request.headers.origin.value`."""
        if node is None:
            return None
        node = unwrap(node)
        key: str | None
        if node.type == "identifier":
            name = self.module.text(node)
            return self.aliases.get(name, name)
        if node.type == "member_expression":
            base = self.path(node.child_by_field_name("object"))
            key = self.module.text(node.child_by_field_name("property"))
        elif node.type == "subscript_expression":
            base = self.path(node.child_by_field_name("object"))
            index = unwrap(node.child_by_field_name("index"))
            key = string_value(index) or (self.module.text(index) if index.type == "number" else None)
        else:
            return None
        if base is None or key is None:
            return None
        joined = f"{base}.{key.lower()}"
        for prefix, shorter in _PREFIXES:
            if joined.startswith(prefix):
                joined = shorter + joined[len(prefix) :]
        return joined

    def run(self, statements: list[Node], when: tuple[str, ...]) -> bool:
        """Whether every path through `statements` has returned."""
        for statement in statements:
            outcome = self.statement(statement, when)
            if outcome is True:
                return True
            if isinstance(outcome, str):
                when = (*when, outcome)
        return False

    def statement(self, statement: Node, when: tuple[str, ...]) -> bool | str:
        kind = statement.type
        if kind in {"comment", "empty_statement"}:
            return False
        if kind in {"lexical_declaration", "variable_declaration"}:
            for declarator in statement.named_children:
                if declarator.type == "variable_declarator":
                    self.declare(declarator)
            return False
        if kind == "statement_block":
            return self.run(_children(statement), when)
        if kind == "if_statement":
            return self.branch(statement, when)
        if kind == "return_statement":
            inner = _children(statement)
            if not inner:
                return True  # a bare return: Lambda@Edge after its callback
            if self.path(inner[0]) != "event.response":
                raise _Unread
            self.returns_response = True
            return True
        if kind == "expression_statement":
            inner = _children(statement)
            target = unwrap(inner[0]) if inner else None
            if target is not None and target.type == "assignment_expression":
                self.assign(target, when)
            elif target is not None and target.type == "call_expression" and self.answers(target):
                return True
            elif target is not None and _names_cors(self.module, target):
                raise _Unread  # `delete headers['access-control-allow-origin']`, a helper
            return False
        if kind == "function_declaration":
            return False
        if _names_cors(self.module, statement) or _returns(statement):
            raise _Unread  # a loop or `try` around the headers or the answer
        return False

    def answers(self, call: Node) -> bool:
        callee = self.module.text(call.child_by_field_name("function"))
        if self.callback is None or callee != self.callback:
            return False
        arguments = [a for a in call.child_by_field_name("arguments").named_children if a.type != "comment"]
        if len(arguments) != 2 or self.path(arguments[1]) != "event.response":
            raise _Unread
        self.returns_response = True
        return True

    def declare(self, declarator: Node) -> None:
        name = declarator.child_by_field_name("name")
        value = declarator.child_by_field_name("value")
        if name is None or value is None or name.type != "identifier":
            return
        value = unwrap(value)
        found = self.path(value)
        if value.type == "ternary_expression":  # `origin ? origin.value : ''`
            test = self.path(value.child_by_field_name("condition"))
            chosen = self.path(value.child_by_field_name("consequence"))
            if test == _ORIGIN and chosen in _ORIGIN_VALUES:
                found = chosen
        if found is not None and found.startswith("event"):
            self.aliases[self.module.text(name)] = found

    def assign(self, node: Node, when: tuple[str, ...]) -> None:
        left = self.path(node.child_by_field_name("left"))
        if left is None:
            if _names_cors(self.module, node.child_by_field_name("left")):
                raise _Unread
            return
        if left in {"event.response", "event.response.headers"}:
            raise _Unread  # the whole answer or header object replaced
        if not left.startswith(_RESPONSE_HEADERS):
            return
        header = left[len(_RESPONSE_HEADERS) :]
        if not (header.startswith("access-control-") or header == "vary"):
            return
        value = self.header_value(node.child_by_field_name("right"))
        location = self.module.location(node)
        write_step(self.steps, header, value, _WRITER, when, location)
        self.writes += 1

    def header_value(self, node: Node) -> Value:
        """`{value: V}` (CloudFront Functions) or `[{key, value: V}]` (Lambda@Edge)."""
        node = unwrap(node)
        if node.type == "array":
            items = _children(node)
            if len(items) != 1:
                raise _Unread
            node = unwrap(items[0])
        if node.type != "object":
            raise _Unread
        pairs = {
            self.module.text(pair.child_by_field_name("key")).strip("'\""): pair.child_by_field_name("value")
            for pair in node.named_children
            if pair.type == "pair"
        }
        if "value" not in pairs or set(pairs) - {"key", "value"} or len(pairs) != len(_children(node)):
            raise _Unread  # `multiValue`, a spread
        value = pairs["value"]
        location = self.module.location(value)
        if self.path(value) in _ORIGIN_VALUES:
            return Value(HeaderReflection("reflect-all", source="origin"), location)
        return self.module.resolve(value)

    def branch(self, statement: Node, when: tuple[str, ...]) -> bool | str:
        if not _names_cors(self.module, statement) and not _returns(statement):
            return False  # a redirect rewritten, a cache header set: not the CORS answer
        atoms = self.condition(statement.child_by_field_name("condition"))
        consequence = statement.child_by_field_name("consequence")
        alternative = statement.child_by_field_name("alternative")
        otherwise = _children(alternative)[0] if alternative is not None and _children(alternative) else None
        if "FALSE" in atoms:  # `A && B` with one known false: only the else runs
            return self.run([otherwise], when) if otherwise is not None else False
        atoms = tuple(atom for atom in atoms if atom != "TRUE")
        if not atoms:
            return self.run([consequence], when)
        negated = _negation(atoms) if otherwise is not None or _returns(consequence) else None
        done_then = self.run([consequence], (*when, *atoms))
        if negated is None and (done_then or otherwise is not None):
            raise _Unread  # what the other requests get is not a single test
        done_else = self.run([otherwise], (*when, negated)) if otherwise is not None and negated else False
        if done_then and done_else:
            return True
        if done_then and negated is not None:
            return negated
        if done_else:
            return atoms[0]
        return False

    def condition(self, test: Node | None) -> tuple[str, ...]:
        """The test as condition atoms (all must hold); TRUE/FALSE where known."""
        if test is None:
            raise _Unread
        test = unwrap(test)
        if test.type == "binary_expression":
            operator = test.child_by_field_name("operator").type
            left, right = test.child_by_field_name("left"), test.child_by_field_name("right")
            if operator == "&&":
                return (*self.condition(left), *self.condition(right))
            if operator in {"===", "==", "!==", "!="} and self.path(left) == "event.request.method":
                if string_value(right) != "OPTIONS":
                    raise _Unread
                return ("OPTIONS",) if operator in {"===", "=="} else ("!OPTIONS",)
            raise _Unread
        negated = test.type == "unary_expression" and self.module.text(test).startswith("!")
        inner = _children(test)[0] if negated else test
        found = self.path(inner)
        if found in {_ORIGIN, *_ORIGIN_VALUES}:
            return ("!ORIGIN",) if negated else ("ORIGIN",)
        if found is not None and found.startswith(f"{_RESPONSE_HEADERS}access-control-"):
            # the origin's own CORS header, taken as absent (see the module's docstring)
            return ("TRUE",) if negated else ("FALSE",)
        raise _Unread


def _negation(atoms: tuple[str, ...]) -> str | None:
    if len(atoms) != 1:
        return None
    return atoms[0][1:] if atoms[0].startswith("!") else f"!{atoms[0]}"


def _children(node: Node | None) -> list[Node]:
    if node is None:
        return []
    if node.type in {"statement_block", "else_clause", "array", "object", "return_statement"}:
        return [c for c in node.named_children if c.type != "comment"]
    if node.type in {"expression_statement", "unary_expression", "parenthesized_expression"}:
        return [c for c in node.named_children if c.type != "comment"]
    return [node]


def _names_cors(module: JsModule, node: Node | None) -> bool:
    return node is not None and "access-control-" in module.text(node).lower()


def _returns(node: Node | None) -> bool:
    if node is None:
        return False
    if node.type == "return_statement":
        return True
    return any(_returns(child) for child in node.named_children if child.type not in _NESTED_FUNCTIONS)


_NESTED_FUNCTIONS = frozenset({"function_declaration", "function_expression", "arrow_function"})


def _policy(module: JsModule, function: Node) -> CorsPolicy | None:
    body = function.child_by_field_name("body")
    if body is None or body.type != "statement_block":
        return None
    reader = _Reader(module, function)
    reader.run(_children(body), ())
    options = dict(reader.steps.steps)
    origin = next((v for k, v in options.items() if k.startswith("Access-Control-Allow-Origin")), None)
    if not reader.returns_response or origin is None:
        return None
    location = origin.location
    return CorsPolicy(
        framework=FRAMEWORK,
        location=location,
        options=options,
        development_only=is_development_path(module.path),
        label=f"CloudFront Function ({PurePosixPath(module.path).name})",
        app=f"{module.path}::{FRAMEWORK}@{location.line}:{location.column}",
    )
