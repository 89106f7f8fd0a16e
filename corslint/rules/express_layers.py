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

The layers are compared by their answers, as for Starlette (rules/starlette_layers.py): for
every origin the configurations name (and an attacker's, `null` and none), each header the
hand-written layer writes on a GET and on a POST must be, with the same single value, the
one `cors()` sends on that request. Only hand-written code that comes after a `cors()`
answering every preflight (`options_status` "answered-before"), writes every
`Access-Control-*` header by replacement, and whose answers are all known is compared."""

from __future__ import annotations

from corslint.http import Request, Response
from corslint.model import Value
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
_ANSWERED_BEFORE = "answered-before"  # the earlier cors() ends every preflight (route_preflights)


def repeats_cors_policy(library: PolicyProbe, written: PolicyProbe) -> bool:
    """Whether `written` (hand-written Express headers after `library`, the app's `cors()`)
    only writes again, by replacement, what `cors()` sent on the requests it sees."""
    if library.policy.framework != _LIBRARY or written.policy.framework != _HAND_WRITTEN:
        return False
    status = written.policy.options.get("options_status")
    if status is None or not status.known or status.raw != _ANSWERED_BEFORE:
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
