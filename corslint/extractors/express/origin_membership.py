"""Allow-list tests read from code: which entries a test such as `list.includes(origin)`,
`origin === A || origin === B`, `list.some((o) => o.test(origin))` or `ALLOWED.has(origin)`
admits the request's Origin against, and whether a missing Origin passes it. Origin
functions (origin_functions.py), hand-written header guards and route tests share it."""

from __future__ import annotations

from corslint.extractors.express.mixed_entries import block_by_kind, entry_by_kind, single_return
from corslint.extractors.express.origin_entry_tests import entry_tested_entries
from corslint.extractors.express.origin_function_nodes import parameter_names, written_function
from corslint.extractors.express.origin_globs import glob_entries
from corslint.extractors.express.origin_guards import decided, tidies
from corslint.extractors.express.origin_host_globs import host_glob_entries
from corslint.extractors.express.origin_list_reads import (
    STRING_TESTS,
    hostname_compared,
    hostname_entries,
    index_of,
    js_escape,
    list_holder,
    presence_test,
    reads_url_hostname,
    unread_list_test,
)
from corslint.extractors.express.predicate_blocks import block_predicate_entries
from corslint.extractors.express.tidied_entries import tidied_entries
from corslint.extractors.express.url_host_predicates import parsed_url_predicate
from corslint.extractors.express.widened_lets import widened_let
from corslint.extractors.js.method_calls import call_arguments
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.scoped_bindings import scoped_binding
from corslint.extractors.js.syntax import Node, string_value, unwrap
from corslint.model import FunctionValue, Regex, Value


def _names(module: JsModule, node: Node, name: str) -> bool:
    """`origin`, or `origin || ''` / `origin ?? ''`: the value tested is the Origin (a
    missing one stands in as the fallback, which the allow-list then decides on)."""
    node = unwrap(node)
    if module.text(node) == name or tidies(module, node, name):
        return True
    if node.type == "binary_expression" and module.text(node.child_by_field_name("operator")) in {"||", "??"}:
        fallback = module.resolve(node.child_by_field_name("right"))
        return module.text(unwrap(node.child_by_field_name("left"))) == name and fallback.known
    return False


def _typeof_undefined(module: JsModule, side: Node, other: Node, name: str) -> bool:
    """`typeof origin === 'undefined'`: the Origin is missing."""
    return (
        module.text(unwrap(side)).replace(" ", "") == f"typeof{name}" and string_value(other) == "undefined"
    )


