"""What the interpreter knows while it reads one function: the names that hold the
request, the response in flight and the local values, and the steps found so far."""

from __future__ import annotations

import ast
import weakref
from dataclasses import dataclass, field

from corslint.extractors.python import PythonModule, Scope
from corslint.extractors.python.module_finals import with_module_finals
from corslint.model import Location, Provenance, Value


@dataclass(frozen=True)
class Read:
    """A request header read by the code: ``request.headers.get("Origin", "*")``.

    ``default`` is what the read gives when the request lacks the header (None: Python's
    None, as ``.get(name)`` gives); ``missing_error``: a subscript, which raises then.
    """

    source: str  # the header, lower case: "origin", "access-control-request-headers"
    default: Value | None = None
    missing_error: bool = False
    # "scheme://netloc": taken apart with urlsplit and put back (`null` becomes `://`)
    rebuilt: bool = False


@dataclass(frozen=True)
class Alternative:
    """One value a local name may hold, and the conditions under which it holds it."""

    when: tuple[str, ...]
    value: Value | Read


# a header put in a local dict before the dict becomes a response's headers:
# (the header, its values, the conditions it was put under, where, the value's expression)
BagEntry = tuple[ast.expr | str, list[Alternative], tuple[str, ...], Location, ast.expr | None]


@dataclass
class Steps:
    """The steps of one CORS layer, in the order the framework runs them."""

    steps: dict[str, Value] = field(default_factory=dict)
    guard: Value | None = None
    guard_match: str = "equal"
    guard_source: str = ""  # the test text the guard came from: a second, different one is undecidable
    condition: Value | None = None  # the first test corslint could not decide
    # the first undecided test an answer (a status, not a header) depends on: the condition
    # reported when no header is written under one (sagecell's `if requires_tos ...:
    # set_status(403)`, or a response made in one arm: `resp = make_response(body, status)`)
    answer_condition: Value | None = None
    # undecidable tests of every phase, by their marker in `when` (`?3`); `chosen`: the
    # markers of tests the request's own arguments decide (request_arguments.py)
    tests: dict[str, Value] = field(default_factory=dict)
    chosen: dict[str, str] = field(default_factory=dict)  # where the test is -> its marker

    def add(self, key: str, step: Value) -> None:
        name, number = key, 2
        while name in self.steps:
            name = f"{key} #{number}"
            number += 1
        self.steps[name] = step

    def undecided_at(self, test: Value, header: bool = True) -> None:
        """The first undecidable test that a step depends on (`test`: where it is, and its
        text); a header's test before an answer's, whichever comes first in the code."""
        if header and self.condition is None:
            self.condition = Value(
                None,
                test.location,
                Provenance.UNKNOWN,
                description=f"headers written under `if {test.description}`",
            )
        elif not header and self.answer_condition is None:
            self.answer_condition = Value(
                None,
                test.location,
                Provenance.UNKNOWN,
                description=f"the answer made under `if {test.description}`",
            )


