"""Access-Control-* headers written by hand in Python web applications.

As for hand-written Express headers (express_headers.py), the extractor turns the code
into ordered steps and `respond` replays them for a request. The code of one CORS layer
(a Flask ``after_request`` hook, a Django middleware, a Starlette ``dispatch``, a
Tornado handler's ``set_default_headers`` and ``options``) runs in the order the
framework runs it. Options:

- a header step, keyed by the header it writes (``"Access-Control-Allow-Origin"``, a
  second write ``"... #2"``): a mapping of ``value`` (a string, number, bool, None, or a
  `HeaderReflection` of a request header), ``writer`` (``set`` replaces, ``add`` adds a
  line, ``setdefault`` writes only where the header is absent, ``vary`` merges into
  Vary, ``remove`` deletes), ``when`` (the conditions under which the step runs, see
  `holds`), and for a reflection ``default`` (what ``.get(name, default)`` gives when
  the request lacks the header; None for ``.get(name)``) or ``missing``, the status
  answered when a subscript (``request.headers["Origin"]``) raises (Werkzeug 3.1 raises
  a plain KeyError for a missing header: Flask answers 500, in views and hooks alike), and ``rebuilt`` for an Origin
  taken apart and put back (``f"{p.scheme}://{p.netloc}"`` of ``urlsplit(origin)``);
- ``when`` atoms: ``OPTIONS``, ``ORIGIN`` (the request has an Origin), ``ACRM`` (it has
  Access-Control-Request-Method), ``ACRH`` (it has Access-Control-Request-Headers), ``ALLOWED`` (the guard admits the Origin),
  ``METHOD:GET,HEAD``, ``PATH^/api`` (the path starts so), ``?`` (undecidable); ``!`` negates,
  and one flat ``A&B`` or ``A|B`` combines them;
- ``fail`` steps: the code reads a request header that is missing in a way that raises
  (``origin = request.headers["Origin"]``), with the ``status`` the framework answers then;
- ``answer`` steps (``answer #2`` ...): the code makes the response itself (``return
  Response(status=204)``, a Django ``process_request`` that returns a response, a
  Tornado ``options`` method), with ``status`` and ``when``; the routes are not reached,
  and later steps still write onto that response;
- ``guard``: the allow-list an ``ALLOWED`` condition tests (``origin in ALLOWED``), with
  ``guard_match`` saying how a pattern entry is matched (``match``, ``search``,
  ``fullmatch``), that the entries are suffixes (``suffix``: ``origin.endswith(...)``) or
  shell-style patterns (``fnmatch``: ``fnmatchcase(origin, pattern)``);
- ``guard_refuses``: the guard is unknown, but where it refuses the Origin the code writes
  Allow-Origin ``*`` under the same conditions as the echo it admits with: the model
  answers every Origin as refused (any site reads the answers either way);
- ``condition``: the first test corslint could not decide (CORS305); a request reaching a
  step under it gets no answer from the model;
- ``chosen_tests``: the undecided tests (``?N``) whose outcome the request itself picks
  (its own query or form arguments, or who is asking: a token check): of each such
  choice the model answers with the arm a CORS request takes, the one that sends an
  Allow-Origin (a success over a refusal);
- ``options_status``: what the application answers to an ``OPTIONS`` request the code does not
  answer: a status (Flask's automatic ``OPTIONS`` answer, a Django view: 200), None (no
  route handles OPTIONS: Starlette and Tornado answer 405, http.server 501 without
  ``do_OPTIONS``, which fails every preflight),
  or ``"unknown"`` (a helper whose callers are not known, or another CORS layer of the
  same app answers preflights too): OPTIONS requests then get no answer from the model;
  ``"inner"`` (an ASGI wrapper): the app it wraps answers them, which is not known.

A step whose value is unknown leaves the model without an answer, except for the headers
browsers read on preflights only (Allow-Methods, Allow-Headers, Max-Age), which cannot
change the answer to any other request.

What Python itself does to a value is part of the behaviour, measured with Flask 3.1
(Werkzeug 3.1), Django 5.2, Starlette 1.10, Tornado 6.6 and aiohttp 3.14: Werkzeug and
Django write ``str(value)`` (``True`` is sent as ``True``, which browsers do not take for
``true``; ``None`` as ``None``); Starlette accepts only strings (anything else: HTTP 500),
Tornado strings and integers (``None``: the request fails), aiohttp strings only (anything
else: the connection is dropped), Bottle 0.13 ``str(value)`` but ``None`` as an empty
value, Falcon 4.4 ``str(value)`` of anything, CPython 3.11's http.server ``"%s" % value``
of anything (``True`` as ``True``, a missing request header read as ``None``). A raw ASGI
app sends the bytes of its header list.
"""

