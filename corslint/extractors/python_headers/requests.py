"""How hand-written CORS code reads the request: header reads (`Read`) and the tests it
makes (the request's method, whether it has an Origin, whether the Origin is listed)."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

from corslint.extractors.python_headers.asgi_messages import message_type
from corslint.extractors.python_headers.frame import (
    Alternative,
    Frame,
    Read,
    Steps,
    conjoin,
    disjoin,
    dotted,
    loop_as_any,
    negate,
    unwrap,
)
from corslint.extractors.python_headers.merged_guards import merged_guard
from corslint.extractors.python_headers.request_reads import (
    REFERER_OR_ORIGIN,
    header_key,
    method_side,
    path_prefix,
    read_of,
)
from corslint.extractors.python_headers.response_checks import response_header_test
from corslint.extractors.python_headers.same_origin import same_origin_test
from corslint.extractors.python_headers.static_tests import static_truth
from corslint.extractors.python_headers.substring_tests import counted_text
from corslint.extractors.python_headers.switches import cors_switch
from corslint.model import FunctionValue, Regex, Value

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
_REGEX_CALLS = {"re.match": "match", "re.search": "search", "re.fullmatch": "fullmatch"}
# shell-style patterns; `fnmatch` normalises case as the OS does (not at all on POSIX)
_GLOB_CALLS = {"fnmatch.fnmatchcase": "fnmatch", "fnmatch.fnmatch": "fnmatch"}

Decided = bool | str | None  # static truth, a condition for the model, or undecidable


def condition(frame: Frame, steps: Steps, test: ast.expr) -> Decided:
    """`test` as the model reads it (see frameworks/python_headers.py, `holds`)."""
    if isinstance(test, ast.Name) and test.id in frame.conditions:
        return frame.conditions[test.id]
    if isinstance(test, ast.BoolOp):
        return _combined(frame, steps, test)
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = condition(frame, steps, test.operand)
        if inner is None or isinstance(inner, bool):
            return inner if inner is None else not inner
        return negate(inner)
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        found = _comparison(frame, steps, test)
        if found is not None:
            return found
    if isinstance(test, ast.Call) and dotted(test.func) == "bool" and len(test.args) == 1:
        return condition(frame, steps, test.args[0])
    if isinstance(test, ast.Call):
        found = (
            _guard_call(frame, steps, test) or path_prefix(frame, test) or _origin_check(frame, steps, test)
        )
        if found is not None:
            return found
    if isinstance(test, ast.BinOp) and isinstance(test.op, ast.BitAnd):
        found = _intersection(frame, steps, test)
        if found is not None:
            return found
    read = read_of(frame, test)
    if read is not None:
        return _presence(read)
    static = static_truth(frame, test)
    if static is None:
        static = response_header_test(frame, steps, test)
    if static is None:
        static = same_origin_test(frame, test, read_of)
    if static is not None:
        return static
    value = frame.resolve(test)
    if value.known and (value.raw is None or isinstance(value.raw, (bool, int, str, bytes, tuple))):
        return bool(value.raw)
    if isinstance(test, ast.Name) and test.id in frame.values:
        found = _truth_of(frame.values[test.id])
        if found is not None:
            return found
    return cors_switch(frame, test, read_of)


def _truth_of(alternatives: list[Alternative]) -> Decided:
    """A local bound under conditions (`vary = b""`, then `vary = b"Origin"` under `if
    allowed:`): true where a truthy value was bound."""
    values = [a.value for a in alternatives]
    if any(isinstance(v, Read) for v in values):
        return _truth_with_reads(alternatives)
    if not all(isinstance(v, Value) and v.known and not isinstance(v.raw, dict) for v in values):
        return None
    truthy = [a for a in alternatives if isinstance(a.value, Value) and a.value.raw]
    if not truthy or len(truthy) == len(alternatives):
        return bool(truthy)
    parts = [conjoin(list(a.when)) for a in truthy]
    if any(part is None or not part or "?" in part for part in parts):
        return None
    return disjoin([part for part in parts if part is not None])


def _truth_with_reads(alternatives: list[Alternative]) -> Decided:
    """A getter's result (`allowed = self._get_allowed_origin(origin)`: the Origin where
    the list holds it, else `""`): true where a truthy value, or a header the request
    carries, was bound."""
    parts: list[str | None] = []
    for alternative in alternatives:
        value = alternative.value
        if isinstance(value, Read):
            truth = _presence(value)
        elif isinstance(value, Value) and value.known and not isinstance(value.raw, dict):
            truth = bool(value.raw)
        else:
            return None
        if truth is None:
            return None
        if truth is not False:
            atoms = [*alternative.when, *([truth] if isinstance(truth, str) else [])]
            parts.append(conjoin(atoms) if atoms else None)
    if not parts:
        return False
    if any(part is None for part in parts):
        return True if len(parts) == len(alternatives) and all(p is None for p in parts) else None
    if any(part is None or not part or "?" in part for part in parts):
        return None
    return disjoin([part for part in parts if part is not None])


def _intersection(frame: Frame, steps: Steps, test: ast.BinOp) -> Decided:
    """`{"*", origin} & ALLOWED`: true when ALLOWED holds the Origin or one of the
    literals beside it (a `*` listed lets every origin in)."""
    for mine, other in ((test.left, test.right), (test.right, test.left)):
        if not isinstance(mine, ast.Set):
            continue
        origins = [e for e in mine.elts if _is_origin(frame, e)]
        literals = [frame.resolve(e) for e in mine.elts if not _is_origin(frame, e)]
        listed = frame.resolve(other)
        if len(origins) != 1 or not all(v.known for v in literals) or not listed.known:
            return None
        entries = _entries(listed)
        if entries is None:
            return None
        if any(v.raw in entries for v in literals):
            return True
        return _guard(frame, steps, test, listed, "equal")
    return None


def _combined(frame: Frame, steps: Steps, test: ast.BoolOp) -> Decided:
    merged = merged_guard(frame, steps, test, condition)
    if merged is not None:
        return merged  # `origin in LISTED or re.fullmatch(PATTERN, origin)`: one guard
    conjunction = isinstance(test.op, ast.And)
    parts: list[str] = []
    for operand in test.values:
        found = condition(frame, steps, operand)
        if found is None:
            return None
        if isinstance(found, bool):
            if found != conjunction:  # False in an `and`, True in an `or` settles it
                return found
            continue
        parts.append(found)
    if not parts:
        return conjunction
    return conjoin(parts) if conjunction else disjoin(parts)


def _presence(read: Read) -> Decided:
    """A read's truth: whether the request carries the header (or the default's truth)."""
    if read.default is not None and not read.missing_error:
        if not read.default.known:
            return None
        if read.default.raw:
            return True
    atom = {
        "origin": "ORIGIN",
        REFERER_OR_ORIGIN: "ORIGIN",
        "access-control-request-method": "ACRM",
        "access-control-request-headers": "ACRH",
    }.get(read.source)
    return atom


def _comparison(frame: Frame, steps: Steps, test: ast.Compare) -> Decided:
    left, operator, right = test.left, test.ops[0], test.comparators[0]
    counted = counted_text(test)
    if counted is not None and (read := read_of(frame, counted[0])) is not None and read.source == "origin":
        return _contains(frame, steps, test, counted[1], counted[2], read)
    kind = message_type(frame, left)
    if kind is not None and isinstance(operator, (ast.Eq, ast.NotEq, ast.In, ast.NotIn)):
        compared = frame.resolve(right)
        if compared.known:
            plain = compared.raw if isinstance(compared.raw, str) else tuple(v.raw for v in compared.entries)
            equal = kind == plain if isinstance(operator, (ast.Eq, ast.NotEq)) else kind in plain
            return equal if isinstance(operator, (ast.Eq, ast.In)) else not equal
    for side, other in ((left, right), (right, left)):
        seen = method_side(frame, side)
        if seen is not None:
            return _method_test(frame, seen, operator, other, side is left)
    if isinstance(operator, (ast.Is, ast.IsNot, ast.Eq, ast.NotEq)) and _is_none(right):
        read = read_of(frame, left)
        if read is None:
            # `if origins is None:` over a parameter bound to its default
            bound = frame.resolve(left) if isinstance(left, ast.Name) and left.id in frame.values else None
            if bound is None or not bound.known:
                return None
            return (bound.raw is None) == isinstance(operator, (ast.Is, ast.Eq))
        present = _presence(read)
        if present is None or isinstance(present, bool):
            return None if present is None else present == isinstance(operator, (ast.IsNot, ast.NotEq))
        return present if isinstance(operator, (ast.IsNot, ast.NotEq)) else negate(present)
    if isinstance(operator, (ast.In, ast.NotIn)):
        container = unwrap(right)
        if (
            isinstance(container, ast.Call)
            and isinstance(container.func, ast.Attribute)
            and not container.args
        ):
            container = (
                container.func.value if container.func.attr == "keys" else container
            )  # `in headers.keys()`
        environs = (
            {"headers", "META", "environ", "env"} if frame.kind == "webpy" else {"headers", "META", "environ"}
        )
        if isinstance(container, ast.Attribute) and container.attr in environs:
            source = header_key(frame, container, left)
            if source is None:
                return None
            atom = _presence(Read(source))
            if not isinstance(atom, str):
                return None
            return atom if isinstance(operator, ast.In) else negate(atom)
    absent = _default_test(frame, left, operator, right)
    if absent is not None:
        return absent
    known = _known_comparison(frame, left, operator, right)
    if known is not None:
        return known
    if isinstance(operator, (ast.In, ast.NotIn, ast.Eq, ast.NotEq)):
        for side, other in ((left, right), (right, left)):
            read = read_of(frame, side)
            if read is None or read.source != "origin":
                continue
            if isinstance(operator, (ast.In, ast.NotIn)) and side is right:
                return _contains(frame, steps, test, other, isinstance(operator, ast.In), read)
            listed = frame.resolve(other)
            if isinstance(operator, (ast.Eq, ast.NotEq)) and listed.known:
                listed = Value((listed,), listed.location, listed.provenance, listed.env_var)
            atom = _guard(frame, steps, test, listed, "equal")
            if atom is None:
                return None
            return atom if isinstance(operator, (ast.In, ast.Eq)) else negate(atom)
    return None


def _known_comparison(frame: Frame, left: ast.expr, operator: ast.cmpop, right: ast.expr) -> bool | None:
    """`"*" in self.allow_origins` over values known here (class_options.py)."""
    if not isinstance(operator, (ast.In, ast.NotIn)) or read_of(frame, left) or read_of(frame, right):
        return None
    first, second = frame.resolve(left), frame.resolve(right)
    if not (first.known and second.known and isinstance(second.raw, tuple) and isinstance(first.raw, str)):
        return None
    try:
        found = first.plain() in second.plain()
    except Exception:  # an entry the resolver only partly knows
        return None
    return found == isinstance(operator, ast.In)


def _contains(frame: Frame, steps: Steps, test: ast.expr, text: ast.expr, holds: bool, read: Read) -> Decided:
    """`"shop.example.com" in origin`: a regex search for the text (see substring_tests.py);
    without an Origin the read's default is searched (`"".count("") == 1`)."""
    found = frame.resolve(text)
    if not (found.known and isinstance(found.raw, str)):
        return None
    entry = Value(Regex(re.escape(found.raw)), found.location, found.provenance, found.env_var)
    atom = _guard(frame, steps, test, Value((entry,), found.location, found.provenance), "search")
    if atom is None:
        return None
    default = read.default.raw if read.default is not None and read.default.known else None
    if isinstance(default, str) and found.raw in default:
        atom = f"{atom}|!ORIGIN"
    return atom if holds else negate(atom)


