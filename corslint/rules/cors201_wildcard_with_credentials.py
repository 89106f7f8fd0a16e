from collections.abc import Iterator

from corslint.browser import PageRequest
from corslint.findings import Finding, Level, Related
from corslint.http import Request
from corslint.model import Location
from corslint.rules.base import ATTACKER, EXPRESS_APP, FASTAPI_APP, Example, PolicyProbe, Rule


class WildcardWithCredentials(Rule):
    """
    ## What it does
    Finds configurations that send `Access-Control-Allow-Origin: *` together with
    `Access-Control-Allow-Credentials: true`.

    ## Why is this bad?
    The browser's CORS check refuses `*` for any request made with credentials (cookies,
    HTTP authentication, client certificates): `fetch(url, {credentials: "include"})` and
    `xhr.withCredentials = true` fail with *"The value of the 'Access-Control-Allow-Origin'
    header in the response must not be the wildcard '*' when the request's credentials
    mode is 'include'"*. The combination is not a hole; it is broken: logged-in requests
    never work, and the credentials header is a sign that someone expected them to.

    It matters which framework you use: Express `cors`, Fastify and Hono send the literal
    `*` (broken, this rule), while Starlette, Flask-CORS and django-cors-headers quietly
    reflect the caller's origin instead (exploitable: CORS101).

    ## Example
    ```js
    app.use(cors({ origin: "*", credentials: true }));
    ```

    ## Use instead
    ```js
    app.use(cors({ origin: ["https://app.example.com"], credentials: true }));
    ```
    Or drop `credentials: true` if the API does not use cookies.

    **Fix:** Unsafe (`--unsafe-fixes`), where the file names the allowed origins
    unambiguously: `--fix` replaces the literal `"*"` of the origin option with the name
    of the one module-level list whose name says it holds origins (`ALLOWED_ORIGINS`,
    `allowedOrigins`, `origins`), assigned once, before the option, to a literal list of
    the https origins of deployed sites (no local development server, no plain http, no
    `*`). Every other origin then loses access, which is why it is unsafe; it never opens
    access wider. Where there is no such list (an environment variable, another module, a
    list with `localhost`, two candidate lists), there is no fix.

    ## References
    - Fetch Standard, CORS check: https://fetch.spec.whatwg.org/#cors-check
    - MDN, CORSNotSupportingCredentials: https://developer.mozilla.org/docs/Web/HTTP/CORS/Errors/CORSNotSupportingCredentials
    """

    id = "CORS201"
    name = "wildcard-with-credentials"
    level = Level.ERROR
    summary = "`*` is sent with `Allow-Credentials: true`; every credentialed request fails"
    tags = ("correctness",)
    bad = (
        Example(
            "express",
            EXPRESS_APP + 'app.use(cors({ origin: "*", credentials: true }));\n',
        ),
    )
    good = (
        Example(
            "express",
            EXPRESS_APP + 'app.use(cors({ origin: ["https://app.example.com"], credentials: true }));\n',
        ),
        Example(
            "starlette",
            FASTAPI_APP + 'app.add_middleware(CORSMiddleware, allow_origins=["*"])\n',
        ),
    )

    def check(self, probe: PolicyProbe) -> Iterator[Finding]:
        path = probe.policy.probe_path
        for origin in dict.fromkeys([probe.allowed_origin or ATTACKER, ATTACKER]):
            response = probe.respond(Request(probe.probe_method, origin, path=path, credentials=True))
            if response is None:
                return
            if response.get("access-control-allow-origin") == "*" and (
                response.get("access-control-allow-credentials") == "true"
            ):
                for number, location in enumerate(_places(probe)):
                    yield self.finding(
                        probe,
                        location,
                        f"{probe.display} sends `Access-Control-Allow-Origin: *` together with "
                        "`Access-Control-Allow-Credentials: true`: browsers reject every request "
                        "made with cookies, so logged-in calls always fail"
                        f"{probe.condition('origins', 'credentials')}",
                        related=_related(probe) if number == 0 else probe.related("origins", "credentials"),
                    )
                return
        if preflight_wildcard_with_credentials(probe, probe.allowed_origin or ATTACKER, path):
            # Litestar: simple requests get the caller's origin, preflights a literal `*`
            yield self.finding(
                probe,
                probe.locate("credentials"),
                f"{probe.display} answers preflights with `Access-Control-Allow-Origin: *` together "
                "with `Access-Control-Allow-Credentials: true`: browsers reject every request made "
                "with cookies that needs a preflight (PUT, PATCH, DELETE, JSON POST)"
                f"{probe.condition('origins', 'credentials')}",
                related=_related(probe),
            )


def _places(probe: PolicyProbe) -> tuple[Location, ...]:
    """The credentials setting, then where a hand-written handler's further answers write
    the same `*` and the same credentials again (a Lambda's error branch): each is broken
    the same way and is a place to fix (extractors/express/further_returns.py)."""
    first = probe.locate("credentials")
    further = (e.location for e in probe.policy.evidence if e.kind == "further-answer-credentials")
    return tuple(dict.fromkeys([first, *further]))


def _related(probe: PolicyProbe) -> tuple[Related, ...]:
    """The origin setting that makes the `*` (the finding points at the credentials one),
    then where either value is defined."""
    origin = probe.option("origins")
    own: tuple[Related, ...] = ()
    if origin is not None and origin.location != probe.locate("credentials"):
        own = (Related(origin.location, "the origin setting that sends `*`"),)
    return own + probe.related("origins", "credentials")


def preflight_wildcard_with_credentials(probe: PolicyProbe, origin: str, path: str) -> bool:
    """Whether a credentialed request's preflight is answered with `*` and credentials,
    which fails it whatever the methods and headers allowed (CORS202/CORS204 defer to it)."""
    response = probe.respond(PageRequest(origin, "PUT", credentials=True, path=path).preflight())
    return (
        response is not None
        and response.get("access-control-allow-origin") == "*"
        and response.get("access-control-allow-credentials") == "true"
    )