def membership(module: JsModule, test: Node, name: str, positive: bool) -> tuple[list[Value], bool] | None:
    """The entries an allow-list test admits `name` against, and whether a missing Origin passes."""
    test = unwrap(test)
    if test.type == "unary_expression" and module.text(test).startswith("!"):
        return membership(module, test.child_by_field_name("argument"), name, not positive)
    if test.type == "identifier" and module.text(test) != name:
        # `const ok = list.some(...); return ok ? cb(null, true) : cb(new Error(...))`
        held = module.binding(module.text(test))
        if held is None:  # each layer's function with its own `const allowed = ...`
            held = scoped_binding(module, module.text(test), test)
        if held is not None and unwrap(held).type in {"call_expression", "binary_expression"}:
            return membership(module, held, name, positive)
        widened = widened_let(module, module.text(test), name) if positive else None
        if widened is not None:  # `let ok = ...; if (!strict) ok = ok || !origin`
            found = membership(module, widened[0], name, True)
            return (found[0], True) if found is not None else None
        return None
    if test.type == "binary_expression":
        operator = module.text(test.child_by_field_name("operator"))
        left, right = test.child_by_field_name("left"), test.child_by_field_name("right")
        if operator in {"||", "&&"} and positive:
            # `(isDev && LOCAL.test(origin))` in production, `... || !isProduction`: an
            # operand the deployment decides leaves the other, or decides the whole test
            neutral = operator == "&&"
            for side, other in ((left, right), (right, left)):
                taken = decided(module, side)
                if taken is neutral:
                    return membership(module, other, name, True)
                if taken is (not neutral) and operator == "&&":
                    return [], False  # never holds: admits nothing
        if operator == "||" and positive:
            a = membership(module, left, name, True)
            b = membership(module, right, name, True)
            if a is None and b is None:
                return None
            # a list corslint cannot read beside a test it can: the other operand is still judged
            a = a or unread_list_test(module, left, name)
            b = b or unread_list_test(module, right, name)
            if a is None or b is None:
                return None
            return a[0] + b[0], a[1] or b[1]
        if operator == "&&" and positive:
            # `origin && list.includes(origin)`: the presence test adds nothing
            for side, other in ((left, right), (right, left)):
                if presence_test(module, side, name):
                    found = membership(module, other, name, True)
                    return (found[0], False) if found is not None else None
            return None
        if (operator in {"===", "=="} and positive) or (operator in {"!==", "!="} and not positive):
            for side, other in ((left, right), (right, left)):
                if module.text(unwrap(side)) == name or _typeof_undefined(module, side, other, name):
                    if module.text(unwrap(other)) == "undefined" or string_value(other) == "undefined":
                        return [], True
                    value = module.resolve(other)
                    return ([value], False) if value.known else None
                if (host := hostname_compared(module, side, other, name)) is not None:
                    return host
            index = index_of(module, left, right, name, operator, positive)
            if index is not None:
                return index
        if operator in {">", ">=", "!==", "!=", "<", "===", "=="}:
            return index_of(module, left, right, name, operator, positive)
        if operator == "in" and positive and module.text(unwrap(left)) == name:
            # `origin in TRUSTED` over an object literal: its keys are the allowed origins
            holder = module.resolve(right)
            if holder.known and isinstance(holder.raw, dict) and "**" not in holder.raw:
                return [Value(key, holder.location) for key in holder.raw], False
        return None
    if not positive:
        if module.text(test) == name:
            return [], True  # if (!origin) callback(null, true)
        return None
    if test.type == "call_expression":
        function = unwrap(test.child_by_field_name("function"))
        args = test.child_by_field_name("arguments")
        named = [c for c in args.named_children if c.type != "comment"] if args else []
        predicate = _predicate_body(module, function, named, name)
        if predicate is not None:  # `isAllowedOrigin(origin)`, a helper of the project
            home, body, parameter = predicate
            _FOLLOWED.add(body.id)
            try:
                if body.type == "statement_block":  # early returns, or a branch the deployment decides
                    found = (
                        _block_membership(home, body, parameter)
                        or block_predicate_entries(home, body, parameter, membership)
                        or parsed_url_predicate(home, body, parameter)  # `try { new URL(o) ... }`
                    )
                    return found if positive else None
                return membership(home, body, parameter, positive)
            finally:
                _FOLLOWED.discard(body.id)
        if function is None or function.type != "member_expression" or not named:
            return None
        method = module.text(function.child_by_field_name("property"))
        if method == "match" and module.text(unwrap(function.child_by_field_name("object"))) == name:
            # `origin.match(/^https:\/\/...$/)`: truthy exactly when the pattern matches
            pattern = module.resolve(named[0])
            return ([pattern], False) if pattern.known and isinstance(pattern.raw, Regex) else None
        if method in STRING_TESTS and module.text(unwrap(function.child_by_field_name("object"))) == name:
            # `origin.endsWith(".example.com")`: exactly the anchored pattern of its text
            part = module.resolve(named[0])
            if not (part.known and isinstance(part.raw, str)):
                return None
            return [Value(Regex(STRING_TESTS[method].format(js_escape(part.raw))), part.location)], False
        if not _names(module, named[0], name):
            if method in {"some", "find"} and len(named) == 1:
                return _some(module, function, named[0], name)
            if method in {"includes", "has"} and reads_url_hostname(module, named[0], name):
                return hostname_entries(list_holder(module, function.child_by_field_name("object")))
            return None
        holder = list_holder(module, function.child_by_field_name("object"))
        if not holder.known:
            return None
        if method in {"includes", "has"} and isinstance(holder.raw, tuple):
            return list(holder.raw), False
        if method == "test":
            return [holder], False
        return None
    return None