def _default_test(frame: Frame, left: ast.expr, operator: ast.cmpop, right: ast.expr) -> Decided:
    """`origin == "*"` after `origin = headers.get("Origin", "*")`: the request has no
    Origin (a browser never sends a value without `://` but `null`, which is no default)."""
    if not isinstance(operator, (ast.Eq, ast.NotEq)):
        return None
    read = read_of(frame, left)
    if read is None or read.source not in {"origin", REFERER_OR_ORIGIN} or read.default is None:
        return None
    compared = frame.resolve(right)
    if not (compared.known and read.default.known and isinstance(compared.raw, str)):
        return None
    if compared.raw != read.default.raw or "://" in compared.raw or compared.raw == "null":
        return None
    return "!ORIGIN" if isinstance(operator, ast.Eq) else "ORIGIN"


# aiohttp's method names (`hdrs.METH_OPTIONS`; aiohttp 1-2 also exposed `web.hdrs`)
_METHOD_CONSTANT_MODULES = ("aiohttp.hdrs.METH_", "aiohttp.web.hdrs.METH_")


def _library_method_constant(frame: Frame, node: ast.expr) -> str | None:
    """`hdrs.METH_OPTIONS` -> "OPTIONS": a library's constant for a method name."""
    qualified = frame.module.qualified_name(unwrap(node)) or ""
    for prefix in _METHOD_CONSTANT_MODULES:
        method = qualified.removeprefix(prefix)
        if method != qualified and method in METHODS:
            return method
    return None