from __future__ import annotations

import fnmatch
import itertools
import re
import urllib.parse
from collections.abc import Callable, Mapping
from typing import Any

import corslint.frameworks.bounded_regex as bounded_regex
from corslint.frameworks.express_headers import UNDECIDED_HARMLESS, ResponseError, variants
from corslint.frameworks.framework import Framework, OriginEntry
from corslint.http import HeaderList, Request, Response
from corslint.model import (
    CorsPolicy,
    FunctionValue,
    HeaderReflection,
    Location,
    Provenance,
    Regex,
    UnresolvedValueError,
    Value,
)

PREFLIGHT_ONLY = frozenset(
    {"Access-Control-Allow-Methods", "Access-Control-Allow-Headers", "Access-Control-Max-Age"}
)
# an undecided test that no request probed depended on (python_headers/undecided_tests.py)
SETTLED_CONDITION = "settled_condition"
# the undecided tests the request's own arguments decide (python_headers/request_arguments.py)
CHOSEN_TESTS = "chosen_tests"
# an unknown allow-list whose refused side writes Allow-Origin `*` (python_headers/refused_star.py)
GUARD_REFUSES = "guard_refuses"
NOT_STEPS = frozenset(
    {"guard", "guard_match", "condition", "options_status", SETTLED_CONDITION, CHOSEN_TESTS, GUARD_REFUSES}
)
ERROR_STATUS = 500
INNER_APP = "inner"  # an ASGI wrapper: the app it wraps answers what the wrapper does not

# how each framework turns a header value into text: None when it refuses the value
_STRINGS: dict[str, Callable[[Any], str | None]] = {
    "flask": lambda value: (
        str(value) if isinstance(value, (str, int, float, bool)) or value is None else None
    ),
    "django": lambda value: (
        str(value) if isinstance(value, (str, int, float, bool)) or value is None else None
    ),
    "starlette": lambda value: value if isinstance(value, str) else None,
    "tornado": lambda value: str(value) if isinstance(value, (str, int)) else None,
    "aiohttp": lambda value: value if isinstance(value, str) else None,
    "pyramid": lambda value: value if isinstance(value, str) else None,  # WSGI servers refuse the rest
    "falcon": lambda value: str(value),  # `None` sent as `None`, bytes as `b'...'`
    "http_server": lambda value: str(value),  # `"%s: %s" % (name, value)`
    "sanic": lambda value: str(value),  # Sanic 25.12: `None` sent as `None`, `True` as `True`
    "azure_functions": lambda value: str(value),  # azure-functions 1.26's HttpResponse headers
    "wsgi": lambda value: value if isinstance(value, str) else None,  # PEP 3333: native strings only
    "cherrypy": lambda value: str(value),  # CherryPy 18.10's HeaderMap: `str()` of anything else
    "webpy": lambda value: str(value),  # web.py 0.76's `web.header`: `safestr` of anything
    "bottle": lambda value: (
        ""
        if value is None
        else value.decode("latin-1")
        if isinstance(value, bytes)
        else str(value)
        if isinstance(value, (str, int, float, bool))
        else None
    ),
    # ASGI header lists hold bytes; servers also take (ASCII) text
    "asgi": lambda value: (
        value.decode("latin-1") if isinstance(value, bytes) else value if isinstance(value, str) else None
    ),
}
_STRINGS["cloud_functions"] = _STRINGS["flask"]  # functions-framework makes Flask responses
_STRINGS["quart"] = _STRINGS["flask"]  # Quart 0.22 keeps Werkzeug's `Headers`
_STRINGS["odoo"] = _STRINGS["flask"]  # Odoo's responses are Werkzeug's
_STRINGS["nameko"] = _STRINGS["flask"]  # nameko's HTTP entrypoints answer with Werkzeug's
_UNKNOWN_ROUTES = Value(None, Location.point("", 1), description="the routes that answer OPTIONS")