@dataclass
class Frame:
    """One function being read: which names are the request, the response in flight,
    calls that hand the request on (and give back the routes' response), and locals."""

    module: PythonModule
    kind: str  # flask, django, starlette, tornado
    requests: frozenset[str]  # dotted names of the request object: "request", "self.request"
    responses: set[str] = field(default_factory=set)  # dotted names of the response in flight
    header_names: set[str] = field(default_factory=set)  # `h = response.headers`
    next_calls: frozenset[str] = frozenset()  # "self.get_response", "call_next", the wrapped view
    self_writes: bool = False  # Tornado: `self.set_header` writes onto the response
    answers_on_return: bool = False  # a `before_request` hook: what it returns is the answer
    values: dict[str, list[Alternative]] = field(default_factory=dict)
    conditions: dict[str, str] = field(default_factory=dict)  # `allowed = origin in ALLOWED`
    parsed: dict[str, Read] = field(default_factory=dict)  # `parsed = urlparse(origin)`
    # a local dict of headers before it becomes a response's: (header, values, when, where)
    bags: dict[str, list[BagEntry]] = field(default_factory=dict)
    missing_status: int = 500  # what a subscript read of a missing request header answers
    base: tuple[str, ...] = ()  # the conditions every step of this function runs under
    relocate: Location | None = None  # steps of shared code are reported where it is used
    use_site: Location | None = None  # a decorator factory's use: values of `use_names` go there
    use_names: frozenset[str] = frozenset()
    depth: int = 0
    inlined: set[str] = field(default_factory=set)  # helpers being read, against recursion
    # reading a function for what it returns (`get_methods()`): nothing is written then
    returns: list[Alternative] | None = None
    route_methods: tuple[str, ...] | None = None  # the view's methods, for Flask's `Allow`
    local_functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = field(default_factory=dict)
    routes_raise: bool = False  # aiohttp: the routes' call raises a 405 for unrouted OPTIONS
    # ASGI: the `send` parameter (a response it sends answers the request), and names of
    # the `http.response.start` message a send wrapper adds headers to
    send: str = ""
    messages: frozenset[str] = frozenset()
    known: dict[str, Value] = field(default_factory=dict)  # `settings.X` of the project's settings
    first_writer: bool = False  # see `Phase.first_writer`
    wsgi_start: str = ""  # see `Phase.wsgi_start`
    method_names: set[str] = field(default_factory=set)  # `method = environ["REQUEST_METHOD"]`
    status_free: bool = False  # answers made here are not recorded (see `Phase.status_free`)
    # a helper whose return value is a Flask return tuple's headers (tuple_headers.py)
    headers_returned: bool = False
    # the operator's setting left unset that decided the test around these writes
    # (operator_settings.py): `self.settings['headers']`
    assumed: str = ""
    # locals bound to the request's own arguments (request_arguments.py)
    chosen_names: set[str] = field(default_factory=set)
    # locals bound to the requested path (path_choices.py)
    path_names: set[str] = field(default_factory=set)

    def relative(self, when: tuple[str, ...]) -> tuple[str, ...]:
        """The conditions this function added to its base ones."""
        return when[len(self.base) :]

    def scope(self) -> Scope:
        """The locals that hold one known value, for the resolver."""
        known: dict[str, Value] = {}
        for name, alternatives in self.values.items():
            if len(alternatives) == 1 and isinstance(alternatives[0].value, Value):
                known[name] = alternatives[0].value  # see `resolve`
        return Scope(known)

    def resolve(self, node: ast.expr) -> Value:
        if self.known and isinstance(node, ast.Attribute) and dotted(node) in self.known:
            return self.known[dotted(node)]
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"encode", "decode"}
            and len(node.args) <= 1
            and not node.keywords
        ):
            inner = self.resolve(node.func.value)  # `self.methods.encode()`: the same text
            raw = inner.raw.decode("latin-1") if inner.known and isinstance(inner.raw, bytes) else inner.raw
            if inner.known and isinstance(raw, str):
                return Value(raw, inner.location, inner.provenance, inner.env_var)
        if isinstance(node, ast.Constant) and isinstance(node.value, bytes):
            # ASGI header names and values, kept as the text they stand for (the results
            # cache stores text, and the model compares text)
            return Value(node.value.decode("latin-1"), self.module.location(node))
        if isinstance(node, ast.Name) and node.id in self.values:
            alternatives = self.values[node.id]
            # one value, even if bound under a condition (`if OPTIONS: allowed = [...]`):
            # a local has no other value where it can be read without an error
            if len(alternatives) == 1 and isinstance(alternatives[0].value, Value):
                return alternatives[0].value
            return self.module.unknown(node)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "join"
            and len(node.args) == 1
            and not node.keywords
        ):
            return self._joined(node)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            return self._union(node)
        split = _split_text(self, node)
        if split is not None:
            return split
        if (
            isinstance(node, ast.Call)
            and dotted(node.func) == "str"
            and len(node.args) == 1
            and not node.keywords
        ):
            inner = self.resolve(node.args[0])  # `str(self.max_age)` of a known number
            if inner.known and isinstance(inner.raw, (int, str)) and not isinstance(inner.raw, bool):
                return Value(str(inner.raw), inner.location, inner.provenance, inner.env_var)
        if (
            isinstance(node, ast.Call)
            and dotted(node.func) == "getattr"
            and len(node.args) == 3
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
            and not self.is_request(node.args[0])  # set per request (PY8B), not configuration
            and not self.module.resolve(node).known
        ):
            # `getattr(self.server, "cors_origins", ["*"])` (nicolargo/glances server.py): the
            # attribute comes from configuration not read here; judged on its default, and
            # said to be so ("when cors_origins is unset")
            default = self.resolve(node.args[2])
            if default.known:
                return Value(default.raw, default.location, default.provenance, node.args[1].value)
        setting = self._setting_default(node)
        if setting is not None:
            return setting
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"sorted", "set", "list", "tuple", "frozenset"}
            and len(node.args) == 1
            and not node.keywords
            and isinstance(node.args[0], (ast.BinOp, ast.Call))
        ):
            inner = self.resolve(node.args[0])
            if inner.known and isinstance(inner.raw, tuple):
                items = (
                    tuple(sorted(inner.raw, key=lambda v: repr(v.raw)))
                    if node.func.id == "sorted"
                    else inner.raw
                )
                return Value(items, self.module.location(node), inner.provenance, inner.env_var)
        if self._mentions_undecided_local(node):
            return self.module.unknown(node)
        scope = self.scope()
        found = self.module.resolve(node, scope)
        if not found.known:  # a module name bound in two arms, read once the module has run
            finals = with_module_finals(self.module, node, scope)
            found = found if finals is scope else self.module.resolve(node, finals)
        partial = found.known and isinstance(found.raw, tuple) and not all(v.known for v in found.raw)
        if (partial or not found.known) and isinstance(node, ast.Name) and self.kind == "asgi":
            bound = self.module.binding(node.id)
            literal = _byte_literals(self.module, bound[1]) if bound is not None else None
            if literal is not None:
                return literal  # `TRUSTED = (b"https://a.example.com", ...)`: the resolver leaves bytes
        return found

    def _setting_default(self, node: ast.expr) -> Value | None:
        """`request.app["settings"].get("domain", "")`, `self.config.get("origin", "*")`: a
        setting of the app's configuration, not read here, judged on its default as
        `getattr(..., default)` is ("when domain is unset"; webdeveloppro/aiohttp_boilerplate
        reads `request.app.conf.get('domain', '')`). Not a request's own data."""
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
            and len(node.args) == 2
            and not node.keywords
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and _names_configuration(self, node.func.value)
            and not _flask_app_config(node.func.value)
            and not self.module.resolve(node.func.value).known
        ):
            return None
        default = self.resolve(node.args[1])
        if not default.known:
            return None
        return Value(default.raw, default.location, default.provenance, node.args[0].value)

    def _mentions_undecided_local(self, node: ast.expr) -> bool:
        """Whether `node` reads a local that holds several values here (`route = ch` under
        one condition, `route = dict()` under the other): the module's resolver would
        read the name as one of its assignments, as if it always held that one."""
        if not self.values:
            return False
        return any(
            isinstance(inner, ast.Name)
            and inner.id in self.values
            and not (len(self.values[inner.id]) == 1 and isinstance(self.values[inner.id][0].value, Value))
            for inner in ast.walk(node)
        )

    def _union(self, node: ast.BinOp) -> Value:
        """`set(methods) | {"OPTIONS"}`: the items of both, once each, in order."""
        left, right = self.resolve(node.left), self.resolve(node.right)
        if not (left.known and right.known and isinstance(left.raw, tuple) and isinstance(right.raw, tuple)):
            return self.module.unknown(node)
        items: dict[object, Value] = {}
        for item in (*left.raw, *right.raw):
            if not item.known:
                return self.module.unknown(node)
            items.setdefault(item.raw, item)
        return Value(tuple(items.values()), self.module.location(node), left.provenance, left.env_var)

    def _joined(self, node: ast.Call) -> Value:
        """`", ".join(methods)`: the shared resolver leaves `join` to its callers."""
        assert isinstance(node.func, ast.Attribute)
        separator = self.resolve(node.func.value)
        items = self.resolve(node.args[0])
        if separator.known and isinstance(separator.raw, str) and items.known and isinstance(items.raw, str):
            # a string is joined character by character: `", ".join("*")` is "*"
            text = separator.raw.join(items.raw)
            return Value(
                text, self.module.location(node), items.provenance, items.env_var, related=items.related
            )
        if not (
            separator.known
            and isinstance(separator.raw, str)
            and items.known
            and isinstance(items.raw, tuple)
        ):
            return self.module.unknown(node)
        if not all(item.known and isinstance(item.raw, str) for item in items.raw):
            return self.module.unknown(node)
        text = separator.raw.join(item.raw for item in items.raw)
        return Value(text, self.module.location(node), items.provenance, items.env_var, related=items.related)

    def is_request(self, node: ast.expr) -> bool:
        name = dotted(node)
        if name and name in self.requests:
            return True
        if self.kind != "flask":
            return False
        qualified = self.module.qualified_name(node) or ""
        return qualified in {"flask.request", "quart.request"} or (
            qualified.endswith(".request") and request_proxy(self.module, qualified)
        )

    def is_response(self, node: ast.expr) -> bool:
        name = dotted(node)
        return bool(name) and name in self.responses


