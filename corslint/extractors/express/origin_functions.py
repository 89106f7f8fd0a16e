"""Origin functions (``origin: (origin, callback) => ...``) judged from their code: the
callback's answers, the conditions guarding them and the allow-lists they test against."""

from __future__ import annotations

from corslint.extractors.express.decided_returns import after_decided_return, deciding_variable
from corslint.extractors.express.mixed_entries import block_by_kind, entry_by_kind, single_return
from corslint.extractors.express.origin_answers import (
    answer_test,
    error_unless_answer,
    first_argument_is_error,
)
from corslint.extractors.express.origin_entry_tests import entry_tested_entries
from corslint.extractors.express.origin_globs import glob_entries
from corslint.extractors.express.origin_guards import decided, deciding_env, residual, tidied_origin, tidies
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
from corslint.extractors.express.overwritten_origin import overwritten_origin
from corslint.extractors.express.predicate_blocks import block_predicate_entries
from corslint.extractors.express.tidied_entries import tidied_entries
from corslint.extractors.js.method_calls import call_arguments
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, string_value, unwrap, walk
from corslint.model import FunctionValue, Location, OriginFunction, Provenance, Regex, Value


def parameter_names(module: JsModule, function: Node) -> list[str]:
    parameters = function.child_by_field_name("parameters")
    if parameters is None:
        single = function.child_by_field_name("parameter")
        return [module.text(single)] if single is not None else []
    names = []
    for parameter in parameters.named_children:
        target = parameter
        if parameter.type in {"required_parameter", "optional_parameter"}:
            target = parameter.child_by_field_name("pattern") or parameter
        names.append(module.text(target))
    return names


def classified_origin(module: JsModule, value: Value) -> Value:
    if not (value.known and isinstance(value.raw, FunctionValue) and value.raw.kind == "unknown"):
        return value
    found = written_function(module, value)
    if found is None:
        return value
    module, function = found
    classified = overwritten_origin(module, function, classify_origin_function(module, function))
    deciding = (
        deciding_variable(module, function) or _answer_variable(module, function)
        if classified.kind != "unknown"
        else None
    )
    if deciding is not None:  # `|| ['*']` decides the answers: judged "when X is unset"
        return Value(
            classified, value.location, Provenance.ENV_DEFAULT, deciding, value.description, value.related
        )
    return Value(
        classified, value.location, value.provenance, value.env_var, value.description, value.related
    )


def _answer_variable(module: JsModule, function: Node) -> str | None:
    """The environment variable whose default decides an answer: `callback(null, !origin ||
    list.includes(origin) || !list.length)` with LIST read from an unset variable."""
    parameters = parameter_names(module, function)
    for node in walk(function) if len(parameters) >= 2 else ():
        if (
            node.type != "call_expression"
            or module.text(node.child_by_field_name("function")) != parameters[1]
        ):
            continue
        args = node.child_by_field_name("arguments")
        named = [c for c in args.named_children if c.type != "comment"] if args else []
        found = deciding_env(module, named[1]) if len(named) >= 2 else None
        if found is not None:
            return found
    return None


def written_function(module: JsModule, value: Value) -> tuple[JsModule, Node] | None:
    """The function an option's value was read from, and the module that writes it: this
    one, or another (an imported function, or an options object another module exports)."""
    node = node_at(module, value.location)
    function = module.function_node(node) if node is not None else None
    if function is not None:
        return module, function
    if module.project is None:
        return None
    for where in (value.location, *value.related[:1]):
        home = module.project.loaded(where.path) if where.path != module.path else None
        node = node_at(home, where) if home is not None else None
        function = home.function_node(node) if home is not None and node is not None else None
        if home is not None and function is not None:
            return home, function
    return None


def node_at(module: JsModule, location: Location) -> Node | None:
    if location.path != module.path:
        return None
    point = (location.line - 1, 0)
    for node in module.nodes:
        if node.start_point[0] == point[0] and module.location(node) == location:
            return node
    return None