def kind_of(policy: CorsPolicy) -> str:
    return policy.framework.removesuffix("_headers")


def holds(condition: str, request: Request, guard: Callable[[], Any], match: str) -> bool:
    """Whether a `when` entry holds: an atom, ``!atom``, or one flat ``A&B`` / ``A|B``."""
    if "&" in condition:
        return all(holds(part, request, guard, match) for part in condition.split("&"))
    if "|" in condition:
        return any(holds(part, request, guard, match) for part in condition.split("|"))
    negated = condition.startswith("!")
    atom = condition.lstrip("!")
    if atom.startswith("METHOD:"):
        result = request.method.upper() in atom[len("METHOD:") :].split(",")
    elif atom == "OPTIONS":
        result = request.method.upper() == "OPTIONS"
    elif atom == "ORIGIN":
        result = request.origin is not None
    elif atom == "ACRM":
        result = request.header("access-control-request-method") is not None
    elif atom == "ACRH":
        result = request.header("access-control-request-headers") is not None
    elif atom.startswith("PATH^"):
        result = request.path.startswith(atom[len("PATH^") :])
    elif atom == "ALLOWED":
        result = guard_allows(guard(), match, request.origin)
    else:
        raise ValueError(f"unknown condition {condition}")
    return result != negated


def guard_allows(guard: Any, match: str, origin: str | None) -> bool:
    """`origin in ALLOWED`, `origin == X`, `re.match(P, origin)`, `origin.endswith(S)`."""
    if origin is None:
        return False
    entries = tuple(item.plain() for item in guard.allowed) if isinstance(guard, FunctionValue) else guard
    for entry in entries if isinstance(entries, tuple) else (entries,):
        if isinstance(entry, bytes):  # an ASGI app compares the header's bytes
            entry = entry.decode("latin-1")
        if isinstance(entry, Regex):
            flags = re.IGNORECASE if "i" in entry.flags else 0
            if getattr(bounded_regex, match if match in {"match", "search", "fullmatch"} else "match")(
                entry.pattern, origin, flags
            ):
                return True
        elif isinstance(entry, str) and match == "fnmatch":
            if fnmatch.fnmatchcase(origin, entry):
                return True
        elif isinstance(entry, str) and (origin.endswith(entry) if match == "suffix" else origin == entry):
            return True
    return False


def header_text(kind: str, value: Any, request: Request, parts: dict[str, Value]) -> str:
    """The text a framework sends for a written value."""
    if isinstance(value, HeaderReflection):
        sent = request.origin if value.source == "origin" else request.header(value.source)
        if sent is not None and "rebuilt" in parts:
            parsed = urllib.parse.urlsplit(sent)  # `null` has neither: `://`
            return f"{parsed.scheme}://{parsed.netloc}"
        if sent is not None:
            return sent
        if "missing" in parts:
            raise ResponseError(parts["missing"].plain())
        value = parts["default"].plain() if "default" in parts else None
    if isinstance(value, (tuple, dict, Regex, FunctionValue)):
        raise TypeError("not a header value")
    text = _STRINGS[kind](value)
    if text is None:
        raise ResponseError(ERROR_STATUS)
    return str(text)


def _vary(kind: str, headers: HeaderList, text: str) -> None:
    """Django's patch_vary_headers and Werkzeug's HeaderSet skip names already listed;
    Starlette's add_vary_header appends whatever is there."""
    current = headers.get("vary")
    if current is None:
        headers.set("Vary", text)
        return
    if kind == "starlette":
        headers.set("Vary", f"{current}, {text}")
        return
    names = [name.strip() for name in current.split(",") if name.strip()]
    for field in (name.strip() for name in text.split(",")):
        if field and field.lower() not in {name.lower() for name in names}:
            names.append(field)
    headers.set("Vary", ", ".join(names))


