"""Access-Control-* headers written by hand in Express middleware and handlers.

There is no library here: the extractor turns the handler's code into an ordered list of
steps, and `respond` replays them for a request. Each option is one step, keyed by the
header it writes (``"Access-Control-Allow-Origin"``; a second write of the same header is
``"Access-Control-Allow-Origin #2"``) or ``"end"`` / ``"end #2"`` for a statement that
answers the request. A step's value is a mapping:

- ``value``: what is written: a string, a tuple (one header line per item), or a
  `HeaderReflection` (the request's Origin or Access-Control-Request-Headers);
- ``writer``: ``set`` (express ``res.set``/``res.header``: ``String(value)``), ``koa-set``
  (Koa's ``ctx.set``, the same, except that ``ctx.get`` reads a missing header as ``""``),
  ``hono-set`` (Hono's ``c.header``: a missing value, ``undefined``, deletes the header),
  ``setHeader`` (node: ``undefined`` throws, express answers 500), ``append``
  (``res.append``: another line) or ``vary`` (``res.vary``: merged into Vary);
- ``when``: the conditions under which the step runs: ``OPTIONS`` / ``!OPTIONS``
  (``req.method === "OPTIONS"``), ``PREFLIGHT`` / ``!PREFLIGHT`` (h3's ``isPreflightRequest``:
  OPTIONS with an Origin and Access-Control-Request-Method), ``ALLOWED`` / ``!ALLOWED`` (the ``guard`` option's
  allow-list admits the Origin), ``ORIGIN`` / ``!ORIGIN`` (an Origin header is present),
  ``METHOD:GET,HEAD`` (a route handler, which runs for its own methods only),
  ``PATH:next:/api/:path*`` (a header configured for another path pattern: Next.js,
  Vercel and Netlify send the headers of every rule whose pattern matches),
  ``HEADER:x-embed`` / ``HEADER:origin~REGEX`` (a Next.js `has` condition: the request
  header is present / its value matches ``^REGEX$``; ``!`` for `missing`);
- for ``end`` steps, ``status``: the status sent (``res.sendStatus(204)``).

``when`` holds ``?`` for a test corslint cannot decide; the ``condition`` option then
holds that test as an unknown value (CORS305), and requests reaching such a step are not
answered by the model.

A request that reaches no ``end`` step goes on to code the steps do not cover (the routes,
the rest of the handler). What then answers an ``OPTIONS`` request is the one behaviour in
which the servers differ, so each has its own `Framework` here, named for the framework
that sends the headers:

- Express (``express_headers``): its router answers an ``OPTIONS`` that no route handles
  itself, 200 with ``Allow``, keeping the headers set before ``next()`` (a page only
  calls paths that have routes);
- Node's ``http`` server (``node_headers``), Koa (``koa_headers``), Fastify
  (``fastify_headers``) and Hono (``hono_headers``): nothing is automatic. The rest of the request handler, Koa's
  downstream middleware or Fastify's routes decide (Koa answers 404 when nothing sets a
  body, Fastify 404 without an ``OPTIONS`` route), code the steps do not cover: the
  answer to such an ``OPTIONS`` request is unresolved, never guessed. The same holds for
  Express code no app mounts (``express_helper_headers``, a helper its callers run), and
  for Deno's Oak (``oak_headers``): Koa's ``(ctx, next)`` middleware writing through
  ``ctx.response.headers.set``, where what is written after ``await next()`` still goes
  out (Oak builds the response once the whole chain has run, replacing what later
  middleware wrote under the same name). h3 handlers (``h3_headers``: Nuxt / Nitro
  server middleware, routes and the utils handed the event) too: a returned value
  answers, a bare return hands the request to the next layer.
- restify (``restify_headers``): its router answers an ``OPTIONS`` request before any
  ``use`` middleware runs (2.x-4.x with its own preflight answer for an existing route,
  left unresolved as above; 5+ with 405 and no CORS header, where the project's restify
  major is certain: ``options_status`` "refused-before 405"; docs/semantics/restify.md).
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from corslint.frameworks.config_paths import PLATFORMS, source_matches
from corslint.frameworks.express import is_origin_allowed, js_string, regex_test, vary_append
from corslint.frameworks.framework import Framework, OriginEntry
from corslint.http import HeaderList, Request, Response
from corslint.model import (
    CorsPolicy,
    FunctionValue,
    HeaderReflection,
    Provenance,
    Regex,
    UnresolvedValueError,
    Value,
)

HEADERS = (
    "Access-Control-Allow-Origin",
    "Access-Control-Allow-Credentials",
    "Access-Control-Allow-Methods",
    "Access-Control-Allow-Headers",
    "Access-Control-Expose-Headers",
    "Access-Control-Max-Age",
    "Vary",
)
AUTOMATIC_OPTIONS_STATUS = 200
NAMED_ORIGIN = "named-origin"


def variants(header: str) -> tuple[str, ...]:
    return (header, *(f"{header} #{n}" for n in range(2, 16)))


class ResponseError(Exception):
    pass


def holds(condition: str, request: Request, guard: Any, further: dict[str, Any] | None = None) -> bool:
    """Whether `condition` holds for `request`; `further` holds the guards of ``ALLOWED#2``...
    (the options ``guard #2``...: another allow-list an `else if` arm tests)."""
    negated = condition.startswith("!")
    atom = condition.lstrip("!")
    if atom.startswith("METHOD:"):
        result = request.method.upper() in atom[len("METHOD:") :].split(",")
    elif atom == "OPTIONS":
        result = request.method.upper() == "OPTIONS"
    elif atom == "ORIGIN":
        result = bool(request.origin)
    elif atom == "PREFLIGHT":  # h3's `isPreflightRequest(event)`
        result = request.method.upper() == "OPTIONS" and bool(request.origin)
        result = result and bool(request.header("access-control-request-method"))
    elif atom == "ALLOWED":
        if guard is None:
            raise ValueError("a guarded step without a guard")
        result = guard_allows(guard, request.origin)
    elif atom.startswith("ALLOWED#"):
        other = (further or {}).get(f"guard #{atom[len('ALLOWED#') :]}")
        if other is None:
            raise ValueError("a guarded step without a guard")
        result = guard_allows(other, request.origin)
    elif atom.startswith("PATH:"):  # "PATH:next:/api/:path*": another configured rule's source
        platform, _, source = atom[len("PATH:") :].partition(":")
        result = source_matches(platform, source, request.path)
    elif atom.startswith("HEADER:"):  # Next.js `has`: "HEADER:x-embed" (present), "HEADER:origin~RE"
        name, _, pattern = atom[len("HEADER:") :].partition("~")
        sent = request.origin if name == "origin" else request.header(name)
        result = bool(sent) and (not pattern or regex_test(Regex(f"^{pattern}$"), str(sent)))
    else:
        raise ValueError(f"unknown condition {condition}")
    return result != negated


def guard_allows(guard: Any, origin: str | None) -> bool:
    if isinstance(guard, FunctionValue):
        if guard.kind == "reflect-all":
            return origin is not None
        entries = tuple(item.plain() for item in guard.allowed)
        return origin is not None and is_origin_allowed(origin, entries)
    return origin is not None and is_origin_allowed(origin, guard)


def header_lines(value: Any, request: Request, writer: str) -> list[str]:
    if isinstance(value, HeaderReflection):
        # "named-origin:...": input the caller chooses (`req.query.site`): a page names its own origin
        named = value.source == "origin" or value.source.startswith(NAMED_ORIGIN)
        sent = request.origin if named else request.header(value.source)
        if sent is None:
            if writer == "fetch-set":
                return ["null"]  # `headers.get("origin")` is null, and Headers writes String(null)
            if writer == "lambda":
                return []  # undefined: JSON.stringify leaves the header out of the result
            if writer == "setHeader":
                raise ResponseError("setHeader(name, undefined)")
            if writer == "hono-set":
                return []  # Hono's `c.header(name, undefined)` deletes the header
            return [""] if writer == "koa-set" else ["undefined"]
        return [sent]
    if writer == "lambda" and value is None:
        return []  # undefined (or null) in a Lambda result: no header
    if isinstance(value, tuple):
        if writer in {"fetch-set", "lambda"}:
            return [js_string(value)]  # Headers: String(array), items joined with ","
        return [js_string(item) for item in value]
    if isinstance(value, (FunctionValue, Regex, dict)):
        raise TypeError("not a header value")
    return [js_string(value)]


def respond(policy: CorsPolicy, request: Request) -> Response:
    """Express: an OPTIONS request the steps leave unanswered gets the router's own 200,
    unless an earlier layer answers it (`options_status` "answered-elsewhere", see
    extractors.express.route_preflights): what it answers is not these steps' business."""
    passed_on = policy.options.get("options_status")
    if passed_on is not None and passed_on.known and passed_on.raw == "answered-before":
        # an app-wide cors() registered before answers every preflight: none reaches the steps
        if request.method.upper() == "OPTIONS":
            raise UnresolvedValueError(passed_on)
        return replay(policy, request, UNKNOWN_ANSWER)
    if passed_on is not None and passed_on.known and passed_on.raw == "answered-elsewhere":
        return replay(policy, request, UNKNOWN_ANSWER)
    return replay(policy, request, AUTOMATIC_OPTIONS_STATUS)


def respond_passing_on(policy: CorsPolicy, request: Request) -> Response:
    """Node http, Koa, Fastify, and Express code no app mounts: an unanswered request goes
    on to code the steps do not cover, and what that answers to OPTIONS is not known,
    unless the extractor saw that nothing there answers it (`options_status` None: a Koa
    app whose other middleware never answers OPTIONS, so Koa's 404 follows) or what does
    (a status: a koa-router's `allowedMethods()`)."""
    passed_on = policy.options.get("options_status")
    unanswered = passed_on is not None and passed_on.known and passed_on.raw is None
    if passed_on is not None and passed_on.known and passed_on.raw == "answered-before":
        # a Fastify CORS plugin on the route's instance answers every preflight
        if request.method.upper() == "OPTIONS":
            raise UnresolvedValueError(passed_on)
        return replay(policy, request, UNKNOWN_ANSWER)
    if passed_on is not None and passed_on.known and isinstance(passed_on.raw, int):
        return replay(policy, request, passed_on.raw)  # a Koa router's allowedMethods() answers it
    if passed_on is not None and passed_on.known and str(passed_on.raw).startswith(REFUSED_BEFORE):
        # restify 5+'s router refuses OPTIONS before the code runs: its status, no header of it
        if request.method.upper() == "OPTIONS":
            return Response(int(str(passed_on.raw).split()[-1]))
        return replay(policy, request, UNKNOWN_ANSWER)
    return replay(policy, request, None if unanswered else UNKNOWN_ANSWER)


# headers that decide no request's fate: one written under an undecided condition is left
# out (its rules stay silent) instead of leaving the whole answer unknown
UNDECIDED_HARMLESS = frozenset({"access-control-max-age", "access-control-expose-headers"})
REFUSED_BEFORE = "refused-before"  # `refused-before 405`: an earlier layer refuses every OPTIONS
UNKNOWN_ANSWER = -1  # `replay`: what answers an unanswered OPTIONS request is not known
NEXT_OWN_OPTIONS_STATUS = 204  # a route handler without an OPTIONS export (next 16.5.0)
# an App Router page answers OPTIONS 405 (measured), but a page is read with simple GETs:
# left unanswered, so that rules do not report preflights no page is sent
_NEXT_STATUSES = {"handler": NEXT_OWN_OPTIONS_STATUS}


def next_options_status(answers: tuple[str, ...], path: str) -> int | None:
    """What `next start` answers an OPTIONS request for `path` with (measured, next 16.5.0),
    from the app's routes (`KIND REGEX` entries, most specific first, see
    extractors.express.next_routes): 204 behind a route handler without an OPTIONS
    export; None where code decides (a handler's own OPTIONS, a Pages Router file, a
    redirect, a rewrite), behind an App Router page (405, see `_NEXT_STATUSES`), where no
    route is (404, unless a public file is there) or where the routes do not settle the
    path (a trailing slash: a 308; a file name)."""
    if path != "/" and (path.endswith("/") or "." in path.rsplit("/", 1)[-1]):
        return None
    for entry in answers:
        kind, _, regex = entry.partition(" ")
        if kind == "fallback":
            return None
        if kind == "middleware":  # its `matcher` source: the middleware may answer there
            if source_matches("next", regex, path):
                return None
        elif kind == "redirect":
            if re.fullmatch(regex, path, re.IGNORECASE):
                return None
        elif re.fullmatch(regex, path):
            if kind.startswith("pages-refuses-"):  # `pages-refuses-405-PUT`: the handler's refusal
                return int(kind.split("-")[2])
            return _NEXT_STATUSES.get(kind)
        elif re.fullmatch(regex, path, re.IGNORECASE):
            return None  # routes by case: not measured
    return None


def respond_next(policy: CorsPolicy, request: Request) -> Response:
    """Next.js `headers()`: an OPTIONS request the headers leave unanswered is answered by
    what is behind its path (`next_options`), where the model knows it."""
    answers = policy.options.get("next_options")
    if request.method.upper() != "OPTIONS" or answers is None or not answers.known:
        return respond_passing_on(policy, request)
    status = next_options_status(tuple(answers.plain()), request.path)
    return replay(policy, request, UNKNOWN_ANSWER if status is None else status)


def replay(policy: CorsPolicy, request: Request, automatic_options_status: int | None) -> Response:
    """The steps for one request; `automatic_options_status` answers an OPTIONS request
    that no step ends (None: it goes on to code the steps do not cover; `UNKNOWN_ANSWER`:
    what that code answers is not known, and the answer is unresolved)."""
    guard_value = policy.options.get("guard")
    guard = guard_value.plain() if guard_value is not None else None
    further = {name: value.plain() for name, value in policy.options.items() if name.startswith("guard #")}
    headers = HeaderList()
    # the headers when an undecided test may end a request that is no preflight: its status
    # is no CORS matter, so the answer is known if going on writes nothing different
    undecided_end: Response | None = None
    preflight = request.method.upper() == "OPTIONS"
    try:
        for name, step in policy.options.items():
            if name in {"guard", "condition", "options_status", "next_options"} or name.startswith("guard #"):
                continue
            if not step.known:
                raise UnresolvedValueError(step)
            parts = step.raw
            when = parts["when"].plain() if "when" in parts else ()
            # the conditions all hold for the step to run: one known to fail skips it,
            # whatever the undecided ones ("?") are
            if not all(holds(condition, request, guard, further) for condition in when if condition != "?"):
                continue
            if "?" in when:
                if name.split(" #", 1)[0].lower() in UNDECIDED_HARMLESS:
                    continue  # decides no request's fate: left out, not the whole answer unknown
                if name.startswith("end") and not preflight:
                    undecided_end = _same_as_undecided(headers.response(None), undecided_end, policy)
                    continue
                raise UnresolvedValueError(_undecided(policy))
            if name.startswith("end"):
                status = parts["status"].plain()  # None: computed at run time, for no preflight
                return _same_as_undecided(
                    headers.response(None if status is None else int(status)), undecided_end, policy
                )
            header = name.split(" #", 1)[0]
            writer = parts["writer"].plain()
            value_node: Value = parts["value"]
            if header.lower() in UNDECIDED_HARMLESS and not value_node.known:
                continue  # decides no request's fate: left out (CORS305 names it), not the whole answer
            value = value_node.raw if isinstance(value_node.raw, HeaderReflection) else value_node.plain()
            lines = header_lines(value, request, writer)
            if writer == "vary" or (header == "Vary" and writer == "vary"):
                for line in lines:
                    for field in line.split(","):
                        if field.strip():
                            vary_append(headers, field.strip())
            elif writer == "append":
                for line in lines:
                    headers.add(header, line)
            else:
                headers.remove(header)
                for line in lines:
                    headers.add(header, line)
    except ResponseError:
        return Response(500)
    if request.method.upper() == "OPTIONS":
        if automatic_options_status == UNKNOWN_ANSWER:
            raise UnresolvedValueError(
                Value(
                    None,
                    policy.location,
                    Provenance.UNKNOWN,
                    description="what answers the OPTIONS requests this code leaves unanswered",
                )
            )
        return headers.response(automatic_options_status)
    return _same_as_undecided(headers.response(None), undecided_end, policy)


def _undecided(policy: CorsPolicy) -> Value:
    """The test a step depends on that corslint cannot decide (`condition`)."""
    found = policy.options.get("condition")
    if found is not None:
        return found
    return Value(None, policy.location, Provenance.UNKNOWN, description="a test corslint could not decide")


def _same_as_undecided(response: Response, undecided_end: Response | None, policy: CorsPolicy) -> Response:
    """`response`, when a request an undecided test may have ended earlier would have had
    the same headers (`if (!problems.isEmpty()) return res.status(422).json(...)` after the
    CORS headers were written); otherwise the answer is not known."""
    if undecided_end is not None and undecided_end.headers != response.headers:
        raise UnresolvedValueError(_undecided(policy))
    return response


def origin_entries(policy: CorsPolicy) -> tuple[OriginEntry, ...]:
    entries: list[OriginEntry] = []
    admitting = _admitting_atoms(policy)
    for name in variants("guard"):
        guard = policy.options.get(name)
        if guard is None or not guard.known:
            continue
        if name != "guard" and f"ALLOWED#{name.rsplit('#', 1)[-1]}" not in admitting:
            continue  # an `else if` arm's list that refuses (`return res.sendStatus(403)`): no entries allowed
        raw = guard.raw
        items = raw.allowed if isinstance(raw, FunctionValue) else guard.entries
        for item in items:
            kind: Any = "regex" if item.known and isinstance(item.raw, Regex) else "literal"
            entries.append(OriginEntry(item, kind))
    for name in variants("Access-Control-Allow-Origin"):
        step = policy.options.get(name)
        if step is None or not step.known:
            continue
        value = step.raw.get("value")
        if isinstance(value, Value) and value.known and isinstance(value.raw, str) and value.raw != "*":
            entries.append(OriginEntry(value, "literal"))
    return tuple(entries)


def _admitting_atoms(policy: CorsPolicy) -> set[str]:
    """The atoms an Allow-Origin write runs under, unnegated (`ALLOWED#2`: that arm's list admits)."""
    atoms: set[str] = set()
    for name in variants("Access-Control-Allow-Origin"):
        step = policy.options.get(name)
        when = (
            step.raw.get("when") if step is not None and step.known and isinstance(step.raw, dict) else None
        )
        if isinstance(when, Value) and when.known:
            atoms.update(str(atom) for atom in when.plain())
    return atoms


_ROLES = {
    "origins": variants("Access-Control-Allow-Origin"),
    "credentials": variants("Access-Control-Allow-Credentials"),
    "methods": variants("Access-Control-Allow-Methods"),
    "headers": variants("Access-Control-Allow-Headers"),
    "expose": variants("Access-Control-Expose-Headers"),
    "max_age": variants("Access-Control-Max-Age"),
}


def config_answers(policy: CorsPolicy, path: str) -> bool:
    """Whether a configured `source` (`for`) pattern matches, as the platform matches it."""
    if not policy.scope:
        return True
    return source_matches(PLATFORMS[policy.framework], policy.scope, path)


def _handwritten(name: str, display: str, answer: Any, answers: Any = None) -> Framework:
    # displays are singular subjects: messages say "{display} answers"
    framework = Framework(
        name=name,
        display=display,
        respond=answer,
        roles=_ROLES,
        origin_entries=origin_entries,
        comment_prefix="//",
        handwritten=True,
    )
    return framework if answers is None else dataclasses.replace(framework, answers=answers)


FRAMEWORK = _handwritten("express_headers", "Hand-written Express CORS code", respond)
FRAMEWORKS = (
    FRAMEWORK,
    # the same code where no app mounts it (a helper its callers run): they answer OPTIONS
    _handwritten("express_helper_headers", "Hand-written Express CORS code", respond_passing_on),
    _handwritten("node_headers", "Hand-written Node http CORS code", respond_passing_on),
    _handwritten("nextjs_helper_headers", "Hand-written Next.js CORS code", respond_passing_on),
    _handwritten("koa_headers", "Hand-written Koa CORS code", respond_passing_on),
    # restify 2.x-4.x answers a preflight to an existing route itself (its own headers):
    # unresolved; 5+ answers 405 (options_status "refused-before 405", where the major is known)
    _handwritten("restify_headers", "Hand-written restify CORS code", respond_passing_on),
    _handwritten("fastify_headers", "Hand-written Fastify CORS code", respond_passing_on),
    _handwritten("hono_headers", "Hand-written Hono CORS code", respond_passing_on),
    _handwritten("oak_headers", "Hand-written Oak CORS code", respond_passing_on),
    # an h3 handler (Nuxt / Nitro server middleware, routes, utils): a bare return passes on
    _handwritten("h3_headers", "Hand-written h3 (Nuxt/Nitro) CORS code", respond_passing_on),
    # sw2express middleware runs for every request; the route behind it answers OPTIONS
    _handwritten("sw2express_headers", "Hand-written sw2express CORS code", respond_passing_on),
    # headers written in configuration: sent on the responses a path pattern matches; an
    # OPTIONS request is answered by whatever route or middleware is behind them
    _handwritten("nextjs_headers", "Next.js `headers()` configuration", respond_next, config_answers),
    # (`respond_next`: a SvelteKit app's routes behind vercel.json, extractors/express/vercel_sveltekit.py)
    _handwritten("vercel_headers", "The vercel.json `headers` configuration", respond_next, config_answers),
    _handwritten("netlify_headers", "Netlify's headers configuration", respond_passing_on, config_answers),
    # Cloudflare Pages' `_headers` (static assets; OPTIONS answered 405 there, left unknown)
    _handwritten(
        "cloudflare_pages_headers", "Cloudflare Pages' `_headers` file", respond_passing_on, config_answers
    ),
    # Nitro / Nuxt `routeRules` headers (`cors: true`): sent on every matching response,
    # OPTIONS included; the route behind the path answers it
    _handwritten(
        "nitro_route_rules", "Nitro's `routeRules` configuration", respond_passing_on, config_answers
    ),
    # a Next.js middleware (`middleware.ts` / `proxy.ts`): its responses' headers, the
    # configured ones added; an OPTIONS it passes on is answered by the route behind it
    _handwritten("nextjs_middleware", "Next.js middleware", respond_next),
    # response objects a function returns (extractors.express.response_objects): what
    # answers the OPTIONS requests their code leaves unanswered is not known
    _handwritten("lambda_headers", "The AWS Lambda result", respond_passing_on),
    _handwritten("fetch_headers", "The Fetch Response", respond_passing_on),
    # a CloudFront Function / Lambda@Edge on the viewer's response: OPTIONS is the origin's
    _handwritten("cloudfront_function_headers", "The CloudFront edge function", respond_passing_on),
    # a SvelteKit `handle` hook: every request; an OPTIONS it passes on is the route's
    _handwritten("sveltekit_hook_headers", "The SvelteKit server hook", respond_passing_on),
    # a `+server.ts` endpoint: each export answers its method; SvelteKit answers OPTIONS 405
    _handwritten("sveltekit_endpoint_headers", "The SvelteKit endpoint", respond_passing_on),
    # an Astro endpoint (`src/pages/api/x.ts`): each export answers its method
    _handwritten("astro_endpoint_headers", "The Astro endpoint", respond_passing_on),
    _handwritten("solidstart_route_headers", "The SolidStart API route", respond_passing_on),
    # a route of an itty-router table: it answers its own method; OPTIONS goes to the router
    _handwritten("itty_router_route_headers", "The itty-router route", respond_passing_on),
    _handwritten("nextjs_route_headers", "The Next.js route handler", respond_passing_on),
)