def classify_origin_function(module: JsModule, function: Node) -> FunctionValue:
    """What `origin: (origin, callback) => ...` allows, judged from its code.

    reflect-all: the callback always gets `true` (or the origin itself); allow-list: it gets
    `true` only after a membership test (`includes`, `indexOf`, `===`, `Set.has`, a regex
    `test`) against values the resolver can read; anything else is unknown."""
    parameters = parameter_names(module, function)
    if len(parameters) < 2:
        return FunctionValue("unknown")
    origin_name, callback = parameters[0], parameters[1]
    calls: list[tuple[Node, Node | None]] = []
    for node in walk(function):
        if node.type == "call_expression":
            callee = node.child_by_field_name("function")
            if callee is not None and module.text(callee) == callback:
                args = node.child_by_field_name("arguments")
                named = [c for c in args.named_children if c.type != "comment"] if args else []
                calls.append((node, named[1] if len(named) >= 2 else None))
    calls = [
        (call, answer)
        for call, answer in calls
        if not _decided_against(module, call, function) and not after_decided_return(module, call, function)
    ]
    if not calls:
        return FunctionValue("unknown")
    verdicts: list[tuple[Node, str]] = []
    tested: list[tuple[list[Value], bool]] = []  # `callback(null, list.includes(origin))`
    for call, answer in calls:
        if answer is not None and error_unless_answer(module, call, answer):
            # `callback(ok ? null : 'Bad Request', ok)`: the old cors README's callback
            constant = module.resolve(answer)
            if constant.known and isinstance(constant.raw, bool):  # `var ok = true;`
                verdicts.append((call, "allow" if constant.raw else "error"))
                continue
            found = membership(module, answer, origin_name, True)
            if found is None:
                return FunctionValue("unknown")
            tested.append(found)
            verdicts.append((call, "error"))
            continue
        if answer is None or first_argument_is_error(module, call):
            # `callback(new Error(...), false)`: cors hands the error on whatever the answer
            verdicts.append((call, "error" if first_argument_is_error(module, call) else "false"))
            continue
        text = module.text(unwrap(answer))
        if text == "true" or text == origin_name or _truthy_object(module, answer):
            verdicts.append((call, "allow"))
        elif text in {"false", "null", "undefined"}:
            verdicts.append((call, "false"))
        elif guarding_condition(call, function) is None and (
            found := membership(module, answer_test(module, answer, origin_name), origin_name, True)
        ):
            # the answer is the allow-list test itself, or `test ? origin : false`
            tested.append(found)
            verdicts.append((call, "false"))
        elif (taken := decided(module, answer)) is not None:  # `... || !list.length`, LIST unset
            verdicts.append((call, "allow" if taken else "false"))
        else:
            return FunctionValue("unknown")
    allowing = [call for call, verdict in verdicts if verdict == "allow"]
    refusing = [verdict for _, verdict in verdicts if verdict != "allow"]
    # every allowing call under a test, and no refusal: the origins outside them are never
    # answered (an `else` left empty, HighDark893/BE-InsightIQ `src/config/cors.config.ts`)
    if allowing and not refusing and not all(_conditional(module, call, function) for call in allowing):
        return FunctionValue("reflect-all")
    if not allowing and not tested:
        return FunctionValue("deny-all")
    allowed: list[Value] = [entry for entries, _ in tested for entry in entries]
    no_origin = "allow" if any(admits for _, admits in tested) else "reject"
    for call in allowing:
        guard = guarding_condition(call, function) or _early_exit_guard(module, call, function, callback)
        if guard is None:
            return FunctionValue("unknown")
        test, positive = guard
        found = membership(module, residual(module, test), origin_name, positive)
        tidied = tidied_origin(module, function, origin_name) if found is None else None
        if tidied is not None:  # `const o = normalizeOrigin(origin); if (o && list.includes(o))`
            found = membership(module, residual(module, test), tidied, positive)
        if found is None:
            return FunctionValue("unknown" if refusing else "reflect-all")
        entries, admits_missing = found
        allowed.extend(entries)
        if admits_missing:
            no_origin = "allow"
    on_reject = "error" if "error" in refusing else "false"
    return OriginFunction("allow-list", tuple(allowed), no_origin=no_origin, on_reject=on_reject)


