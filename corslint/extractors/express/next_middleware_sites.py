"""The responses a Next.js middleware returns (its *sites*) and the CORS headers each carries,
for `next_middleware`: `NextResponse.next/rewrite(..., {headers})` pass the request on,
`new NextResponse`/`new Response`/`NextResponse.json` answer it; a response held in a variable
collects the `res.headers.set(name, value)` calls made on it before it is returned. A test of the
request method around a site decides its `OPTIONS` / `!OPTIONS` arm, a literal path test the path
it is reached for."""

from __future__ import annotations

import re
from dataclasses import dataclass

from corslint.extractors.express.next_guarded_values import guarded_value, pinned_by_guard
from corslint.extractors.express.next_header_helpers import helper_headers
from corslint.extractors.express.next_middleware_helpers import passed_response_writes
from corslint.extractors.express.record_loops import copied_by_loop, entries_loop
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap, walk
from corslint.frameworks.express_headers import HEADERS
from corslint.model import HeaderReflection, Provenance, Value

_CANONICAL = {name.lower(): name for name in HEADERS}
_FUNCTIONS = frozenset({"function_declaration", "function_expression", "arrow_function", "method_definition"})
_METHOD_TEST = re.compile(r"""^\(?\s*\w+\.method\s*(===|==|!==|!=)\s*['"]OPTIONS['"]\s*\)?$""")
_PASSING_ON = frozenset({"NextResponse.next", "NextResponse.rewrite"})
_ANSWERING = frozenset({"NextResponse.json", "Response.json"})


@dataclass
class Site:
    """One response the middleware returns, with the CORS headers it carries."""

    node: Node  # the returned expression
    headers: list[tuple[str, Value]]  # (canonical name, value), in order
    passes_on: bool
    status: Value | None  # an answer's status
    method: str  # "OPTIONS", "!OPTIONS" or ""
    method_if: Node | None = None  # the `if` whose method test decides `method`
    rewrite_target: str | None = None  # a rewrite's known path
    rewrites: bool = False
    written_for: str | None = None  # a path the writes are selected for (`if (pathname...)`)


_PATH_TEST = re.compile(
    r"""\b\w*[pP]ath(?:name)?\s*===?\s*['"`](/[^'"`]*)['"`]"""
    r"""|\b\w*[pP]ath(?:name)?\.startsWith\(\s*['"`](/[^'"`]*)['"`]\s*\)"""
)


def tested_path(module: JsModule, node: Node, outside: Node | None = None) -> str | None:
    """A path the site is reached for, when an `if` around it tests the pathname against a
    literal (`pathname === '/api/x'`, `pathname.startsWith('/api/')`): its probe path."""
    child, parent = node, node.parent
    while parent is not None and parent.type not in _FUNCTIONS:
        condition = parent.child_by_field_name("condition") if parent.type == "if_statement" else None
        holds_outside = outside is not None and parent.start_byte <= outside.start_byte < parent.end_byte
        if condition is not None and parent.child_by_field_name("consequence") == child and not holds_outside:
            found = _PATH_TEST.search(module.text(condition))  # `pathname === '/x'`
            text = module.text(condition)
            if found is not None and "||" not in text and "!" not in text:  # no negation
                exact, prefix = found.groups()
                return exact or (prefix + "x" if prefix.endswith("/") else prefix)
        child, parent = parent, parent.parent
    return None


def middleware_sites(module: JsModule) -> list[Site]:
    sites = []
    for node in module.of_kind("return_statement"):
        if not node.named_children:
            continue
        returned = unwrap(node.named_children[0])
        site = _site(module, returned)
        if site is not None:
            site.method, site.method_if = _method_condition(module, node)
            sites.append(site)
    return sites


def _callee(module: JsModule, node: Node) -> tuple[str, Node | None]:
    """(`NextResponse.next`, its arguments) of a call or `new` expression."""
    if node.type == "call_expression":
        function = node.child_by_field_name("function")
        return (module.text(function) if function is not None else "", node.child_by_field_name("arguments"))
    if node.type == "new_expression":
        constructor = node.child_by_field_name("constructor")
        name = module.text(constructor) if constructor is not None else ""
        return (f"new {name}", node.child_by_field_name("arguments"))
    return "", None


