from collections.abc import Iterator

from corslint.findings import Finding, Level, Related
from corslint.rules.base import ATTACKER, FLASK_APP, Example, PolicyProbe, Rule
from corslint.rules.express_layers import NOT_WHAT_PAGES_READ
from corslint.rules.origin_entries import origin_typos, star_entry_sites


class AnyOrigin(Rule):
    """
    ## What it does
    Finds CORS configurations that let any website read responses to requests made
    *without* credentials: `Access-Control-Allow-Origin: *`, or the caller's origin
    reflected back. Configurations that also allow credentials are reported by CORS101
    instead.
    A hand-written Django view behind a login (`@login_required`, a DRF `IsAuthenticated`
    permission) is not reported: requests without cookies get a refusal, never the data.

    ## Why is this bad?
    For truly public data (a public API, open datasets, fonts) this is exactly right, and
    you can suppress the finding. It becomes a leak when "public" really means "reachable
    only from where the server runs": an API on an intranet, behind a VPN, restricted by IP
    address, or on `localhost`. Any page the user visits can then make their browser
    fetch that API from the inside and read the answer. Without CORS the page could send
    the request but never read the response.

    ## Example
    ```python
    app.add_middleware(CORSMiddleware, allow_origins=["*"])
    ```

    ## Use instead
    Name the origins that need to read responses:
    ```python
    app.add_middleware(CORSMiddleware, allow_origins=["https://dashboard.example.com"])
    ```
    Or, when the data really is public, say so where it is configured:
    `# corslint: ignore[CORS105]`.

    - Flask-CORS: the default `CORS(app)` reflects every origin; pass `origins=[...]`.
    - Express: the default `cors()` sends `*`; pass `origin: [...]`.
    - Django: replace `CORS_ALLOW_ALL_ORIGINS = True` with `CORS_ALLOWED_ORIGINS`.

    ## References
    - MDN, Access-Control-Allow-Origin: https://developer.mozilla.org/docs/Web/HTTP/Headers/Access-Control-Allow-Origin
    - CWE-942: https://cwe.mitre.org/data/definitions/942.html
    """

    id = "CORS105"
    name = "any-origin"
    level = Level.WARNING
    summary = "Any website can read uncredentialed responses"
    security_severity = 5.3
    cwe = (942,)
    tags = ("security",)
    bad = (
        Example(
            "starlette",
            "from starlette.applications import Starlette\n"
            "from starlette.middleware import Middleware\n"
            "from starlette.middleware.cors import CORSMiddleware\n\n"
            'app = Starlette(middleware=[Middleware(CORSMiddleware, allow_origins=["*"])])\n',
        ),
        Example(
            "flask_cors",
            "from flask import Flask\nfrom flask_cors import CORS\n\napp = Flask(__name__)\nCORS(app)\n",
        ),
    )
    good = (
        Example(
            "starlette",
            "from starlette.applications import Starlette\n"
            "from starlette.middleware import Middleware\n"
            "from starlette.middleware.cors import CORSMiddleware\n\n"
            'app = Starlette(middleware=[Middleware(CORSMiddleware, allow_origins=["https://dashboard.example.com"])])\n',
        ),
        Example(
            "flask_cors",
            FLASK_APP + 'CORS(app, origins=["https://app.example.com", "https://admin.example.com"])\n',
        ),
    )

    def check(self, probe: PolicyProbe) -> Iterator[Finding]:
        if any(e.kind == "after-every-route" for e in probe.policy.evidence):
            return  # only preflights and 404s reach the layer: CORS303 reports it
        if any(e.kind == "origin-doubled" for e in probe.policy.evidence):
            return  # a second Allow-Origin on every answer: browsers reject it (CORS302 says so)
        if any(e.kind in NOT_WHAT_PAGES_READ for e in probe.policy.evidence):
            return  # only listed origins reach it, or a later layer replaces its Allow-Origin
        if any(e.kind == "login-required" for e in probe.policy.evidence):
            return  # requests without cookies are refused; `*` is unreadable to those with them
        path = probe.policy.probe_path
        if not probe.allows(ATTACKER, path=path) or probe.allows(ATTACKER, credentials=True, path=path):
            return
        verdict = probe.fetch(ATTACKER, path=path)
        answer = verdict.response.get("access-control-allow-origin") if verdict and verdict.response else "*"
        how = "`Access-Control-Allow-Origin: *`" if answer == "*" else "the caller's own origin"
        typo = origin_typos(probe)
        hint = f"; {typo[0].detail}" if typo else ""
        for location in star_entry_sites(probe) or probe.write_sites("origins"):
            yield self.finding(
                probe,
                location,
                f"{probe.display} answers any Origin with {how}: any website can read responses "
                f"to requests made without cookies, including from inside a private network"
                f"{probe.condition('origins')}{hint}",
                related=(*probe.related("origins"), *(Related(e.location, e.detail) for e in typo)),
            )