def _conditional(module: JsModule, call: Node, function: Node) -> bool:
    """Whether `call` runs under a test that may fail: not one that always holds
    (`[LOCAL, origin].includes(origin)`, `origin_guards.decided`)."""
    guard = guarding_condition(call, function)
    return guard is not None and decided(module, guard[0]) is not guard[1]


def _truthy_object(module: JsModule, answer: Node) -> bool:
    """`callback(null, { origin: true })` (NathanStiers/projetArchiWebAPI
    `self_modules/middlewares/cors.js`): cors and @fastify/cors test an answer that is no
    string, list or RegExp for truthiness only, so any object reflects the Origin."""
    answer = unwrap(answer)
    if answer.type == "identifier":
        bound = module.binding(module.text(answer))
        answer = unwrap(bound) if bound is not None else answer
    return bool(answer.type == "object")


def _decided_against(module: JsModule, call: Node, function: Node) -> bool:
    """Whether `call` sits under an `if` that production or the environment's defaults
    decide against: `if (process.env.ALLOW_ALL === "true") return callback(null, true)`
    never runs while ALLOW_ALL is unset, so the rest of the function is what answers
    (also when one operand of `&&` / `||` decides, `origin_guards`)."""
    guard = guarding_condition(call, function)
    if guard is None:
        return False
    test, positive = guard
    taken = decided(module, test)
    return taken is not None and taken != positive


def _early_exit_guard(
    module: JsModule, call: Node, function: Node, callback: str
) -> tuple[Node, bool] | None:
    """`if (list.indexOf(origin) === -1) { return callback(new Error(...)) }` before an
    unconditional `return callback(null, true)`: the allowing call runs only where that
    refusing test is false. Other early exits (`if (!origin) return callback(null, true)`)
    are answers of their own, judged with their own guards."""
    statement = call
    while statement.parent is not None and statement.parent.type != "statement_block":
        statement = statement.parent
    block = statement.parent
    if block is None or block.parent != function:
        return None
    refusing: list[Node] = []
    for sibling in block.named_children:
        if sibling.start_byte >= statement.start_byte:
            break
        if sibling.type != "if_statement" or sibling.child_by_field_name("alternative") is not None:
            continue
        answers = [
            node
            for node in walk(sibling.child_by_field_name("consequence"))
            if node.type == "call_expression"
            and module.text(node.child_by_field_name("function")) == callback
        ]
        if answers and all(_refuses(module, answer) for answer in answers):
            refusing.append(sibling.child_by_field_name("condition"))
    return (refusing[0], False) if len(refusing) == 1 else None


def _refuses(module: JsModule, call: Node) -> bool:
    args = call.child_by_field_name("arguments")
    named = [c for c in args.named_children if c.type != "comment"] if args else []
    if first_argument_is_error(module, call):
        return True
    return len(named) >= 2 and module.text(unwrap(named[1])) in {"false", "null", "undefined"}


def guarding_condition(call: Node, function: Node) -> tuple[Node, bool] | None:
    """The `if` test (or ternary condition) under which `call` runs, and its polarity."""
    node = call
    while node is not None and node != function:
        parent = node.parent
        if parent is None:
            return None
        if parent.type == "if_statement":
            condition = parent.child_by_field_name("condition")
            consequence = parent.child_by_field_name("consequence")
            if node == consequence:
                return condition, True
            if node.type == "else_clause" or (parent.child_by_field_name("alternative") == node):
                return condition, False
        if parent.type == "ternary_expression":
            condition = parent.child_by_field_name("condition")
            if node == parent.child_by_field_name("consequence"):
                return condition, True
            if node == parent.child_by_field_name("alternative"):
                return condition, False
        node = parent
    return None


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
        if held is not None and unwrap(held).type in {"call_expression", "binary_expression"}:
            return membership(module, held, name, positive)
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
                    found = _block_membership(home, body, parameter) or block_predicate_entries(
                        home, body, parameter, membership
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