def _site(module: JsModule, returned: Node, depth: int = 0) -> Site | None:
    if returned.type == "identifier" and depth == 0:
        declaration = _declared(module, module.text(returned), returned)
        if declaration is None:
            return None
        site = _site(module, unwrap(declaration), depth + 1)
        if site is None:
            return None
        site.node = returned
        site.headers += _set_calls(module, module.text(returned), returned)
        calls = [
            call
            for call in module.of_kind("call_expression")
            if call.start_byte < returned.start_byte
            and module.text(call.child_by_field_name("function") or call).endswith(".headers.set")
        ]
        site.written_for = next(
            (path for call in calls if (path := tested_path(module, call, returned)) is not None), None
        )
        return site
    name, arguments = _callee(module, returned)
    args = [a for a in arguments.named_children if a.type != "comment"] if arguments is not None else []
    if args and returned.type == "call_expression" and name not in _PASSING_ON | _ANSWERING:
        inner = _site(module, unwrap(args[0]), depth + 1) if depth == 0 else None
        handed = (
            passed_response_writes(module, returned, None, _set_calls, _header_value)
            if inner is not None
            else None
        )
        if inner is not None and handed:  # `return withCors(NextResponse.next())`
            inner.node = returned
            inner.headers += handed
            return inner
        return None
    if name in _PASSING_ON:
        init = args[-1] if name == "NextResponse.next" and args else (args[1] if len(args) > 1 else None)
        site = Site(returned, _init_headers(module, init, returned), True, None, "")
        if name == "NextResponse.rewrite" and args:
            site.rewrites = True
            site.rewrite_target = _rewrite_target(module, args[0], returned)
        return site
    if name in {"new NextResponse", "new Response"} or name in _ANSWERING:
        init = args[1] if len(args) > 1 else None
        return Site(
            returned, _init_headers(module, init, returned), False, _status(module, init, returned), ""
        )
    return None


def _declared(module: JsModule, name: str, use: Node) -> Node | None:
    declarator = _declarator(module, name, use)
    return declarator.child_by_field_name("value") if declarator is not None else None


def _declarator(module: JsModule, name: str, use: Node) -> Node | None:
    """The last `const name = ...` before `use` in a block that holds it."""
    found = None
    for declarator in module.of_kind("variable_declarator"):
        key, value = declarator.child_by_field_name("name"), declarator.child_by_field_name("value")
        if key is None or value is None or module.text(key) != name or declarator.start_byte > use.start_byte:
            continue
        block = declarator.parent.parent if declarator.parent is not None else None
        if block is not None and block.start_byte <= use.start_byte < block.end_byte:
            found = declarator
    return found


def _init_headers(module: JsModule, init: Node | None, use: Node) -> list[tuple[str, Value]]:
    """The headers of a ResponseInit: an object literal of them, a variable holding one, or
    another response's `res.headers` (its set calls before `use`)."""
    if init is None or unwrap(init).type != "object":
        return []
    for pair in unwrap(init).named_children:
        key = pair.child_by_field_name("key") if pair.type == "pair" else pair
        if key is None or module.text(key).strip("'\"") != "headers":
            continue
        value = pair.child_by_field_name("value") if pair.type == "pair" else pair
        text = module.text(value)
        if text.endswith(".headers") and value.type == "member_expression":
            return _set_calls(module, text[: -len(".headers")], use)
        named = unwrap(value).type in {"identifier", "shorthand_property_identifier"}
        bound = module.binding(text) if named else None
        if bound is not None and unwrap(bound).type == "new_expression":  # `new Headers()`, then `.set`
            return _set_calls(module, text, use)
        if bound is not None and unwrap(bound).type == "call_expression":  # `setCorsHeaders()`
            return helper_headers(module, unwrap(bound), _set_calls) or []
        return _header_pairs(module.resolve(value))
    return []


def _header_pairs(headers: Value) -> list[tuple[str, Value]]:
    if not (headers.known and isinstance(headers.raw, dict)):
        return []
    found = []
    for key, value in headers.raw.items():
        name = _CANONICAL.get(str(key).strip().lower())
        if name is not None:
            found.append((name, value))
    return found


