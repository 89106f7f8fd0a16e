"""The framework-neutral policy model every extractor produces and every rule reads.

A `CorsPolicy` keeps each option under the *framework's own name* (``allow_origins``,
``supports_credentials``, ``CORS_ALLOWED_ORIGINS``, ``origin`` ...) with the value the
extractor resolved and where that value came from. What the option *means* is decided
by the framework's ``respond`` (see ``corslint.frameworks``), never by the extractor.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# Location and Diagnostic live with the findings they end up in: a run answered from the
# cache reports findings without importing this module. Re-exported for the extractors.
from corslint.findings import Diagnostic as Diagnostic
from corslint.findings import Location as Location

_set = object.__setattr__  # for the frozen dataclasses below that fill their own fields


class Provenance(enum.Enum):
    """How a value was obtained, most trustworthy first."""

    LITERAL = "literal"
    CONSTANT = "resolved constant"
    ENV_DEFAULT = "environment default"
    SETTINGS_DEFAULT = "settings default"
    CONFIG_FILE = "config file"
    UNKNOWN = "unknown"


class SourceError(Exception):
    """A file cannot be read as its language; extractors raise it, the engine reports CORS001."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


class UnresolvedValueError(Exception):
    """Raised when a framework model needs a value that could not be determined."""

    def __init__(self, value: Value) -> None:
        super().__init__(value.description)
        self.value = value


@dataclass(frozen=True)
class Regex:
    """A compiled-pattern value (``re.compile(...)``, a JS ``/re/flags`` literal)."""

    pattern: str
    flags: str = ""


@dataclass(frozen=True)
class FunctionValue:
    """A callable option (an Express origin callback), classified by what it allows."""

    kind: str  # "reflect-all" | "allow-list" | "deny-all" | "unknown"
    allowed: tuple[Value, ...] = ()  # for "allow-list": the literal entries checked


@dataclass(frozen=True)
class OriginFunction(FunctionValue):
    """An Express ``origin: (origin, callback) => ...`` function, as far as it was classified.

    ``no_origin``: what it does for requests without an Origin header (``allow`` /
    ``reject``); ``on_reject``: what it passes to the callback for a refused origin
    (``false`` lets the request through without CORS headers; ``error``: express answers 500).
    """

    no_origin: str = "allow"
    on_reject: str = "false"


@dataclass(frozen=True)
class HeaderReflection(FunctionValue):
    """A hand-written header value copied from the request (``req.headers.origin``)."""

    source: str = "origin"  # the request header copied: "origin", "access-control-request-headers"


@dataclass(frozen=True)
class UnsetVariable:
    """The `raw` of an environment read without a default (`os.getenv("X")`): unknown, but
    None while the variable is unset, which is the case corslint judges (RULES.md, CORS305).
    Part of the model because a list can carry it as an entry into a policy (and a cache)."""

    def __repr__(self) -> str:
        return "UNSET"


@dataclass(frozen=True)
class Value:
    """One option value and where it came from.

    ``raw`` is a plain Python value: ``str``, ``bool``, ``int``, ``float``, ``None``,
    `Regex`, `FunctionValue`, or a ``tuple`` / ``dict`` whose items are themselves
    `Value`s (so every list entry keeps its own location). ``known`` is False when the
    extractor could not determine the value; ``raw`` is then meaningless.
    """

    raw: Any
    location: Location
    provenance: Provenance = Provenance.LITERAL
    env_var: str | None = None  # the variable whose *default* this is
    description: str = ""  # the source expression, for messages about unknown values
    related: tuple[Location, ...] = ()  # where the value was defined, if not here

    def __init__(
        self,
        raw: Any,
        location: Location,
        provenance: Provenance = Provenance.LITERAL,
        env_var: str | None = None,
        description: str = "",
        related: tuple[Location, ...] = (),
    ) -> None:
        # made by the thousand too: fields set as in Location
        _set(self, "raw", raw)
        _set(self, "location", location)
        _set(self, "provenance", provenance)
        _set(self, "env_var", env_var)
        _set(self, "description", description)
        _set(self, "related", related)

    @property
    def known(self) -> bool:
        return self.provenance is not Provenance.UNKNOWN

    def plain(self) -> Any:
        """The value with nested `Value`s unwrapped; raises when anything is unknown."""
        if self.provenance is Provenance.UNKNOWN:
            raise UnresolvedValueError(self)
        raw = self.raw
        if isinstance(raw, tuple):
            return tuple([item.plain() for item in raw])
        if isinstance(raw, dict):
            return {key: item.plain() for key, item in raw.items()}
        return raw

    def walk(self) -> Iterator[Value]:
        """This value and every nested one, depth first."""
        yield self
        if not self.known:
            return
        if isinstance(self.raw, tuple):
            for item in self.raw:
                yield from item.walk()
        elif isinstance(self.raw, dict):
            for item in self.raw.values():
                yield from item.walk()
        elif isinstance(self.raw, FunctionValue):
            for item in self.raw.allowed:
                yield from item.walk()

    @property
    def env_vars(self) -> tuple[str, ...]:
        """The environment variables whose defaults the value was built from, in order."""
        # an unknown value has no default: its variable decides nothing the rules judge
        return tuple(dict.fromkeys(value.env_var for value in self.walk() if value.env_var and value.known))

    @property
    def condition(self) -> str:
        """A clause naming what the value depends on ("when ORIGINS is unset")."""
        return unset_clause(self.env_vars)

    @property
    def entries(self) -> tuple[Value, ...]:
        """List entries, or the value itself when it is a single item."""
        if self.known and isinstance(self.raw, tuple):
            return self.raw
        return (self,)