_FOLLOWED: set[int] = set()  # predicate bodies being read, against recursive helpers


def _predicate_body(
    module: JsModule, function: Node | None, arguments: list[Node], name: str
) -> tuple[JsModule, Node, str] | None:
    """A same-project predicate the Origin is handed to, `isAllowedOrigin(origin)` with
    `const isAllowedOrigin = (o) => !o || list.includes(o) || PREVIEW.test(o)` in another
    module (404notDeeksha/Ecommerce-App-Backend `utils/isAllowedOrigin.js`): its returned
    test, with the parameter that receives the Origin."""
    if function is None or function.type != "identifier" or not arguments:
        return None
    # the Origin itself (`check(origin || "")` would need its fallback carried in)
    position = next((i for i, arg in enumerate(arguments) if module.text(unwrap(arg)) == name), None)
    if position is None:
        return None
    value = module.resolve(function)
    if not (value.known and isinstance(value.raw, FunctionValue)):
        return None
    found = written_function(module, value)
    if found is None:
        return None
    home, helper = found
    parameters = parameter_names(home, helper)
    body = helper.child_by_field_name("body")
    if body is not None and body.type == "statement_block":
        body = single_return(body) or body
    if body is None or position >= len(parameters) or body.id in _FOLLOWED:
        return None
    parameter = parameters[position]
    return (home, unwrap(body), parameter) if parameter.isidentifier() else None


def _block_membership(module: JsModule, block: Node, name: str) -> tuple[list[Value], bool] | None:
    """A predicate written as early returns, `if (!o) return false; if (RE.test(o)) return
    true; ...; return false` (0x-Parzival/mother-homes-expense `dev-server-setup.js`): the
    entries of its `return true` tests; a `return false` test may only turn away a missing
    Origin, and the predicate must end refusing."""
    statements = [child for child in block.named_children if child.type != "comment"]
    if not statements or module.text(statements[-1]).replace(" ", "") not in {"returnfalse;", "returnfalse"}:
        return None
    entries: list[Value] = []
    admits_missing: bool | None = None
    for statement in statements[:-1]:
        if statement.type != "if_statement" or statement.child_by_field_name("alternative") is not None:
            return None
        answer = single_return(statement.child_by_field_name("consequence")) or unwrap(
            statement.child_by_field_name("consequence")
        )
        if answer.type == "return_statement":
            inner = [c for c in answer.named_children if c.type != "comment"]
            answer = unwrap(inner[0]) if len(inner) == 1 else answer
        test = unwrap(statement.child_by_field_name("condition"))
        negated = test.child_by_field_name("argument") if module.text(test).startswith("!") else None
        if answer.type == "false" and negated is not None and presence_test(module, negated, name):
            admits_missing = False if admits_missing is None else admits_missing  # `if (!o) return false`
            continue
        found = membership(module, test, name, True) if answer.type == "true" else None
        if found is None:
            return None
        entries += found[0]
        admits_missing = found[1] if admits_missing is None else admits_missing
    return entries, bool(admits_missing)