def _set_calls(module: JsModule, holder: str, use: Node) -> list[tuple[str, Value]]:
    """`holder.headers.set(name, value)` (or `holder.set` on a Headers object) before `use`,
    in the function that holds `use`."""
    scope = _function_of(use)
    declarator = _declarator(module, holder, use)
    block = declarator.parent.parent if declarator is not None and declarator.parent is not None else None
    found: list[tuple[str, Value]] = []
    for call in module.of_kind("call_expression"):
        if call.start_byte >= use.start_byte:
            continue
        if _function_of(call) != scope:
            looped = copied_by_loop(module, call, holder, scope)
            if looped is not None:
                found.extend(_record_pairs(module, looped.named_children[0], looped, use))
            continue
        if (
            declarator is not None
            and block is not None
            and not (declarator.end_byte <= call.start_byte and call.end_byte <= block.end_byte)
        ):
            continue  # another variable of the same name
        function = call.child_by_field_name("function")
        text = module.text(function).replace(" ", "") if function is not None else ""
        if text not in {f"{holder}.headers.set", f"{holder}.set"}:
            handed = passed_response_writes(
                module, call, holder, _set_calls, _header_value
            )  # `applyCors(res)`
            if handed:
                found.extend(_unknown_under_condition(module, call, use, handed))
            continue
        arguments = call.child_by_field_name("arguments")
        args = [a for a in arguments.named_children if a.type != "comment"] if arguments is not None else []
        if len(args) != 2:
            continue
        entries = entries_loop(module, call, args)
        if entries is not None:
            found.extend(_record_pairs(module, entries[1], entries[0], use))
            continue
        key = module.resolve(args[0])
        name = _CANONICAL.get(key.raw.strip().lower()) if key.known and isinstance(key.raw, str) else None
        if name is None:
            continue
        value = _header_value(module, args[1], call)
        if _conditional(module, call, use):
            pinned = pinned_by_guard(module, call, args[1])
            if pinned is not None and any(n == name and v.known and v.raw == pinned.raw for n, v in found):
                continue  # rewrites the value the header already has
            value = Value(
                None,
                value.location,
                Provenance.UNKNOWN,
                description=f"`{module.text(call)}`, written under a condition",
            )
        found.append((name, value))
    return found


def _unknown_under_condition(
    module: JsModule, call: Node, use: Node, pairs: list[tuple[str, Value]]
) -> list[tuple[str, Value]]:
    """A helper's writes, each of unknown value when its call is under a condition."""
    if not _conditional(module, call, use):
        return pairs
    description = f"`{module.text(call)}`, under a condition"
    return [
        (name, Value(None, value.location, Provenance.UNKNOWN, description=description))
        for name, value in pairs
    ]


def _record_pairs(module: JsModule, source: Node, loop: Node, use: Node) -> list[tuple[str, Value]]:
    """The CORS headers of a record a loop copies onto the response (`record_loops`); under
    a condition, each of unknown value, as a `set` written there is."""
    record = module.resolve(source)
    if not (record.known and isinstance(record.raw, dict)):
        return []
    conditional = _conditional(module, loop, use)
    pairs = []
    for key, value in record.raw.items():
        name = _CANONICAL.get(str(key).strip().lower())
        if name is None or not isinstance(value, Value):
            continue
        if conditional:
            value = Value(
                None,
                value.location,
                Provenance.UNKNOWN,
                description=f"`{module.text(loop)}`, under a condition",
            )
        pairs.append((name, value))
    return pairs


def _conditional(module: JsModule, call: Node, use: Node) -> bool:
    """Whether an `if` around the write does not also hold the site. A test of the path
    (`pathname.startsWith('/api/')`) selects where it applies instead: the site's probe
    path is then one it admits (`_tested_path`)."""
    parent = call.parent
    while parent is not None and parent.type not in _FUNCTIONS:
        if parent.type == "if_statement" and not (parent.start_byte <= use.start_byte < parent.end_byte):
            condition = parent.child_by_field_name("condition")
            text = module.text(condition) if condition is not None else ""
            consequence = parent.child_by_field_name("consequence")
            in_consequence = consequence is not None and (
                consequence.start_byte <= call.start_byte < consequence.end_byte
            )
            if not (in_consequence and _path_only(text)):
                return True
        parent = parent.parent
    return False


def _path_only(condition: str) -> bool:
    """A condition that only tests the path against one literal."""
    found = _PATH_TEST.search(condition)
    text = condition.strip()
    while text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    if found is None or "!" in text:
        return False
    return re.fullmatch(r"[\w.?]*" + re.escape(found.group(0)), text) is not None