# undecided tests whose every outcome is tried (2**N answers): when all agree, the answer
# is known whichever way the test goes (a helper called in each arm of an `if` on the path)
MAX_UNDECIDED = 3
MAX_CHOSEN = 5  # tests on the request's own arguments, tried as well


def respond(policy: CorsPolicy, request: Request) -> Response:
    chosen = chosen_markers(policy.options)
    tornado = kind_of(policy) == "tornado"
    if not chosen:
        found = agreed(outcomes(policy, request), request, tornado)
    else:
        # the request picks the outcome of its own tests: for each outcome of the others,
        # the answer a CORS request asks for (sagemath/sagecell's JSONP or CORS arms)
        groups: dict[tuple[bool, ...], list[Response]] = {}
        for assumed, answer in _assumed_outcomes(policy, request):
            key = tuple(value for marker, value in assumed.items() if marker not in chosen)
            groups.setdefault(key, []).append(answer)
        picked = [_requested(answers, request, tornado) for answers in groups.values()]
        found = None if any(p is None for p in picked) else agreed([p for p in picked if p], request, tornado)
    if found is None:
        raise UnresolvedValueError(_condition(policy.options))
    return found


def agreed(answers: list[Response], request: Request, tornado: bool = False) -> Response | None:
    """The one answer all outcomes give, None when they differ."""
    first = answers[0]
    if all(answer == first for answer in answers[1:]):
        return first
    # the headers browsers ignore on the answer judged may differ: left out, as when
    # they were written under a test no outcome of which is known
    kept = [_without_harmless(answer) for answer in answers]
    if all(answer == kept[0] for answer in kept[1:]):
        return kept[0]
    if (
        request.method.upper() != "OPTIONS"
        and all(a.headers == kept[0].headers for a in kept[1:])
        and (tornado or all(a.status is not None for a in kept))
    ):
        # the same headers under another status (sagecell's early 403 after the headers
        # are written): a browser reads the answer to a simple request whatever its
        # status. An answer the code did not make is Tornado's 200; elsewhere it may be
        # one the code makes without headers (a view's `return HttpResponseNotFound()`).
        return next((a for a in kept if _succeeds(a, request)), kept[0])
    return None


def _requested(answers: list[Response], request: Request, tornado: bool) -> Response | None:
    """Of the answers the request can choose between, the one a CORS request gets: one
    with an Allow-Origin, and a success over a refusal."""
    candidates = [a for a in answers if a.get("access-control-allow-origin") is not None] or answers
    succeeded = [a for a in candidates if _succeeds(a, request)]
    return agreed(succeeded or candidates, request, tornado)


def unknown_preflights(policy: CorsPolicy) -> bool:
    """Whether what answers an OPTIONS request is not known (`options_status` unknown)."""
    fallback = policy.options.get("options_status")
    return fallback is not None and fallback.raw == "unknown"


def _succeeds(answer: Response, request: Request) -> bool:
    """A success, or no answer of the code's own to a simple request (the handler
    returned: Tornado's 200); an OPTIONS nothing answers is refused."""
    if answer.status is None:
        return request.method.upper() != "OPTIONS"
    return answer.status < 300


def outcomes(policy: CorsPolicy, request: Request) -> list[Response]:
    """The answer under each outcome of the undecided tests (one answer without any)."""
    return [answer for _, answer in _assumed_outcomes(policy, request)]


def _assumed_outcomes(policy: CorsPolicy, request: Request) -> list[tuple[dict[str, bool], Response]]:
    markers = undecided_markers(policy.options)
    chosen = chosen_markers(policy.options)
    if len(markers) - len(chosen) > MAX_UNDECIDED or len(chosen) > MAX_CHOSEN:
        raise UnresolvedValueError(_condition(policy.options))
    found = []
    for outcome in itertools.product((True, False), repeat=len(markers)):
        assumed = dict(zip(markers, outcome, strict=True))
        found.append((assumed, _respond(policy, request, assumed)))
    return found


