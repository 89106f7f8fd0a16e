"""Two CORS layers on one Express app, for CORS302: whether hand-written headers after the
app's `cors()` only write again what `cors()` sent, and what the two layers do to each
other's answers.

Sweep 13 W3 (gallucm/todo_backend app.js: `app.use(cors())`, then a middleware setting
`Access-Control-Allow-Origin: *` and Allow-Headers by `res.setHeader`; REVIEW2 X4 for
hand-written Express headers). Measured with express 5 + cors 2.8
(tests/test_differential_express_repeated_policy.py): `cors()` ends every preflight
itself (204), so the hand-written layer never sees one; on other requests it replaces
(`setHeader`, `res.header`, `res.set`) the headers `cors()` wrote, with the same values.
Each answer carries one Allow-Origin, the one `cors()` sent: nothing is overridden or mixed.
The same holds for a repeated allow-list with credentials (session 13's leftover, measured in
tests/test_differential_express_repeated_allow_list.py): the layer is no second policy.
Preflight-only headers (Allow-Methods, Allow-Headers, Max-Age) on an answer that is no
preflight are read by no browser, so they are left out of the comparison.

Session 15 (held-out sets 23 and 24; measured with express 4 + cors 2.8 + apollo-server-express
3.13 in tests/test_differential_apollo_same_answers.py): Apollo's `applyMiddleware` behind an
app-wide `cors()` is a second cors package layer. When both policies send the same headers on
every request Apollo's layer sees (GiluAn/nextjs-nestjs-graphql-prisma: `origin: true,
credentials: true` twice), it is no second policy either. When its own policy differs but the
Allow-Origin it writes is the one the first sent (TiagoGIM/api-transactions-airbank: Apollo's
default `*` behind `cors({ origin: "*", credentials: true })`), answers are the first's alone.

The layers are compared by their answers, as for Starlette (rules/starlette_layers.py): for
every origin the configurations name (and an attacker's, `null` and none), each header the
hand-written layer writes on a GET and on a POST must be, with the same single value, the
one `cors()` sends on that request. Only hand-written code that comes after a `cors()`
answering every preflight (`options_status` "answered-before"), writes every
`Access-Control-*` header by replacement, and whose answers are all known is compared."""

from __future__ import annotations

from corslint.http import Request, Response
from corslint.model import Value
from corslint.rules.preflight_answers import preflights_answered_before
from corslint.rules.probe import ATTACKER, PolicyProbe

_LIBRARY = "express"
_HAND_WRITTEN = "express_headers"
_REPLACING = frozenset({"set", "setHeader"})  # `res.set` / `res.header`, node's `setHeader`
# read by browsers on a preflight's answer only
_PREFLIGHT_ONLY = frozenset(
    {"access-control-allow-methods", "access-control-allow-headers", "access-control-max-age"}
)
# sweep 13 W1, W5 (extractors/express/layer_gates.py): what reaches a layer, or what pages
# read of its answers, is decided by another layer of the app: CORS105 / CORS101 skip it
NOT_WHAT_PAGES_READ = frozenset({"origin-gated", "origin-replaced-later"})
_APOLLO = "apollo_server"  # applyMiddleware's cors package layer on the server's path


def repeats_cors_policy(library: PolicyProbe, written: PolicyProbe) -> bool:
    """Whether `written` (hand-written Express headers after `library`, the app's `cors()`)
    only writes again, by replacement, what `cors()` sent on the requests it sees."""
    if library.policy.framework != _LIBRARY or written.policy.framework != _HAND_WRITTEN:
        return False
    if not preflights_answered_before(written.policy):
        return False
    if not _replaces_only(written):
        return False
    origins = dict.fromkeys([*library.sample_origins, *written.sample_origins, ATTACKER, "null", None])
    path = library.policy.probe_path
    for origin in origins:
        for method in ("GET", "POST"):
            request = Request(method, origin, path=path)
            mine, theirs = written.respond(request), library.respond(request)
            if mine is None or theirs is None or not _same_where_written(mine, theirs):
                return False
    return True


