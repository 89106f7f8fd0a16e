from collections.abc import Iterator

from corslint.findings import Finding, Level, Related
from corslint.rules.base import ATTACKER, DJANGO_WIRED, FASTAPI_APP, FLASK_APP, Example, PolicyProbe, Rule
from corslint.rules.express_layers import NOT_WHAT_PAGES_READ
from corslint.rules.origin_entries import origin_typos, star_entry_sites


class CredentialedAnyOrigin(Rule):
    """
    ## What it does
    Finds CORS configurations under which *any* website can read responses to requests
    made with the visitor's cookies or HTTP authentication. corslint sends a credentialed
    request from an unrelated origin through the framework's own behaviour and reports
    when the browser would hand the response to that page.

    ## Why is this bad?
    Browsers refuse `Access-Control-Allow-Origin: *` on credentialed requests, so
    frameworks "help": Starlette, Flask-CORS and django-cors-headers answer with the
    caller's own origin instead of `*` when credentials are on, and `origin: true` or an
    allow-everything callback does the same in Express. The browser then sees an exact
    origin match plus `Access-Control-Allow-Credentials: true` and lets the page read.

    An attacker only needs a logged-in user to visit their page. Its script calls
    `fetch("https://api.example/me", {credentials: "include"})`, the browser attaches the
    session cookie, and the response (profile, tokens, CSRF token, private data) is
    readable by the attacker's script. This is CWE-942.

    ## Example
    ```python
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],       # becomes "reflect any origin" ...
        allow_credentials=True,    # ... because credentials are on
    )
    ```

    ## Use instead
    List the origins that may read authenticated responses:
    ```python
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["https://app.example.com"],
        allow_credentials=True,
    )
    ```
    - Flask-CORS: `CORS(app, origins=["https://app.example.com"], supports_credentials=True)`
      (the default `origins` reflects every origin).
    - Django: `CORS_ALLOWED_ORIGINS = ["https://app.example.com"]` instead of
      `CORS_ALLOW_ALL_ORIGINS = True`.
    - Express: `cors({origin: ["https://app.example.com"], credentials: true})`, never
      `origin: true` or a callback that always answers `true`.

    If the API is public and never uses cookies, turn credentials off instead.

    **Fix:** Unsafe (`--unsafe-fixes`), where the same file names the allow-list
    unambiguously: a literal `*` (or `origin: true`) in the origin option becomes the name
    of the file's one module-level list of origins, as for CORS201; django-cors-headers'
    `CORS_ALLOW_ALL_ORIGINS = True` becomes `False` where the same settings set
    `CORS_ALLOWED_ORIGINS`. It only narrows access: every origin not listed loses it.
    Otherwise there is no fix: which origins to trust is the author's call.

    ## References
    - Fetch Standard, CORS check: https://fetch.spec.whatwg.org/#cors-check
    - PortSwigger, CORS vulnerabilities: https://portswigger.net/web-security/cors
    - CWE-942: https://cwe.mitre.org/data/definitions/942.html
    """

    id = "CORS101"
    name = "credentialed-any-origin"
    level = Level.ERROR
    summary = "Any website can read responses sent with the user's cookies"
    security_severity = 9.1
    cwe = (942,)
    tags = ("security",)
    bad = (
        Example(
            "django",
            DJANGO_WIRED + "CORS_ALLOW_ALL_ORIGINS = True\nCORS_ALLOW_CREDENTIALS = True\n",
        ),
        Example(
            "starlette",
            FASTAPI_APP + 'app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)\n',
        ),
        Example(
            "flask_cors",
            FLASK_APP + "CORS(app, supports_credentials=True)\n",
        ),
        Example(
            "flask_cors",
            FLASK_APP + 'CORS(app, origin="https://app.example.com", supports_credentials=True)\n',
        ),
    )
    good = (
        Example(
            "django",
            DJANGO_WIRED + 'CORS_ALLOWED_ORIGINS = ["https://app.example.com"]\n'
            "CORS_ALLOW_CREDENTIALS = True\n",
        ),
        Example(
            "starlette",
            FASTAPI_APP
            + 'app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], allow_credentials=True)\n',
        ),
        Example(
            "flask_cors",
            FLASK_APP + 'CORS(app, origins=["https://app.example.com"], supports_credentials=True)\n',
        ),
    )

    def check(self, probe: PolicyProbe) -> Iterator[Finding]:
        if any(e.kind == "after-every-route" for e in probe.policy.evidence):
            return  # only preflights and 404s reach the layer: CORS303 reports it
        if any(e.kind == "origin-doubled" for e in probe.policy.evidence):
            return  # a second Allow-Origin on every answer: browsers reject it (CORS302 says so)
        if any(e.kind in NOT_WHAT_PAGES_READ for e in probe.policy.evidence):
            return  # only listed origins reach it, or a later layer replaces its Allow-Origin
        verdict = probe.fetch(ATTACKER, credentials=True, path=probe.policy.probe_path)
        if verdict is None or not verdict.allowed or verdict.response is None:
            return
        answer = verdict.response.get("access-control-allow-origin")
        # the probe's own origin echoed back is reflection: say so, never name the probe
        sent = "the caller's own origin" if answer == ATTACKER else f"`{answer}`"
        typo = origin_typos(probe)
        hint = f"; {typo[0].detail}" if typo else ""
        for location in star_entry_sites(probe) or probe.write_sites("origins"):
            yield self.finding(
                probe,
                location,
                f"{probe.display} answers any Origin with {sent} in `Access-Control-Allow-Origin` "
                "and `Access-Control-Allow-Credentials: true`: any website can read responses "
                f"sent with this user's cookies{probe.condition('origins', 'credentials')}{hint}",
                related=(
                    *probe.related("origins", "credentials"),
                    *(Related(e.location, e.detail) for e in typo),
                ),
            )