_CONFIGURATION_WORDS = ("settings", "config", "conf")


def _flask_app_config(node: ast.expr) -> bool:
    """`app.config` / `current_app.config` of Flask or Quart: filled by `from_object`,
    `from_pyfile`, `from_envvar` or `update` in modules this frame does not read, so a
    `.get(KEY, default)` there is not known to fall back to its default."""
    return dotted(node).split(".")[-2:] in (["app", "config"], ["current_app", "config"])


def _names_configuration(frame: Frame, node: ast.expr) -> bool:
    """An app's configuration: `request.app[...]` / `request.config_dict[...]` (aiohttp),
    or a name or attribute called settings / config / conf (`self.settings`, `app.conf`)."""
    parts: list[str] = []
    current = node
    while isinstance(current, (ast.Attribute, ast.Subscript)):
        if isinstance(current, ast.Attribute):
            parts.append(current.attr)
        elif isinstance(current.slice, ast.Constant) and isinstance(current.slice.value, str):
            parts.append(current.slice.value)
        current = current.value
    if not isinstance(current, ast.Name):
        return False
    if frame.is_request(current) or current.id in frame.requests:
        return bool(parts) and parts[-1] in {"app", "config_dict"}  # the request's app, not its data
    names = [current.id, *parts]
    return any(word in names[-1].lower() for word in _CONFIGURATION_WORDS) or any(
        name.lower() in _CONFIGURATION_WORDS for name in names
    )


def dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr}" if base else ""
    return ""


def unwrap(node: ast.expr) -> ast.expr:
    """`await x` -> x."""
    while isinstance(node, ast.Await):
        node = node.value
    return node


def negate(condition: str) -> str:
    """The condition's negation, flat: `!(A&B)` is `!A|!B`."""
    if condition == "?":
        return "?"
    if "&" in condition:
        return "|".join(negate(part) for part in condition.split("&"))
    if "|" in condition:
        return "&".join(negate(part) for part in condition.split("|"))
    return condition[1:] if condition.startswith("!") else f"!{condition}"


def conjoin(parts: list[str]) -> str | None:
    """`A & B & ...` as one flat condition; None when it would need nesting."""
    if any("|" in part for part in parts) and len(parts) > 1:
        return None
    return "&".join(parts)


def disjoin(parts: list[str]) -> str | None:
    if any("&" in part for part in parts) and len(parts) > 1:
        return None
    return "|".join(parts)


def loop_rows(frame: Frame, loop: ast.For | ast.AsyncFor) -> tuple[list[str], list[tuple[Value, ...]]] | None:
    """`for name, value in CORS_HEADERS.items():` over a known mapping or list: the loop's
    names and the values they take, row by row (None: not known)."""
    iterable = unwrap(loop.iter)
    rows: list[tuple[Value, ...]] = []
    if (
        isinstance(iterable, ast.Call)
        and isinstance(iterable.func, ast.Attribute)
        and iterable.func.attr == "items"
        and not iterable.args
    ):
        mapping = frame.resolve(iterable.func.value)
        if not (mapping.known and isinstance(mapping.raw, dict)):
            return None
        rows = [(Value(key, mapping.location), item) for key, item in mapping.raw.items()]
    else:
        listed = frame.resolve(iterable)
        if not (listed.known and isinstance(listed.raw, tuple)):
            return None
        for item in listed.raw:
            rows.append(tuple(item.raw) if item.known and isinstance(item.raw, tuple) else (item,))
    target = loop.target
    names = [dotted(t) for t in target.elts] if isinstance(target, ast.Tuple) else [dotted(target)]
    return names, rows