def _some(module: JsModule, function: Node, callback: Node, name: str) -> tuple[list[Value], bool] | None:
    """`patterns.some((re) => re.test(origin))`."""
    method = module.text(function.child_by_field_name("property"))
    callback = unwrap(callback)
    # `find` answers the entry it found: as truthy as `some`'s answer for the entries read here
    if method not in {"some", "find"} or callback.type != "arrow_function":
        return None
    body = unwrap(callback.child_by_field_name("body"))
    if body is not None and body.type == "statement_block" and block_by_kind(module, callback, body, name):
        # each entry as `cors` reads an array
        holder = list_holder(module, function.child_by_field_name("object"))
        return (list(holder.raw), False) if holder.known and isinstance(holder.raw, tuple) else None
    if body is not None and body.type == "statement_block":
        globbed = glob_entries(
            module, callback, body, name, list_holder(module, function.child_by_field_name("object"))
        )
        if globbed is not None:  # `'https://*.x.app'` entries made RegExps by the callback
            return globbed, False
    if body is not None and body.type == "statement_block":  # a block of `if`s: entry_tested_entries
        body = single_return(body) or body
    if body is not None and body.type == "ternary_expression":
        if not entry_by_kind(module, callback, body, name):
            return None
        # `o instanceof RegExp ? o.test(origin) : o === origin`: each entry as `cors` reads an array
        holder = list_holder(module, function.child_by_field_name("object"))
        return (list(holder.raw), False) if holder.known and isinstance(holder.raw, tuple) else None
    if body is not None and (
        tidied := tidied_entries(
            module, callback, body, name, list_holder(module, function.child_by_field_name("object"))
        )
    ):  # `list.some((entry) => entry.replace(/\/$/, "") === bare)`
        return tidied, False
    if body is not None and (
        tested := entry_tested_entries(
            module, callback, body, name, list_holder(module, function.child_by_field_name("object"))
        )
    ):  # `list.some((w) => (w.startsWith("*.") && origin.endsWith(w.slice(1))) || origin === w)`
        return tested, False
    if body is not None and (
        hosts := host_glob_entries(
            module, callback, body, name, list_holder(module, function.child_by_field_name("object"))
        )
    ):  # `hosts.some((p) => wcmatch(p)(new URL(origin).host))`
        return hosts
    if body is None or body.type != "call_expression" or name not in module.text(body):
        return None
    holder = list_holder(module, function.child_by_field_name("object"))
    if _calls_entry(module, callback, body, name):  # `rules.find((rule) => rule(host))`
        return _predicate_entries(module, holder)
    if holder.known and isinstance(holder.raw, tuple):
        test = STRING_TESTS.get(_string_test_of(module, body, name))
        if test is not None:  # `list.some((p) => origin.startsWith(p))`: each entry a prefix
            if not all(item.known and isinstance(item.raw, str) for item in holder.raw):
                return None
            prefixes = [Value(Regex(test.format(js_escape(item.raw))), item.location) for item in holder.raw]
            return prefixes, False
        return list(holder.raw), False
    return None


def _calls_entry(module: JsModule, callback: Node, body: Node, name: str) -> bool:
    """`(rule) => rule(origin)`: each entry is a predicate handed the tested value."""
    parameters = parameter_names(module, callback)
    named = call_arguments(body)
    return (
        len(parameters) == 1
        and module.text(unwrap(body.child_by_field_name("function"))) == parameters[0]
        and len(named) == 1
        and module.text(unwrap(named[0])) == name
    )


def _predicate_entries(module: JsModule, holder: Value) -> tuple[list[Value], bool] | None:
    """The entries a list of predicates admits (`[h => h.endsWith(".campus.example"), h =>
    h === "campus.example"]`), each predicate read as the test it returns."""
    if not (holder.known and isinstance(holder.raw, tuple) and holder.raw):
        return None
    entries: list[Value] = []
    admits_missing = False
    for item in holder.raw:
        found = written_function(module, item) if isinstance(item.raw, FunctionValue) else None
        if found is None:
            return None
        home, predicate = found
        parameters = parameter_names(home, predicate)
        body = predicate.child_by_field_name("body")
        if body is not None and body.type == "statement_block":
            body = single_return(body)
        if len(parameters) != 1 or body is None or body.id in _FOLLOWED:
            return None
        _FOLLOWED.add(body.id)
        try:
            tested = membership(home, unwrap(body), parameters[0], True)
        finally:
            _FOLLOWED.discard(body.id)
        if tested is None:
            return None
        entries += tested[0]
        admits_missing = admits_missing or tested[1]
    return entries, admits_missing


def _string_test_of(module: JsModule, body: Node, name: str) -> str:
    """`origin.startsWith(p)` -> "startsWith" (also `endsWith`, `includes`); "" otherwise."""
    function = unwrap(body.child_by_field_name("function"))
    if function is None or function.type != "member_expression":
        return ""
    if module.text(unwrap(function.child_by_field_name("object"))) != name:
        return ""
    return module.text(function.child_by_field_name("property"))
