from collections.abc import Iterator

from corslint.browser import PageRequest, preflight_check
from corslint.findings import Finding, Level, Related
from corslint.http import Response
from corslint.rules.base import ATTACKER, FASTAPI_APP, FLASK_APP, Example, PolicyProbe, Rule
from corslint.rules.cors201_wildcard_with_credentials import preflight_wildcard_with_credentials


class AuthorizationNotAllowed(Rule):
    """
    ## What it does
    Finds configurations under which a request carrying an `Authorization` header fails
    its preflight, when the app needs that header: the policy allows credentials, or the
    app visibly uses bearer tokens (FastAPI `OAuth2PasswordBearer` / `HTTPBearer`, code
    reading the `Authorization` header, express-jwt, passport-jwt).
    Hand-written headers that leave preflights unanswered fail every such request at
    once: that is reported once, as CORS206, not here.

    ## Why is this bad?
    `Authorization` is never safelisted, so a request carrying it is preflighted, and the
    preflight must list it in `Access-Control-Allow-Headers`. A `*` there does **not**
    cover it: the Fetch Standard makes `Authorization` a "non-wildcard request-header
    name" that must be listed by name. The console says *"Request header field
    authorization is not allowed by Access-Control-Allow-Headers in preflight response"*
    and every authenticated call from the front end fails, while the same call works from
    curl.

    ## Example
    ```python
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["https://app.example.com"],
        allow_credentials=True,
        allow_methods=["*"],
    )
    ```

    ## Use instead
    ```python
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["https://app.example.com"],
        allow_credentials=True,
        allow_methods=["*"],
        allow_headers=["Authorization", "Content-Type"],
    )
    ```
    Express: `allowedHeaders: ["Authorization", "Content-Type"]` (not `["*"]`);
    Django: keep `authorization` in `CORS_ALLOW_HEADERS`.

    **Fix:** Safe, where the allowed headers are a literal list (or Python tuple) of plain
    strings: `--fix` adds `Authorization` to it, in the quotes (and, for an all-lower-case list, the
    case) its entries use. Origins, credentials and methods stay as they were. Likewise where
    hand-written code or hosting configuration (Next.js `headers()`) writes
    `Access-Control-Allow-Headers` as one literal string of names: `Authorization` is appended
    to it. A list or value with `*`, comments, names defined elsewhere or built from parts,
    or a library option given as a comma-separated string, has no fix.

    ## References
    - Fetch Standard, CORS non-wildcard request-header name: https://fetch.spec.whatwg.org/#cors-non-wildcard-request-header-name
    - MDN, Access-Control-Allow-Headers: https://developer.mozilla.org/docs/Web/HTTP/Headers/Access-Control-Allow-Headers
    """

    id = "CORS204"
    name = "authorization-not-allowed"
    level = Level.WARNING
    summary = "`Authorization` is not an allowed header, so authenticated requests fail"
    tags = ("correctness",)
    bad = (
        Example(
            "starlette",
            FASTAPI_APP + "app.add_middleware(\n"
            "    CORSMiddleware,\n"
            '    allow_origins=["https://app.example.com"],\n'
            "    allow_credentials=True,\n"
            '    allow_methods=["*"],\n'
            ")\n",
        ),
        Example(
            "flask_cors",
            FLASK_APP + "CORS(\n"
            "    app,\n"
            '    origins=["https://app.example.com"],\n'
            "    supports_credentials=True,\n"
            '    allow_headers=["Content-Type"],\n'
            ")\n",
        ),
    )
    good = (
        Example(
            "starlette",
            FASTAPI_APP + "app.add_middleware(\n"
            "    CORSMiddleware,\n"
            '    allow_origins=["https://app.example.com"],\n'
            "    allow_credentials=True,\n"
            '    allow_methods=["*"],\n'
            '    allow_headers=["Authorization"],\n'
            ")\n",
        ),
        Example(
            "flask_cors",
            FLASK_APP + "CORS(\n"
            "    app,\n"
            '    origins=["https://app.example.com"],\n'
            "    supports_credentials=True,\n"
            '    allow_headers=["Content-Type", "Authorization"],\n'
            ")\n",
        ),
    )

    def check(self, probe: PolicyProbe) -> Iterator[Finding]:
        probe = probe.functional  # an unknown allow-list leaves this rule to judge
        if probe.written_by_another_layer("headers"):
            return  # the layer that writes the list reports it
        bearer = [e for e in probe.policy.evidence if e.kind == "bearer-auth"]
        credentials = probe.credentials_enabled
        if not bearer and not credentials:
            return
        why = "the policy allows credentials" if credentials else f"the app uses {bearer[0].detail}"
        related = (
            *probe.related("headers"),
            *(Related(e.location, f"bearer authentication: {e.detail}") for e in bearer[:2]),
        )
        origin = probe.allowed_origin
        if origin is None:
            answer = _preflight_only_refusal(probe, credentials)
            if answer is not None:  # the layer answers preflights alone (the rest is another's)
                yield self.finding(
                    probe,
                    probe.locate("headers"),
                    f"{probe.display} answers preflights with `Access-Control-Allow-Headers: "
                    f"{answer.get('access-control-allow-headers')}`, which does not allow the "
                    f"`Authorization` request header{' (`*` never covers it)' if '*' in _names(answer) else ''}, "
                    f"yet {why}: every request with a token fails its preflight",
                    related=related,
                )
            return
        if probe.unhandled_preflight is not None:  # CORS206's cause, unless the list lacks it too
            names = probe.written_allow_headers(origin)
            if names is not None and "authorization" not in names:
                wildcard = " (`*` never covers it)" if "*" in names else ""
                yield self.finding(
                    probe,
                    probe.locate("headers"),
                    f"{probe.display} writes `Access-Control-Allow-Headers` without `Authorization`"
                    f"{wildcard}, yet {why}: once its preflights are answered (CORS206), every "
                    "request with a token still fails its preflight"
                    + probe.condition("headers", *(("credentials",) if credentials else ())),
                    related=related,
                )
            return
        beforehand = probe.preflight_headers_written_beforehand(origin)
        if beforehand is not None:  # whatever answers the preflights sends this list
            written = probe.written_allow_headers(origin) or ()
            if not written or "authorization" in written:
                return
            fixed_first = credentials and beforehand.get("access-control-allow-origin") == "*"
            yield self.finding(
                probe,
                probe.locate("headers"),
                f"{probe.display} writes `Access-Control-Allow-Headers` without `Authorization`"
                + (" (`*` never covers it)" if "*" in written else "")
                + f" on every response, so whatever answers its preflights sends that list, yet {why}: "
                + ("once the origin is fixed (CORS201), " if fixed_first else "")
                + "every request with a token fails its preflight"
                + probe.condition("headers", *(("credentials",) if credentials else ())),
                related=related,
            )
            return
        path = probe.policy.probe_path
        simple = probe.fetch(origin, credentials=credentials, path=path)
        verdict = probe.fetch(
            origin, None, {"authorization": "Bearer token"}, credentials=credentials, path=path
        )
        token = {"authorization": "Bearer token"}
        if credentials and preflight_wildcard_with_credentials(probe, origin, path):
            # every credentialed preflight fails (CORS201); a header list that lacks
            # Authorization still fails once the origin is fixed
            page = PageRequest(origin, "PUT", tuple(token.items()), credentials, path)
            answer = probe.respond(page.preflight())
            listed = (answer.get("access-control-allow-headers") or "") if answer is not None else ""
            listed_names = {name.strip().lower() for name in listed.split(",") if name.strip()}
            if answer is None or not listed_names or "authorization" in listed_names:
                return
            yield self.finding(
                probe,
                probe.locate("headers"),
                f"{probe.display} does not allow the `Authorization` request header"
                + (" (`*` never covers it)" if "*" in listed_names else "")
                + f", yet {why}: once the origin is fixed (CORS201), every request with a token "
                "still fails its preflight"
                + probe.condition("headers", *(("credentials",) if credentials else ())),
                related=related,
            )
            return
        if simple is None or verdict is None or not simple.allowed or verdict.allowed:
            return
        if any(
            probe.preflight_passes(origin, method, token, credentials=credentials, path=path)
            for method in ("POST", "PUT", "PATCH", "DELETE")
        ):
            return  # the header passes with another method: GET is refused (Flask-CORS `methods`)
        wildcard = ""
        preflight = verdict.preflight
        if preflight is not None and "*" in (preflight.get("access-control-allow-headers") or "").split(", "):
            wildcard = " (`*` in Access-Control-Allow-Headers never covers Authorization)"
        yield self.finding(
            probe,
            probe.locate("headers"),
            f"{probe.display} does not allow the `Authorization` request header{wildcard}, yet "
            f"{why}: every request with a token fails its preflight"
            + probe.condition("headers", *(("credentials",) if credentials else ())),
            related=related,
        )


def _names(answer: Response) -> set[str]:
    listed = answer.get("access-control-allow-headers") or ""
    return {name.strip().lower() for name in listed.split(",") if name.strip()}


def _preflight_only_refusal(probe: PolicyProbe, credentials: bool) -> Response | None:
    """The answer of hand-written code that answers preflights but sends no Allow-Origin on
    other responses (an aiohttp middleware returning its own OPTIONS response: bogonets/
    answer core/recc/http/v2/router_v2_plugins.py), where a token preflight fails on
    Authorization alone: the same preflight without the header passes."""
    if not probe.framework.handwritten:
        return None
    path = probe.policy.probe_path
    token = PageRequest(ATTACKER, "PUT", (("authorization", "Bearer token"),), credentials, path)
    plain = PageRequest(ATTACKER, "PUT", (("content-type", "application/json"),), credentials, path)
    answer, plain_answer = probe.respond(token.preflight()), probe.respond(plain.preflight())
    if answer is None or plain_answer is None or not preflight_check(plain, plain_answer).ok:
        return None
    if preflight_check(token, answer).ok or "authorization" in _names(answer):
        return None
    return answer