def _method_test(
    frame: Frame, seen: Callable[[str], str], operator: ast.cmpop, other: ast.expr, method_left: bool
) -> Decided:
    constant = _library_method_constant(frame, other)
    value = frame.resolve(other) if constant is None else None
    if value is not None and not value.known:
        return None
    try:
        plain = value.plain() if value is not None else constant
    except Exception:
        return None
    results: dict[str, bool] = {}
    for method in METHODS:
        text = seen(method)
        if isinstance(operator, (ast.Eq, ast.NotEq)):
            result = text == plain
        elif isinstance(operator, (ast.In, ast.NotIn)) and method_left and isinstance(plain, (tuple, str)):
            result = text in plain
        else:
            return None
        results[method] = result if isinstance(operator, (ast.Eq, ast.In)) else not result
    passing = [method for method, result in results.items() if result]
    if len(passing) == len(METHODS):
        return True
    if not passing:
        return False
    if passing == ["OPTIONS"]:
        return "OPTIONS"
    if "OPTIONS" not in passing and len(passing) == len(METHODS) - 1:
        return "!OPTIONS"
    return "METHOD:" + ",".join(passing)


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _guard(frame: Frame, steps: Steps, test: ast.expr, listed: Value, match: str) -> str | None:
    """Record the allow-list an `ALLOWED` condition tests; one per layer."""
    source = f"{match}:{frame.module.source(test)}"
    if steps.guard is not None and steps.guard_source != source:
        existing = steps.guard
        if not (
            existing.known
            and listed.known
            and isinstance(existing.raw, FunctionValue)
            and _entries(listed) == tuple(v.raw for v in existing.raw.allowed)
            and steps.guard_match == match
        ):
            return None
        return "ALLOWED"
    if listed.known:
        if isinstance(listed.raw, str):
            return None  # `origin in "https://a.example"`: a substring test
        entries = _entry_values(listed)
        if entries is None:
            return None
        guard = Value(FunctionValue("allow-list", entries), frame.module.location(test))
    else:
        guard = listed
    steps.guard, steps.guard_match, steps.guard_source = guard, match, source
    return "ALLOWED"