def _byte_literals(module: PythonModule, node: ast.expr) -> Value | None:
    """A literal list, tuple or set of bytes and strings."""
    if not isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return None
    items = [
        Value(
            item.value.decode("latin-1") if isinstance(item.value, bytes) else item.value,
            module.location(item),
        )
        for item in node.elts
        if isinstance(item, ast.Constant) and isinstance(item.value, (bytes, str))
    ]
    return Value(tuple(items), module.location(node)) if len(items) == len(node.elts) else None


def loop_as_any(loop: ast.For | ast.AsyncFor) -> tuple[str, ast.Call] | None:
    """`for p in PATTERNS: if test(p): found = True; break`: the name it sets, and the
    loop as the `any(test(p) for p in PATTERNS)` it amounts to."""
    body = loop.body
    if loop.orelse or len(body) != 1 or not isinstance(body[0], ast.If) or body[0].orelse:
        return None
    inner = body[0].body
    if not (
        len(inner) == 2
        and isinstance(inner[0], ast.Assign)
        and len(inner[0].targets) == 1
        and isinstance(inner[0].targets[0], ast.Name)
        and isinstance(inner[0].value, ast.Constant)
        and inner[0].value.value is True
        and isinstance(inner[1], ast.Break)
    ):
        return None
    clause = ast.comprehension(target=loop.target, iter=loop.iter, ifs=[], is_async=0)
    call = ast.Call(
        func=ast.Name("any", ast.Load()),
        args=[ast.GeneratorExp(elt=body[0].test, generators=[clause])],
        keywords=[],
    )
    return inner[0].targets[0].id, ast.copy_location(call, body[0].test)


_PROXIES: weakref.WeakKeyDictionary[PythonModule, dict[str, bool]] = weakref.WeakKeyDictionary()


def request_proxy(module: PythonModule, qualified: str) -> bool:
    """`from ckan.common import request`: the project's own `request = CKANRequest(_get_request)`,
    a Werkzeug `LocalProxy` (or a subclass of it) standing for Flask's request
    (ckan/ckan ckan/views/__init__.py)."""
    known = _PROXIES.setdefault(module, {})
    if qualified not in known:
        known[qualified] = _is_request_proxy(module, qualified)
    return known[qualified]


def _is_request_proxy(module: PythonModule, qualified: str) -> bool:
    if module.project is None or qualified.startswith(("flask.", "werkzeug.")):
        return False
    found = module.project.lookup(module, qualified)
    if found is None:
        return False
    home, name = found
    bound = next(
        (
            s.value
            for s in home.tree.body
            if isinstance(s, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in s.targets)
        ),
        None,
    )
    if not isinstance(bound, ast.Call):
        return False
    if _local_proxy(home, bound.func):
        return True
    made = next(
        (c for c in home.tree.body if isinstance(c, ast.ClassDef) and c.name == dotted(bound.func)), None
    )
    return made is not None and any(_local_proxy(home, base) for base in made.bases)


def _local_proxy(module: PythonModule, node: ast.expr) -> bool:
    target = node.value if isinstance(node, ast.Subscript) else node  # `LocalProxy[Request]`
    return (module.qualified_name(target) or "") in {"werkzeug.local.LocalProxy", "werkzeug.LocalProxy"}


def _split_text(frame: Frame, node: ast.expr) -> Value | None:
    """`text.split()` and Pyramid's `aslist(text)` of a text the frame knows (a setting's
    default: `aslist(registry.settings.get("cors.origins", "*"))`): its words."""
    if not isinstance(node, ast.Call) or node.keywords:
        return None
    if isinstance(node.func, ast.Attribute) and node.func.attr == "split" and not node.args:
        inner = frame.resolve(node.func.value)
    elif (frame.module.qualified_name(node.func) or "") == "pyramid.settings.aslist" and len(node.args) == 1:
        inner = frame.resolve(node.args[0])
    else:
        return None
    if not (inner.known and isinstance(inner.raw, str)):
        return None
    words = tuple(Value(word, inner.location, inner.provenance, inner.env_var) for word in inner.raw.split())
    return Value(words, frame.module.location(node), inner.provenance, inner.env_var)