def chosen_markers(options: Mapping[str, Value]) -> frozenset[str]:
    listed = options.get(CHOSEN_TESTS)
    return frozenset(str(v.raw) for v in listed.raw) if listed is not None else frozenset()


def _condition(options: Mapping[str, Value]) -> Value:
    """The first undecided test, as an unknown value (also when it was settled)."""
    if "condition" in options:
        return options["condition"]
    settled = options[SETTLED_CONDITION]
    return Value(None, settled.location, Provenance.UNKNOWN, description=str(settled.raw))


def undecided_markers(options: Mapping[str, Value]) -> list[str]:
    """The undecided tests (`?N`) the steps are written under."""
    found: dict[str, None] = {}
    for name, step in options.items():
        if name in NOT_STEPS or not step.known or not isinstance(step.raw, dict) or "when" not in step.raw:
            continue
        for entry in step.raw["when"].raw:
            atom = entry.raw.lstrip("!") if isinstance(entry.raw, str) else ""
            if is_marker(atom):
                found[atom] = None
    return list(found)


def is_marker(atom: str) -> bool:
    return atom.startswith("?") and atom[1:].isdigit()


def _without_harmless(answer: Response) -> Response:
    return Response(answer.status, tuple((k, v) for k, v in answer.headers if k not in UNDECIDED_HARMLESS))


def _respond(policy: CorsPolicy, request: Request, assumed: dict[str, bool]) -> Response:
    kind = kind_of(policy)
    options = policy.options

    def guard() -> Any:
        # read only when a step tests it: an unknown allow-list leaves the other steps known
        guard_value = options.get("guard")
        if guard_value is None:
            raise ValueError("a guarded step without a guard")
        if not guard_value.known and GUARD_REFUSES in options:
            return ()  # judged where the list refuses the Origin: `*` whatever it holds
        return guard_value.plain()

    match_value = options.get("guard_match")
    match = str(match_value.plain()) if match_value is not None else "equal"
    fallback = options.get("options_status")
    preflight_known = fallback is None or fallback.raw != "unknown"
    if not preflight_known and request.method.upper() == "OPTIONS":
        raise UnresolvedValueError(_UNKNOWN_ROUTES)
    headers = HeaderList()
    status: int | None = None
    answered = False
    try:
        for name, step in options.items():
            if name in NOT_STEPS:
                continue
            if not step.known:
                raise UnresolvedValueError(step)
            parts = step.raw
            if not isinstance(parts, dict):
                # a stand-in for an unknown Allow-Origin (PolicyProbe.functional): written as is
                parts = {
                    "value": step,
                    "writer": Value("set", step.location),
                    "when": Value((), step.location),
                }
            when = parts["when"].plain()
            if "?" in when:
                if name.split(" #", 1)[0].lower() in UNDECIDED_HARMLESS:
                    continue
                raise UnresolvedValueError(_condition(options))
            undecided = [c for c in when if is_marker(c.lstrip("!"))]
            if any(assumed[c.lstrip("!")] == c.startswith("!") for c in undecided):
                continue
            if not all(
                holds(condition, request, guard, match) for condition in when if condition not in undecided
            ):
                continue
            if name.startswith("fail"):  # a read of a missing request header raised
                raise ResponseError(int(parts["status"].plain()))
            if name.startswith("answer"):
                # the last status set wins: a later hook may change what an earlier one made
                status, answered = int(parts["status"].plain()), True
                continue
            header = name.split(" #", 1)[0]
            writer = parts["writer"].plain()
            if writer == "remove":
                headers.remove(header)
                continue
            value_node: Value = parts["value"]
            if not value_node.known and header in PREFLIGHT_ONLY and request.method.upper() != "OPTIONS":
                continue  # browsers read it on preflights only: its value cannot change this answer
            value = value_node.raw if isinstance(value_node.raw, HeaderReflection) else value_node.plain()
            text = header_text(kind, value, request, parts)
            if writer == "vary":
                _vary(kind, headers, text)
            elif writer == "add":
                headers.add(header, text)
            elif writer == "setdefault":
                if headers.get(header) is None:
                    headers.set(header, text)
            else:
                headers.set(header, text)
    except ResponseError as error:
        return Response(int(error.args[0]) if error.args else ERROR_STATUS)
    if not answered and request.method.upper() == "OPTIONS":
        if fallback is not None and fallback.raw == INNER_APP:
            raise UnresolvedValueError(_UNKNOWN_ROUTES)
        status = fallback.plain() if fallback is not None else None
    return headers.response(status)