def _entry_values(listed: Value) -> tuple[Value, ...] | None:
    raw = listed.raw
    if isinstance(raw, tuple):
        return raw
    if isinstance(raw, dict):
        return tuple(Value(key, listed.location, listed.provenance, listed.env_var) for key in raw)
    return None


def _entries(listed: Value) -> tuple[object, ...] | None:
    values = _entry_values(listed)
    return None if values is None else tuple(v.raw for v in values)


def _guard_call(frame: Frame, steps: Steps, call: ast.Call) -> Decided:
    """`re.match(P, origin)`, `PATTERN.match(origin)`, `origin.endswith(S)`, and the
    same over a list: `any(re.match(p, origin) for p in PATTERNS)`."""
    qualified = frame.module.qualified_name(call.func) or ""
    args = [arg for arg in call.args if not isinstance(arg, ast.Starred)]
    if qualified in _REGEX_CALLS and len(args) >= 2 and _is_origin(frame, args[1]):
        pattern = frame.resolve(args[0])
        return _guard(frame, steps, call, _as_patterns(pattern), _REGEX_CALLS[qualified])
    if qualified in _GLOB_CALLS and len(args) == 2 and _is_origin(frame, args[0]):
        pattern = frame.resolve(args[1])
        if pattern.known and isinstance(pattern.raw, str):
            pattern = Value((pattern,), pattern.location, pattern.provenance, pattern.env_var)
        return _guard(frame, steps, call, pattern, "fnmatch")
    if isinstance(call.func, ast.Attribute) and args:
        method = call.func.attr
        if method in {"match", "search", "fullmatch"} and _is_origin(frame, args[0]):
            compiled = frame.resolve(call.func.value)
            if compiled.known and isinstance(compiled.raw, Regex):
                return _guard(frame, steps, call, _as_patterns(compiled), method)
        if method == "endswith" and _is_origin(frame, call.func.value):
            suffixes = frame.resolve(args[0])
            if suffixes.known and isinstance(suffixes.raw, str):
                suffixes = Value((suffixes,), suffixes.location)
            return _guard(frame, steps, call, suffixes, "suffix")
    if dotted(call.func) == "any" and len(args) == 1 and isinstance(args[0], ast.GeneratorExp):
        return _any_guard(frame, steps, call, args[0])
    return None