@dataclass(frozen=True)
class Route:
    """A route the application serves, for judging which methods must pass preflight."""

    path: str
    methods: tuple[str, ...]
    location: Location


def unset_clause(env_vars: Sequence[str]) -> str:
    """ "when A is unset", "when A and B are unset", "when A, B and C are unset"."""
    if not env_vars:
        return ""
    if len(env_vars) == 1:
        return f"when {env_vars[0]} is unset"
    return f"when {', '.join(env_vars[:-1])} and {env_vars[-1]} are unset"


@dataclass(frozen=True)
class Evidence:
    """A fact observed around the configuration that rules weigh. Kinds in use:

    - ``bearer-auth``: the app authenticates with an Authorization header (CORS204); its
      detail names what the app uses, as a noun ("OAuth2PasswordBearer()");
    - ``not-applied``: the configuration has no effect (CORS303, warning); with
      ``whole_layer`` the layer sends no CORS header at all (a middleware missing from
      MIDDLEWARE, a `cors()` never registered), so only CORS303 and the rules about how the
      configuration is written judge it: nothing reaches a browser to be exploited or blocked;
    - ``not-applied-on-purpose``: the same, where it looks deliberate: the module takes
      the middleware out of a list it inherits, or holds a test suite's settings;
    - ``misordered``: it applies, but not to everything it should (CORS303, warning);
    - ``after-every-route``: an Express `cors()` after every route of its app: only preflights
      and 404s reach it, so CORS105/CORS101 do not judge its origins (its CORS303 does);
    - ``origin-gated``: an earlier `cors()` of the app refuses every origin outside its list
      with an error, so only those reach this layer; ``origin-replaced-later``: a later
      middleware replaces this layer's Allow-Origin on every answer with data
      (extractors/express/layer_gates.py): CORS105/CORS101 do not judge its origins;
    - ``preflight-throws``: the code fails every preflight before its OPTIONS answer (a
      Lambda's `const { a } = JSON.parse(event.body)`, a Tornado `options(self)` handed the
      route's captured path arguments); CORS206 points at it;
    - ``preflight-gateway``: API Gateway answers the Lambda's OPTIONS requests itself, 404/403
      without CORS headers (serverless.yml without CORS); CORS206 names it;
    - ``preflight-elsewhere``: another layer answers every OPTIONS request before it (API
      Gateway's mock for `cors` events in front of an Apollo Lambda handler): rules do not
      judge its preflight answers (rules.base `PolicyProbe.respond`);
    - ``preflight-unrouted``: OPTIONS requests never reach it (a `cors()` mounted on a
      route's own method): the framework answers them itself (models read it);
    - ``checks-disabled``: the library's own validation never runs (CORS303, note);
    - ``wiring-site``: a settings list the library is missing from (MIDDLEWARE), written
      away from the finding's own place; CORS303 names it beside a whole-layer `not-applied`;
    - ``deprecated-option``: a deprecated name is used (CORS304); detail names the new one;
    - ``unknown-option``: an option the library ignores (a typo); rules name it when the
      behaviour they report comes from the default it fell back to;
    - ``layer-wiring``: where the layer joins the app when that is not where its code is
      (a Django MIDDLEWARE entry naming a hand-written middleware); CORS302 points at it;
    - ``origin-replaced-outside``: an outer layer writes its own Allow-Origin over this
      layer's on every request carrying an Origin (django-cors-headers with allow-all listed
      before a hand-written middleware, or around a view): rules see this layer's answers
      without it;
    - ``library-wiring``: on a hand-written layer, where the CORS library layer of the same
      app is listed (django-cors-headers' MIDDLEWARE entry); CORS302 names it;
    - ``scope-answered``: a path-mounted layer whose `.use` also mounts a handler that answers
      every request under the path, so no layer registered later sees them (CORS302);
    - ``applied-at``: where a configuration made elsewhere is attached to the app (Flask-CORS's
      `cors.init_app(app)` of a bare `CORS()`): every finding on it names that place;
    - ``enabled-when``: the layer is added only under a switch that is off by default; detail
      names the variable to set (findings say "when CORS_ENABLED is set");
    - ``options-object``: the options come from a named object or mapping written in another
      statement (`cors(corsOptions)`, `**cors_kwargs`): a finding caused by an option it lacks
      stays at the call and names it (rules.probe `related`);
    - ``library-vary``: on a hand-written Starlette middleware, where the app's CORSMiddleware
      is added: it gives every answer the routes make `Vary: Origin` (rules/starlette_vary.py);
    - ``library-vary-routes``: on a route or Django view, where the library layer every answer
      of it passes adds `Vary: Origin` (Starlette's CORSMiddleware; django-cors-headers from
      2.4 on paths CORS_URLS_REGEX covers): CORS107 does not judge its Allow-Origin writes;
    - ``further-answer-credentials``: on a hand-written handler, where a further answer (a
      Lambda's error `return`) writes the judged Allow-Credentials beside the one judged
      Allow-Origin value (extractors/express/further_returns.py): CORS201 reports there too;
    - ``reads-only``: the code that writes the headers serves GET and HEAD alone, every other
      method being refused by the framework (a Tornado handler defining `get` only): no
      request it serves waits on a preflight, unless it takes an Authorization header (CORS206);
    - ``platform-function``: on hosting headers (vercel.json), the project file whose function
      answers the requests they apply to; detail is its path (rules/platform_layers.py).
    """

    kind: str
    detail: str
    location: Location
    whole_layer: bool = False  # `not-applied*` only: the layer sends nothing at all