def same_cors_answers(library: PolicyProbe, apollo: PolicyProbe) -> bool:
    """Whether Apollo's cors layer behind the app's `cors()`, which ends every preflight,
    sends on the requests it sees the same Access-Control-* headers as `cors()` does."""
    if not _behind_cors(library, apollo):
        return False
    return all(
        mine is not None and theirs is not None and _answered(mine) == _answered(theirs)
        for mine, theirs in _answers(library, apollo)
    )


def same_origin_written(library: PolicyProbe, apollo: PolicyProbe) -> bool:
    """Whether Apollo's cors layer behind the app's `cors()` writes, on every request it sees,
    the `Access-Control-Allow-Origin` `cors()` sent (or none where `cors()` sent none): its
    answers are then the first layer's alone, whatever else its own policy says."""
    if not _behind_cors(library, apollo):
        return False
    return all(
        mine is not None
        and theirs is not None
        and [v for k, v in mine.headers if k == "access-control-allow-origin"]
        == [v for k, v in theirs.headers if k == "access-control-allow-origin"]
        for mine, theirs in _answers(library, apollo)
    )


def _behind_cors(library: PolicyProbe, apollo: PolicyProbe) -> bool:
    if library.policy.framework != _LIBRARY or apollo.policy.framework != _APOLLO:
        return False
    passed_on = library.policy.option("preflightContinue")
    return passed_on is None or (passed_on.known and passed_on.raw is False)


def _answers(library: PolicyProbe, apollo: PolicyProbe) -> list[tuple[Response | None, Response | None]]:
    """Both layers' answers to the requests no preflight: those Apollo's layer sees."""
    origins = dict.fromkeys([*library.sample_origins, *apollo.sample_origins, ATTACKER, "null", None])
    path = apollo.policy.probe_path
    requests = [Request(method, origin, path=path) for origin in origins for method in ("GET", "POST")]
    return [(apollo.respond(request), library.respond(request)) for request in requests]


def _answered(answer: Response) -> list[tuple[str, str]]:
    return sorted(
        (name, value)
        for name, value in answer.headers
        if name.startswith("access-control-") and name not in _PREFLIGHT_ONLY
    )


def _replaces_only(written: PolicyProbe) -> bool:
    steps = 0
    for name, step in written.policy.options.items():
        if not name.lower().startswith("access-control-"):
            continue
        if not step.known or not isinstance(step.raw, dict):
            return False
        writer = step.raw.get("writer")
        if not isinstance(writer, Value) or writer.raw not in _REPLACING:
            return False
        steps += 1
    return steps > 0


def _same_where_written(mine: Response, theirs: Response) -> bool:
    for name, value in mine.headers:
        if not name.startswith("access-control-") or name in _PREFLIGHT_ONLY:
            continue
        if [v for k, v in theirs.headers if k == name] != [value]:
            return False
    return True


def first_only_credentials(earlier: PolicyProbe, later: PolicyProbe) -> bool:
    """Whether the earlier `cors()` sends `Access-Control-Allow-Credentials` on an ordinary
    answer and the later layer writes none: the one header CORS302's "the headers only the
    first sets (such as ...) stay" names. Unknown answers count as sending it."""
    if any(
        name.split(" #", 1)[0].lower() == "access-control-allow-credentials" for name in later.policy.options
    ):
        return False
    if later.policy.framework == _LIBRARY and later.policy.plain_option("credentials") not in (None, False):
        return False  # a second cors() that sets credentials itself
    for origin in dict.fromkeys([*earlier.sample_origins, ATTACKER]):
        answer = earlier.respond(Request("GET", origin, path=earlier.policy.probe_path))
        if answer is None or answer.get("access-control-allow-credentials") is not None:
            return True
    return False
