from collections.abc import Iterator

from corslint.browser import PageRequest
from corslint.findings import Finding, Level
from corslint.rules.base import ATTACKER, DJANGO_WIRED, FASTAPI_APP, FLASK_APP, Example, PolicyProbe, Rule
from corslint.rules.preflight_answers import preflights_answered_before

CHROMIUM_CAP = 7200
WEBKIT_CAP = 600


class IneffectiveMaxAge(Rule):
    """
    ## What it does
    Finds an explicitly configured preflight `Max-Age` that browsers will not honour: above
    7200 seconds (Chromium's cap; WebKit caps at 600), zero or negative while actually
    sent, or not a number. A framework's own default (django-cors-headers' 86400) is not
    reported, since you did not choose it.

    ## Why is this bad?
    `Access-Control-Max-Age` tells the browser how long it may reuse a preflight answer.
    Browsers clamp it: Chromium to 2 hours, Safari to 10 minutes, Firefox to 24 hours.
    A configured `86400` suggests "one preflight a day" but gives one every two hours in
    Chrome and every ten minutes in Safari. `0` (or a negative value) sends a preflight
    before *every* non-simple request, doubling their latency; a value that is not a
    number falls back to 5 seconds.

    ## Example
    ```python
    app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], max_age=86400)
    ```

    ## Use instead
    ```python
    app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], max_age=7200)
    ```

    **Fix:** Safe, for an integer literal written at the option, or an
    `Access-Control-Max-Age` value written as one literal (a string of digits or an
    integer) in hand-written code or hosting configuration (Next.js `headers()`): `--fix`
    lowers a max-age above 7200 to 7200, the most Chromium honours, so browsers cache
    preflights as long as before. A zero, negative or non-numeric value, a value built
    from parts or read from the environment, or a constant defined elsewhere, has no fix:
    the right value is the author's choice.

    ## References
    - Fetch Standard, Access-Control-Max-Age: https://fetch.spec.whatwg.org/#http-access-control-max-age
    - MDN, Access-Control-Max-Age: https://developer.mozilla.org/docs/Web/HTTP/Headers/Access-Control-Max-Age
    """

    id = "CORS207"
    name = "ineffective-max-age"
    level = Level.NOTE
    summary = "The configured preflight Max-Age is more than browsers honour, zero, or not a number"
    tags = ("performance",)
    bad = (
        Example(
            "django",
            DJANGO_WIRED + 'CORS_ALLOWED_ORIGINS = ["https://app.example.com"]\n'
            "CORS_PREFLIGHT_MAX_AGE = -1\n",
        ),
        Example(
            "starlette",
            FASTAPI_APP
            + 'app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], max_age=86400)\n',
        ),
        Example(
            "flask_cors",
            FLASK_APP + 'CORS(app, origins=["https://app.example.com"], max_age=86400)\n',
        ),
    )
    good = (
        Example(
            "django",
            DJANGO_WIRED + 'CORS_ALLOWED_ORIGINS = ["https://app.example.com"]\n'
            "CORS_PREFLIGHT_MAX_AGE = 3600\n",
        ),
        Example(
            "starlette",
            FASTAPI_APP
            + 'app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], max_age=3600)\n',
        ),
        Example(
            "flask_cors",
            FLASK_APP + 'CORS(app, origins=["https://app.example.com"], max_age=600)\n',
        ),
    )

    def check(self, probe: PolicyProbe) -> Iterator[Finding]:
        probe = probe.functional  # an unknown allow-list leaves this rule to judge
        checks = [c for c in probe.framework.library_checks(probe.policy) if c.concerns == "max_age"]
        for check in checks:
            yield self.finding(probe, check.location, f"{probe.display} ({check.code}): {check.message}")
        if probe.option("max_age") is None or checks:
            return  # the library's own check (e.g. corsheaders.E004) already says what is wrong
        if probe.framework.handwritten and preflights_answered_before(probe.policy):
            return  # a CORS layer before this code ends every preflight: its max-age never goes out
        origin = probe.allowed_origin or _preflight_origin(probe)
        if origin is None:
            # no preflight passes where every answer is known; where none can be worked out
            # (an unknown credentials header), the configured number is what goes out
            unknown = probe.respond(PageRequest(ATTACKER, "PUT", path=probe.policy.probe_path).preflight())
            if unknown is not None:
                return
            sent = _configured(probe)
        else:
            page = PageRequest(origin, "PUT", path=probe.policy.probe_path)
            response = probe.respond(page.preflight())
            sent = response.get("access-control-max-age") if response is not None else _configured(probe)
        if sent is None:
            return
        text = sent.strip()
        if not text.isdigit():
            problem = (
                f"`Access-Control-Max-Age: {sent}` is not a number of seconds, so browsers fall "
                "back to 5 seconds"
                if not text.startswith("-")
                else f"`Access-Control-Max-Age: {sent}` is negative: browsers ignore it and cache the preflight for 5 seconds"
            )
        elif int(text) == 0:
            problem = "`Access-Control-Max-Age: 0` makes the browser send a preflight before every non-simple request"
        elif int(text) > CHROMIUM_CAP:
            problem = (
                f"`Access-Control-Max-Age: {text}` is more than browsers honour: Chromium caps it at "
                f"{CHROMIUM_CAP} s and WebKit at {WEBKIT_CAP} s"
            )
        else:
            return
        yield self.finding(
            probe,
            probe.locate("max_age"),
            f"{probe.display}: {problem}{probe.condition('max_age')}",
            related=probe.related("max_age"),
        )


def _preflight_origin(probe: PolicyProbe) -> str | None:
    """An origin whose preflight is allowed where no response is: code that answers only
    OPTIONS (a worker's `handleCors`, a Node server's OPTIONS branch) still sends its
    max-age to every preflight it allows."""
    for origin in (*probe.sample_origins, ATTACKER):
        response = probe.respond(PageRequest(origin, "PUT", path=probe.policy.probe_path).preflight())
        allowed = response.get("access-control-allow-origin") if response is not None else None
        if allowed is not None and allowed.strip() in {"*", origin}:
            return origin
    return None


def _configured(probe: PolicyProbe) -> str | None:
    """The configured number where the preflight itself cannot be worked out (an unknown
    header or method list): the max-age a library sends does not depend on those."""
    value = probe.option("max_age")
    if value is not None and value.known and isinstance(value.raw, dict) and "value" in value.raw:
        value = value.raw["value"]  # a hand-written header step: the value it writes
    if value is None or not value.known or isinstance(value.raw, bool):
        return None
    if isinstance(value.raw, int) or (isinstance(value.raw, str) and value.raw.strip().isdigit()):
        return str(value.raw)
    return None