_CHECK_WORDS = re.compile(r"origin|allow|trust|permit|whitelist", re.IGNORECASE)


def _origin_check(frame: Frame, steps: Steps, call: ast.Call) -> Decided:
    """`request.check_origin(origin)`, `is_allowed_origin(origin)`: a project function
    handed the Origin decides which origins pass; its allow-list is not known here
    (nextgis/nextgisweb's tween, a request method added by `config.add_request_method`)."""
    arguments = [*call.args, *(keyword.value for keyword in call.keywords)]
    name = dotted(call.func).rsplit(".", 1)[-1]
    if not _CHECK_WORDS.search(name):
        return None
    if name.lstrip("_").startswith("get"):
        # `self._get_allow_origin(origin)`: a getter, whose returned value is read as such
        # (ConceptCodes/bridge src/middleware/cors.py), not a yes/no check
        return None
    if not any(_is_origin(frame, argument) for argument in arguments):
        return None
    return _guard(frame, steps, call, frame.module.unknown(call), "equal")


def _any_guard(frame: Frame, steps: Steps, call: ast.Call, generator: ast.GeneratorExp) -> Decided:
    if len(generator.generators) != 1 or generator.generators[0].ifs:
        return None
    clause = generator.generators[0]
    if not isinstance(clause.target, ast.Name):
        return None
    variable = clause.target.id
    element = generator.elt
    listed = frame.resolve(clause.iter)
    if isinstance(element, ast.Call):
        qualified = frame.module.qualified_name(element.func) or ""
        args = element.args
        if (
            qualified in _REGEX_CALLS
            and len(args) >= 2
            and dotted(args[0]) == variable
            and _is_origin(frame, args[1])
        ):
            return _guard(frame, steps, call, _as_patterns(listed), _REGEX_CALLS[qualified])
        if (
            qualified in _GLOB_CALLS
            and len(args) == 2
            and dotted(args[1]) == variable
            and _is_origin(frame, args[0])
        ):
            return _guard(frame, steps, call, listed, "fnmatch")
        if (
            isinstance(element.func, ast.Attribute)
            and element.func.attr == "endswith"
            and len(args) == 1
            and dotted(args[0]) == variable
            and _is_origin(frame, element.func.value)
        ):
            return _guard(frame, steps, call, listed, "suffix")
    if (
        isinstance(element, ast.Compare)
        and isinstance(element.ops[0], ast.Eq)
        and {dotted(element.left), dotted(element.comparators[0])} & {variable}
    ):
        other = element.comparators[0] if dotted(element.left) == variable else element.left
        if _is_origin(frame, other):
            return _guard(frame, steps, call, listed, "equal")
    return None


def _is_origin(frame: Frame, node: ast.expr) -> bool:
    read = read_of(frame, node)
    return read is not None and read.source == "origin"


def _as_patterns(value: Value) -> Value:
    """Pattern strings as `Regex` entries (a compiled pattern keeps its flags)."""
    if not value.known:
        return value
    items: tuple[Value, ...] = value.raw if isinstance(value.raw, tuple) else (value,)
    converted: list[Value] = []
    for item in items:
        if not item.known:
            return item
        raw = (
            item.raw
            if isinstance(item.raw, Regex)
            else Regex(item.raw)
            if isinstance(item.raw, str)
            else None
        )
        if raw is None:
            return Value(None, item.location, item.provenance.__class__.UNKNOWN, description="a pattern")
        converted.append(Value(raw, item.location, item.provenance, item.env_var, related=item.related))
    return Value(tuple(converted), value.location, value.provenance, value.env_var, related=value.related)


def searched(frame: Frame, steps: Steps, loop: ast.For | ast.AsyncFor, when: tuple[str, ...]) -> bool:
    """`for p in ALLOWED: if match(p, origin): found = True; break`, read as `found =
    any(...)`: kept as a condition for a later `if found:`. True when it was."""
    found = loop_as_any(loop)
    if found is None:
        return False
    name, test = found
    decided = condition(frame, steps, test)
    if not isinstance(decided, str):
        return False
    frame.conditions[name] = conjoin([*frame.relative(when), decided]) or "?"
    return True