@dataclass(frozen=True)
class CorsPolicy:
    """One CORS configuration, as a framework will apply it."""

    framework: str  # key into corslint.frameworks.frameworks()
    location: Location  # the call, decorator, settings module or config mapping
    options: Mapping[str, Value] = field(default_factory=dict)
    routes: tuple[Route, ...] | None = None  # None: the app's routes are not known
    evidence: tuple[Evidence, ...] = ()
    development_only: bool = False
    label: str = ""  # e.g. "settings module config.settings.production"
    scope: str = ""  # the paths this policy answers for, for messages ("" = all)
    probe_path: str = "/"  # a request path this policy answers, for probes
    app: str = ""  # identifies the request pipeline it is attached to (CORS302)
    route_level: bool = False  # replaces the app-wide layer for its routes (@cross_origin)
    # the arms around the code that attaches it, outermost first (see `exclusive_arms`)
    branch: str = ""

    @property
    def inactive(self) -> bool:
        """Whether the layer sends no CORS header at all (see `Evidence.whole_layer`)."""
        return any(evidence.whole_layer for evidence in self.evidence)

    def option(self, name: str) -> Value | None:
        """The option's value; an unexpandable `**kwargs` makes every absent option unknown."""
        value = self.options.get(name)
        if value is None and "**" in self.options:
            return self.options["**"]
        return value

    def plain_option(self, name: str, default: Any = None) -> Any:
        """The option's value as plain Python data (`Value.plain`), or `default` when absent."""
        value = self.option(name)
        return default if value is None else value.plain()


def exclusive_arms(one: str, other: str) -> bool:
    """Whether two code paths never run together: at the first place they part, they are
    two arms of one statement. A path names, outermost first and joined by "/", each arm
    that holds the code: `if@WHERE` or `else@WHERE` for the two arms of the `if` at WHERE,
    `caseN@WHERE` for the N-th case of the `match` or `switch` at WHERE, where WHERE tells
    the statement from every other (its line; in JavaScript, its line and column). Code
    outside a condition (the empty path) runs with every arm."""
    for a, b in zip(one.split("/"), other.split("/"), strict=False):
        if a != b:
            return a.partition("@")[2] == b.partition("@")[2]
    return False


@dataclass(frozen=True)
class Extraction:
    """Everything one file yielded. `skipped`: why the extractor left the file's content
    unread when that is no problem (a minified bundle), said as a note, never silently."""

    policies: tuple[CorsPolicy, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    skipped: str | None = None