def origin_entries(policy: CorsPolicy) -> tuple[OriginEntry, ...]:
    entries: list[OriginEntry] = []
    guard = policy.options.get("guard")
    match = policy.options.get("guard_match")
    suffixes = match is not None and match.raw == "suffix"
    globs = match is not None and match.raw == "fnmatch"
    if guard is not None and guard.known:
        raw = guard.raw
        for item in raw.allowed if isinstance(raw, FunctionValue) else guard.entries:
            if globs and item.known and isinstance(item.raw, str):
                # `fnmatchcase(origin, "https://*.example.com")`: the pattern it amounts to
                pattern = Regex(fnmatch.translate(item.raw))
                entries.append(
                    OriginEntry(Value(pattern, item.location, item.provenance, item.env_var), "regex")
                )
                continue
            if suffixes and item.known and isinstance(item.raw, str):
                # `origin.endswith(".example.com")`: sampled as the pattern it amounts to
                pattern = Regex(f".*{re.escape(item.raw)}$")
                entries.append(OriginEntry(Value(pattern, item.location, item.provenance), "regex"))
                continue
            kind: Any = "regex" if item.known and isinstance(item.raw, Regex) else "literal"
            if item.known and isinstance(item.raw, bytes):
                item = Value(item.raw.decode("latin-1"), item.location, item.provenance, item.env_var)
            entries.append(OriginEntry(item, kind))
    for name in variants("Access-Control-Allow-Origin"):
        step = policy.options.get(name)
        if step is None or not step.known:
            continue
        value = step.raw.get("value") if isinstance(step.raw, dict) else step  # a stand-in: the value
        if isinstance(value, Value) and value.known and isinstance(value.raw, str) and value.raw != "*":
            entries.append(OriginEntry(value, "literal"))
    return tuple(entries)


ROLES = {
    # the guard last: findings point at the header; an unknown allow-list gets a stand-in
    "origins": (*variants("Access-Control-Allow-Origin"), "guard"),
    "credentials": variants("Access-Control-Allow-Credentials"),
    "methods": variants("Access-Control-Allow-Methods"),
    "headers": variants("Access-Control-Allow-Headers"),
    "expose": variants("Access-Control-Expose-Headers"),
    "max_age": variants("Access-Control-Max-Age"),
}


def _framework(name: str, title: str, display: str = "") -> Framework:
    return Framework(
        name=f"{name}_headers",
        # a singular subject: "{display} answers"
        display=display or f"Hand-written {title} CORS code",
        respond=respond,
        roles=ROLES,
        origin_entries=origin_entries,
        handwritten=True,
    )


FRAMEWORKS = (
    _framework("flask", "Flask"),
    _framework("django", "Django"),
    _framework("starlette", "Starlette"),
    _framework("tornado", "Tornado"),
    _framework("aiohttp", "aiohttp"),
    _framework("asgi", "ASGI"),
    _framework("bottle", "Bottle"),
    _framework("pyramid", "Pyramid"),
    _framework("falcon", "Falcon"),
    _framework("http_server", "http.server"),
    _framework("sanic", "Sanic"),
    _framework("azure_functions", "Azure Functions"),
    _framework("wsgi", "WSGI"),
    _framework("cloud_functions", "Cloud Functions (Flask)"),
    _framework("cherrypy", "CherryPy"),
    _framework("quart", "Quart"),
    _framework("webpy", "web.py"),
    # an HttpRequestHandler subclass's writes on Werkzeug's Response, read as Flask's
    _framework("nameko", "nameko (Werkzeug)"),
    # the headers Odoo writes for a route's `cors=` option (extractors/odoo), in the same steps
    _framework("odoo", "Odoo", "Odoo's route `cors` option"),
)
