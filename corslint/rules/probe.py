"""The probe through which rules question a policy.

A rule never looks at how an option was spelled: it asks `PolicyProbe` what the
framework would answer to a request and whether the browser would let the page read
it, then reports where the configuration that caused it lives.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Mapping
from functools import cached_property

from corslint.browser import PageRequest, Verdict, canonical_origin, fetch, preflight_check
from corslint.findings import Related
from corslint.frameworks import Framework, OriginEntry, Role, framework_of
from corslint.http import Request, Response
from corslint.model import (
    CorsPolicy,
    Location,
    Provenance,
    Regex,
    UnresolvedValueError,
    Value,
)
from corslint.rules.anchor_domains import anchor_domain
from corslint.rules.conditions import condition_clause
from corslint.rules.preflight_answers import preflights_answered_apart
from corslint.rules.regex_examples import regex_example
from corslint.rules.settled_options import Responder, is_unresolved, settled_responder
from corslint.rules.unset_origin_defaults import unset_admits_none

ATTACKER = "https://attacker.invalid"
# stands for "an origin the configuration allows" where the configured origins are unknown
STAND_IN = "https://allowed.invalid"
REFUSED_STAND_IN = "https://another-allowed.invalid"  # see `_standing_in`
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "0.0.0.0", "[::1]", "::1"})

# what a preflight for an authenticated JSON request asks for, on the ordinary request that
# stands in for a preflight answer corslint cannot know (`allow_headers = request.headers.get(
# "Access-Control-Request-Headers", "*")` echoes it there as it would on the preflight)
_ASKED = (("access-control-request-headers", "authorization,content-type"),)

# the related location naming where an option is set, kept only where it is another
# file than the finding's (in the same file, the reader sees it already)
SET_HERE = "is set here"
_UNANSWERED = Response(-1)  # a memo's "not asked yet": no model answers with status -1


def _standing_in(value: Value, stand_in: object) -> Value:
    """`value` with the stand-in origin in its place. A hand-written header step keeps its
    writer and loses its condition: an allowed origin is one the code writes it for."""
    if isinstance(value.raw, dict) and isinstance(value.raw.get("value"), Value):
        step = dict(value.raw)
        if _written_when_refused(step):
            # `origin if origin in HOSTS else HOSTS[0]`: what the code sends where its list
            # refuses the Origin is another origin than the one the list admitted
            step["value"] = Value(REFUSED_STAND_IN, step["value"].location, Provenance.LITERAL)
            return Value(step, value.location, Provenance.LITERAL)
        step["value"] = Value(STAND_IN, step["value"].location, Provenance.LITERAL)
        step["when"] = Value((), value.location, Provenance.LITERAL)
        return Value(step, value.location, Provenance.LITERAL)
    return Value(stand_in, value.location, Provenance.LITERAL)


def _written_when_refused(step: dict[str, Value]) -> bool:
    """A hand-written step that runs only where the allow-list refuses the Origin."""
    when = step.get("when")
    conditions = when.raw if isinstance(when, Value) and isinstance(when.raw, tuple) else ()
    return any(
        isinstance(c, Value) and isinstance(c.raw, str) and "!ALLOWED" in c.raw.split("&") for c in conditions
    )


class PolicyProbe:
    """A policy with its framework model, answering the questions rules ask."""

    def __init__(self, policy: CorsPolicy) -> None:
        self.policy = policy
        self.framework: Framework = framework_of(policy)
        self._respond = self.framework.answering(policy)
        # rules ask the same questions (an attacker's GET, a sample origin's preflight):
        # each request is answered once per policy. The page's credentials mode is in the
        # key: it stands for the Cookie header it implies, which Litestar answers to.
        self._answers: dict[
            tuple[str, str | None, tuple[tuple[str, str], ...], str, bool], Response | None
        ] = {}
        # and each page request judged once: rules ask for the same verdicts too (keyed by
        # PageRequest's fields: a tuple hashes without building the request first)
        self._verdicts: dict[tuple[str, str, tuple[tuple[str, str], ...], bool, str], Verdict | None] = {}
        self._holders: dict[Role, dict[int, Value]] = {}

    @property
    def display(self) -> str:
        return self.framework.display

    def respond(self, request: Request) -> Response | None:
        key = (request.method, request.origin, request.headers, request.path, request.credentials)
        answer = self._answers.get(key, _UNANSWERED)
        if answer is not _UNANSWERED:
            return answer
        if request.method == "OPTIONS" and any(e.kind == "preflight-elsewhere" for e in self.policy.evidence):
            return None  # another layer (API Gateway) answers every OPTIONS request (sweep 12 Y2)
        try:
            answer = self._respond(request)
        except UnresolvedValueError:
            answer = self._respond_settled(request)
        except (TypeError, ValueError, re.error):
            answer = None  # the library would fail the same way; CORS305/301 say why
        if answer is not None and request.origin is not None and self._origin_replaced_outside:
            # an outer layer writes its own Allow-Origin over this one's (census 11 C1)
            answer = Response(
                answer.status, tuple(h for h in answer.headers if h[0] != "access-control-allow-origin")
            )
        self._answers[key] = answer
        return answer

    @cached_property
    def _origin_replaced_outside(self) -> bool:
        return any(e.kind == "origin-replaced-outside" for e in self.policy.evidence)

    @cached_property
    def _settled(self) -> Responder | None:
        return settled_responder(self.framework, self.policy)

    def _respond_settled(self, request: Request) -> Response | None:
        """The answer with unknown header, method, expose and max-age options stood in for
        (settled_options): they do not decide who may read the response."""
        settled = self._settled
        if settled is None:
            return None
        try:
            return settled(request)
        except (UnresolvedValueError, TypeError, ValueError, re.error):
            return None  # as for the first answer: the library would fail the same way

    def fetch(
        self,
        origin: str,
        method: str | None = None,
        headers: Mapping[str, str] | None = None,
        *,
        credentials: bool = False,
        path: str = "/",
    ) -> Verdict | None:
        """The browser's verdict on a page request (by default with `probe_method`), or
        None where a value is unknown."""
        method = method or self.probe_method
        key = (origin, method, tuple(headers.items()) if headers else (), credentials, path)
        if key in self._verdicts:
            return self._verdicts[key]
        request = PageRequest(*key)
        unanswered = False

        def respond(sent: Request) -> Response:
            nonlocal unanswered
            answer = self.respond(sent)
            if answer is None:
                unanswered = True
                return Response(None)
            return answer

        verdict: Verdict | None = fetch(respond, request)
        if unanswered:
            verdict = None
        self._verdicts[key] = verdict
        return verdict

    def preflight_passes(
        self,
        origin: str,
        method: str,
        headers: Mapping[str, str] | None = None,
        *,
        credentials: bool = False,
        path: str = "/",
    ) -> bool | None:
        """Whether a preflight for `method` (and `headers`) passes, even where a browser
        would send none: it tells a rejected method from a rejected header."""
        page = PageRequest(origin, method, tuple((headers or {}).items()), credentials, path)
        answer = self.respond(page.preflight())
        return None if answer is None else preflight_check(page, answer).ok

    def allows(self, origin: str, *, credentials: bool = False, path: str = "/") -> bool:
        verdict = self.fetch(origin, credentials=credentials, path=path)
        return verdict is not None and verdict.allowed

    @cached_property
    def probe_method(self) -> str:
        """The method of the simple requests rules send: GET, or POST where every route
        the policy serves takes POST and none GET (a POST-only endpoint's hand-written
        headers answer nothing else)."""
        methods = {method.upper() for route in self.policy.routes or () for method in route.methods}
        if "POST" in methods and not methods & {"GET", "*", "ALL"}:
            return "POST"
        return "GET"

    @cached_property
    def any_origin_allowed(self) -> bool:
        return self.allows(ATTACKER, path=self.policy.probe_path)

    @cached_property
    def credentials_enabled(self) -> bool:
        """Some allowed origin receives `Access-Control-Allow-Credentials: true`."""
        for origin in [ATTACKER, *self.sample_origins]:
            response = self.respond(Request(self.probe_method, origin, path=self.policy.probe_path))
            if (
                response is not None
                and response.get("access-control-allow-credentials") == "true"
                and response.get("access-control-allow-origin") is not None
            ):
                return True
        return False

    @cached_property
    def origin_entries(self) -> tuple[OriginEntry, ...]:
        return self.framework.origin_entries(self.policy)

    @cached_property
    def sample_origins(self) -> tuple[str, ...]:
        """Origins the author meant to allow, derived from the configured entries."""
        samples: list[str] = []
        for entry in self.origin_entries:
            raw = entry.value.raw
            if entry.kind == "regex":
                pattern = raw.pattern if isinstance(raw, Regex) else str(raw)
                domain = anchor_domain(pattern)
                if domain:
                    samples += [f"https://{domain}", f"https://app.{domain}", f"http://{domain}"]
                samples += regex_example(pattern)  # `^https://[a-z0-9-]+--shop\.netlify\.app$`
                continue
            for item in [raw] if entry.kind == "literal" else str(raw).split(","):
                if isinstance(item, str) and (canonical := canonical_origin(item.strip())):
                    samples.append(canonical)
        return tuple(dict.fromkeys(samples))

    def written_allow_headers(self, origin: str) -> tuple[str, ...] | None:
        """The request headers hand-written code names in `Access-Control-Allow-Headers` on
        its ordinary responses (lower case), or None where it writes none: what its
        preflights will allow once they are answered (CORS206's fix). The request names the
        headers a preflight would ask for, so code that echoes them is read as echoing."""
        response = self.respond(Request(self.probe_method, origin, _ASKED, path=self.policy.probe_path))
        value = None if response is None else response.get("access-control-allow-headers")
        if value is None:
            return None
        return tuple(name.strip().lower() for name in value.split(",") if name.strip())

    def preflight_headers_written_beforehand(self, origin: str) -> Response | None:
        """The ordinary response to `origin`, standing in for a preflight answer corslint
        cannot know, where the policy writes its Allow-Methods or Allow-Headers on every
        response before handing on (Vercel's `setHeader` recipe, `vercel.json` and
        `next.config.js` headers): whatever then answers an OPTIONS request sends those
        values with it. None where the answer is known (or another layer's), or nothing is written."""
        page = PageRequest(origin, "PUT", credentials=True, path=self.policy.probe_path)
        if preflights_answered_apart(self.policy) or self.respond(page.preflight()) is not None:
            return None
        response = self.respond(Request(self.probe_method, origin, _ASKED, path=self.policy.probe_path))
        if response is None or response.get("access-control-allow-origin") is None:
            return None
        if not any(
            response.get(name) is not None
            for name in ("access-control-allow-methods", "access-control-allow-headers")
        ):
            return None
        return response

    @cached_property
    def unhandled_preflight(self) -> str | None:
        """Why every preflight fails, for hand-written headers that answer simple requests
        but not OPTIONS (or answer it without Allow-Methods / Allow-Headers); None when
        preflights are handled. CORS206 reports it; the rules about one method or one
        header stay silent then, since this is the cause of their failures too."""
        if not self.framework.handwritten and not any(
            evidence.kind == "preflight-unrouted" for evidence in self.policy.evidence
        ):
            return None  # (a cors() on a route's own method: CORS303 names the cause)
        origin = self.allowed_origin
        if origin is None:
            return None
        page = PageRequest(
            origin, "PUT", (("content-type", "application/json"),), path=self.policy.probe_path
        )
        response = self.respond(page.preflight())
        if response is None:
            return None
        if response.status is None:
            return "OPTIONS preflights are not answered (they reach the routes, which do not handle them)"
        missing = [
            name
            for name in ("Access-Control-Allow-Methods", "Access-Control-Allow-Headers")
            if response.get(name) is None
        ]
        if not missing and not 200 <= response.status < 300:  # the status alone fails it
            return f"preflights are answered with status {response.status}"
        if not missing:
            return None
        if missing == ["Access-Control-Allow-Methods"] and not set(self.preflight_failures) - {
            "JSON",
            "authenticated",
        }:
            # browsers check Allow-Methods only for a method other than GET, HEAD and POST:
            # code that visibly serves none (a POST-only function) loses no request
            return None
        lacking = " and ".join(f"`{m}`" for m in missing)
        if not 200 <= response.status < 300:  # e.g. a function that throws first (lambda_body_parse)
            return f"preflights are answered with status {response.status} and without {lacking}"
        return f"preflights are answered without {lacking}"

    @cached_property
    def preflight_failures(self) -> tuple[str, ...]:
        """The preflighted requests that fail at an answered preflight, as a browser judges
        them: each non-simple method the policy's routes serve (PUT and DELETE where the
        routes are not known), "JSON" and "authenticated" (where Allow-Headers is missing)."""
        origin = self.allowed_origin
        if origin is None:
            return ()
        path, credentials = self.policy.probe_path, self.credentials_enabled
        served = {method.upper() for route in self.policy.routes or () for method in route.methods}
        if served & {"*", "ALL"}:
            served |= {"PUT", "PATCH", "DELETE"}
        if not served - {"OPTIONS", "HEAD"}:  # no routes known, or only a base handler's `options`
            served = {"PUT", "DELETE"}
        failures: list[str] = [
            method
            for method in ("PUT", "PATCH", "DELETE")
            if method in served
            and self.preflight_passes(origin, method, credentials=credentials, path=path) is False
        ]
        json_post = PageRequest(origin, "POST", (("content-type", "application/json"),), path=path)
        answer = self.respond(json_post.preflight())
        if answer is not None and answer.get("Access-Control-Allow-Headers") is None:
            # (a header Allow-Headers leaves out is CORS203's or CORS204's to report)
            for what, method, header in (
                ("JSON", "POST", ("content-type", "application/json")),
                ("authenticated", "GET", ("authorization", "Bearer token")),
            ):
                passes = self.preflight_passes(
                    origin, method, dict((header,)), credentials=credentials, path=path
                )
                if passes is False:
                    failures.append(what)
        return tuple(failures)

    @cached_property
    def allowed_origin(self) -> str | None:
        """One origin the policy really lets read responses, for functional probes."""
        for origin in self.sample_origins:
            if self.allows(origin, path=self.policy.probe_path):
                return origin
        return ATTACKER if self.any_origin_allowed else None

    @cached_property
    def functional(self) -> PolicyProbe:
        """This probe, or, where the allowed origins are unknown (CORS305 says so), a probe
        of the same policy with a stand-in origin allowed: the rules about methods,
        headers and max-age judge what an allowed origin meets, whichever it is, so an
        unknown allow-list does not silence them."""
        unknown = [
            name
            for name in self.framework.roles.get("origins", ())
            if (value := self.policy.options.get(name)) is not None and is_unresolved(value)
        ]
        unknown += [name for name in unset_admits_none(self) if name not in unknown]  # unknown when set
        if not unknown or "**" in self.policy.options:
            return self
        for stand_in in ((Value(STAND_IN, self.policy.location),), STAND_IN):
            options = dict(self.policy.options)
            for name in unknown:
                options[name] = _standing_in(options[name], stand_in)
            probe = PolicyProbe(dataclasses.replace(self.policy, options=options))
            if probe.allows(STAND_IN, path=self.policy.probe_path):
                return probe
        return self

    def locate(self, role: Role) -> Location:
        return self.framework.locate(self.policy, role)

    def write_sites(self, role: Role) -> tuple[Location, ...]:
        """Where a finding about `role` belongs: `locate`, and for hand-written code every
        further write of the same header with the same value (an OPTIONS answer and the
        ordinary responses each write Allow-Origin): each is a place to fix."""
        first = self.locate(role)
        value = self.option(role)
        if not self.framework.handwritten or value is None:
            return (first,)
        names = self.framework.roles.get(role, ())
        # a place other headers are written at too is a call of a helper that writes
        # them all: the helper's own line (already `first`) is the place to fix
        shared = {v.location for name, v in self.policy.options.items() if name not in names}
        others = [
            other.location
            for name in names
            if (other := self.policy.options.get(name)) is not None
            and other is not value
            and other.location != first
            and other.location not in shared
            and _written(other) == _written(value) is not None
        ]
        return tuple(dict.fromkeys([first, *others]))

    def option(self, role: Role) -> Value | None:
        return self.framework.option_for(self.policy, role)

    def written_by_another_layer(self, role: Role) -> bool:
        """Whether hand-written code's answer carries `role`'s header only from a layer it is
        joined with (a Next.js middleware over next.config `headers()`, whose steps are the
        `NAME #configN` options): that layer's own findings are about the value."""
        names = self.framework.roles.get(role, ())
        if not self.framework.handwritten or not names or self.option(role) is not None:
            return False
        return any(key.startswith(f"{names[0]} #config") for key in self.policy.options)

    def holders(self, role: Role) -> dict[int, Value]:
        """For each value nested in an option of `role` (by identity), that option: made
        once per role, as entry findings ask it of thousands of entries."""
        found = self._holders.get(role)
        if found is None:
            found = self._holders[role] = {}
            for name in self.framework.roles.get(role, ()):
                value = self.policy.option(name)
                if value is not None:
                    for part in value.walk():
                        found.setdefault(id(part), value)
        return found

    def condition(self, *roles: Role) -> str:
        """ " (when ORIGINS is unset)" when a judged value is an environment default; every
        variable the finding rests on ("when ORIGINS and CREDENTIALS are unset")."""
        env_vars = [
            name for role in roles if (value := self.option(role)) is not None for name in value.env_vars
        ]
        return condition_clause(self.policy, env_vars)

    def related(self, *roles: Role) -> tuple[Related, ...]:
        out: list[Related] = []
        for role in roles:
            value = self.option(role)
            if value is None:
                out.extend(self._unset_in_options_object(role))
                continue
            for location in value.related:
                out.append(Related(location, f"the value of this {role} option is defined here"))
            # each option of the role set in another file than the finding's (Django's
            # credentials in production.py, its origins in base.py): a reader of either
            # file, or a pre-commit run on it, sees both
            for name in self.framework.roles.get(role, ()):
                option = self.policy.option(name)
                if option is not None and name not in {"*", "**"}:
                    out.append(Related(option.location, f"`{name}` {SET_HERE}"))
        return tuple(out)

    def _unset_in_options_object(self, role: Role) -> Iterator[Related]:
        """Where the options come from a named object (`cors(corsOptions)`, `**cors_kwargs`)
        and the role's option is missing from it: the object, as the place to write it."""
        names = [f"`{name}`" for name in self.framework.roles.get(role, ())]
        if not names:
            return
        unset = f"{names[0]} is not set" if len(names) == 1 else f"neither {' nor '.join(names)} is set"
        for e in self.policy.evidence:
            if e.kind == "options-object":
                yield Related(e.location, f"{e.detail}; {unset}")


def _written(step: Value) -> object:
    """What a hand-written header write puts in the response, whatever the request it
    answers (its condition), the call that writes it or how a request without the header
    fails there (`missing`); None where unknown."""
    if not isinstance(step.raw, dict):
        return None
    try:
        return repr(
            sorted(
                (key, part.plain())
                for key, part in step.raw.items()
                if key not in {"when", "writer", "missing"}
            )
        )
    except (UnresolvedValueError, AttributeError):
        return None
