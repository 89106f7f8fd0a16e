"""What every framework model is made of: a `Framework` and the pieces rules read."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from corslint.http import Request, Response
from corslint.model import CorsPolicy, Location, Value

Role = Literal["origins", "credentials", "methods", "headers", "expose", "max_age"]


@dataclass(frozen=True)
class OriginEntry:
    """One configured origin, and how the framework compares it to a request's Origin."""

    value: Value
    # "literal": equality (case rules are respond's business); "regex": a pattern;
    # "substring": Starlette's `origin in "<plain string>"`
    kind: Literal["literal", "regex", "substring"]


@dataclass(frozen=True)
class LibraryCheck:
    """A validation the library itself performs (startup error or system check)."""

    code: str  # the library's own id, e.g. "corsheaders.E013", or "ValueError at startup"
    concerns: Role
    message: str
    location: Location
    # the library's answer changes from one request to the next (a `g` RegExp's lastIndex)
    stateful: bool = False


class Options(dict[str, Any]):
    """One policy's options as its model reads them (`options["max_age"]`), each read once.

    Rules ask a policy a dozen questions, and unwrapping the same values (`Value.plain`)
    for every answer made up much of judging; a dict (filled by `__missing__`) answers
    the later reads at C speed. A read that raises (an unknown value) is not kept: it
    raises again on the next request, as it did before.
    """

    def __init__(self, policy: CorsPolicy, read: Callable[[CorsPolicy, str], Any]) -> None:
        super().__init__()
        self.policy = policy
        self._read = read
        self._derived: dict[str, Any] = {}

    def __missing__(self, name: str) -> Any:
        value = self[name] = self._read(self.policy, name)
        return value

    def once(self, key: str, derive: Callable[[Options], Any]) -> Any:
        """What `derive` makes of the options (the same for every request), made once."""
        derived = self._derived
        if key in derived:
            return derived[key]
        value = derived[key] = derive(self)
        return value


Responder = Callable[[Request], Response]


def _no_checks(policy: CorsPolicy) -> tuple[LibraryCheck, ...]:
    return ()


def _every_path(policy: CorsPolicy, path: str) -> bool:
    return True


@dataclass(frozen=True)
class Framework:
    """One CORS library's behaviour: how it answers, names its options, compares origins."""

    name: str  # the key used in CorsPolicy.framework
    display: str  # how messages name it: "Starlette CORSMiddleware"
    respond: Callable[[CorsPolicy, Request], Response]
    roles: Mapping[str, tuple[str, ...]]  # Role -> the option names that express it
    origin_entries: Callable[[CorsPolicy], tuple[OriginEntry, ...]]
    library_checks: Callable[[CorsPolicy], tuple[LibraryCheck, ...]] = field(default=_no_checks)
    # whether the policy answers requests for a path at all (Flask-CORS resources,
    # CORS_URLS_REGEX); it may raise UnresolvedValueError
    answers: Callable[[CorsPolicy, str], bool] = field(default=_every_path)
    comment_prefix: str = "#"
    # options that could not be read one by one, as the framework's language passes them
    unread_options: str = "options passed as `**kwargs`"
    handwritten: bool = False  # headers written by application code, not a CORS library
    # a middleware configured by one call that admits no origin unless told which
    # (Starlette's empty default): a call naming none is a mistake (CORS303)
    origins_required: bool = False
    # `respond` for one policy, reading its options once (`Options`); None: `respond` it is
    responder: Callable[[CorsPolicy], Responder] | None = None
    # where a finding about a role belongs when one option holds several roles (aiohttp-cors'
    # `config`): the nested option's own place; None falls back to the option
    locator: Callable[[CorsPolicy, Role], Location | None] | None = None

    def answering(self, policy: CorsPolicy) -> Responder:
        """What `respond` answers for `policy`, as a function of the request alone."""
        if self.responder is not None:
            return self.responder(policy)
        return functools.partial(self.respond, policy)

    def option_for(self, policy: CorsPolicy, role: Role) -> Value | None:
        for name in self.roles.get(role, ()):
            value = policy.option(name)
            if value is not None:
                return value
        return None

    def locate(self, policy: CorsPolicy, role: Role) -> Location:
        """Where a finding about `role` belongs: the option, else the configuration."""
        nested = self.locator(policy, role) if self.locator is not None else None
        if nested is not None:
            return nested
        value = self.option_for(policy, role)
        return value.location if value is not None else policy.location