_ORIGIN_READ = re.compile(
    r"""^\w+\.headers\.get\(\s*['"`]origin['"`]\s*\)(?:\s*(?:\?\?|\|\|)\s*['"`][^'"`]*['"`])?$""",
    re.IGNORECASE,
)


def _header_value(module: JsModule, node: Node, use: Node) -> Value:
    """A written value; the request's Origin (`req.headers.get('origin')`, directly or
    through a variable) as the reflection it is."""
    guarded = guarded_value(
        module, node, use, _declared, lambda n: _ORIGIN_READ.match(module.text(n).strip()) is not None
    )
    if guarded is not None:
        return guarded
    node = unwrap(node)
    expression = node
    if node.type == "identifier":
        bound = _declared(module, module.text(node), use)
        expression = unwrap(bound) if bound is not None else node
    if _ORIGIN_READ.match(module.text(expression).strip()):
        return Value(HeaderReflection("reflect-all", source="origin"), module.location(node))
    return module.resolve(node)


def _status(module: JsModule, init: Node | None, at: Node) -> Value:
    if init is not None and unwrap(init).type == "object":
        for pair in unwrap(init).named_children:
            key = pair.child_by_field_name("key") if pair.type == "pair" else None
            if key is not None and module.text(key).strip("'\"") == "status":
                status = module.resolve(pair.child_by_field_name("value"))
                if status.known and isinstance(status.raw, int):
                    return Value(status.raw, module.location(at))
                return status
    return Value(200, module.location(at))


def _rewrite_target(module: JsModule, url: Node, use: Node) -> str | None:
    """The path a rewrite goes to: `url.pathname = '/api/send'` on the URL object before it."""
    url = unwrap(url)
    if url.type != "identifier":
        return None
    name = module.text(url)
    target = None
    for node in module.of_kind("assignment_expression"):
        left = node.child_by_field_name("left")
        if left is None or module.text(left).replace(" ", "") != f"{name}.pathname":
            continue
        if node.start_byte < use.start_byte and _function_of(node) == _function_of(use):
            value = module.resolve(node.child_by_field_name("right"))
            target = value.raw if value.known and isinstance(value.raw, str) else None
    return target


def _function_of(node: Node) -> Node | None:
    parent = node.parent
    while parent is not None and parent.type not in _FUNCTIONS:
        parent = parent.parent
    return parent


def _method_condition(module: JsModule, returned: Node) -> tuple[str, Node | None]:
    """`OPTIONS` / `!OPTIONS` when a test of the request method decides that the return
    runs: an `if` around it, or an earlier `if (...OPTIONS) return` in a block around it."""
    child, parent = returned, returned.parent
    while parent is not None and parent.type not in _FUNCTIONS:
        if parent.type == "if_statement" and child != parent.child_by_field_name("condition"):
            consequence = parent.child_by_field_name("consequence") == child
            test = _method_test(module, parent, "consequence" if consequence else "alternative")
            if test is not None:
                return test, parent
        if parent.type == "statement_block":
            for statement in parent.named_children:
                if statement.start_byte >= child.start_byte:
                    break
                if statement.type == "if_statement" and statement.child_by_field_name("alternative") is None:
                    test = _method_test(module, statement, "alternative")
                    consequence = statement.child_by_field_name("consequence")
                    if test is not None and consequence is not None and _returns(consequence):
                        return test, statement
        child, parent = parent, parent.parent
    return "", None


def _method_test(module: JsModule, statement: Node, arm: str = "consequence") -> str | None:
    """The method the arm `arm` of an `if` runs for; with a conjunction (`path === '/x' &&
    req.method === 'OPTIONS'`) only its consequence is known to be OPTIONS-only."""
    condition = statement.child_by_field_name("condition")
    text = module.text(condition).strip() if condition is not None else ""
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    parts = [part.strip() for part in text.split("&&")] if "||" not in text else [text]
    tests = [found.group(1) for part in parts if (found := _METHOD_TEST.match(part)) is not None]
    if len(tests) != 1 or (len(parts) > 1 and tests[0] in {"!==", "!="}):
        return None
    test = "OPTIONS" if tests[0] in {"===", "=="} else "!OPTIONS"
    if arm == "consequence":
        return test
    return _negated(test) if len(parts) == 1 else None


def _negated(test: str) -> str:
    return test[1:] if test.startswith("!") else f"!{test}"


def _returns(block: Node) -> bool:
    if block.type == "return_statement":
        return True
    return any(node.type == "return_statement" for node in walk(block))
