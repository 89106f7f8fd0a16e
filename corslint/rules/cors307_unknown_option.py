from collections.abc import Iterator

from corslint.findings import Finding, Level
from corslint.rules.base import DJANGO_WIRED, EXPRESS_APP, FASTAPI_APP, FLASK_APP, Example, PolicyProbe, Rule


class UnknownOption(Rule):
    """
    ## What it does
    Finds option and setting names that the CORS library does not know, which is almost
    always a typo: `allow_origin=` for Starlette's `allow_origins=`, `origin=` for
    Flask-CORS's `origins=`, `CORS_ALLOW_ORIGINS` for django-cors-headers'
    `CORS_ALLOWED_ORIGINS`, `allowedOrigins` for the `cors` package's `origin`. The
    message names the nearest real option and what the library does instead.

    ## Why is this bad?
    Each library reacts differently, and none of them the way the author meant:
    - Starlette's `CORSMiddleware` refuses an unknown keyword, so the app fails to start
      (`TypeError: ... got an unexpected keyword argument`);
    - Flask-CORS, django-cors-headers and `cors` ignore the name and apply their default
      instead. Flask-CORS's and `cors`'s default allows every origin, so a misspelt
      allow-list quietly becomes "any website may read this"; django-cors-headers'
      default allows none, so the front end breaks while the setting looks right.

    ## Example
    ```python
    app.add_middleware(CORSMiddleware, allow_origin=["https://app.example.com"])
    ```

    ## Use instead
    ```python
    app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"])
    ```

    **Fix:** Unsafe (`--unsafe-fixes`): `--fix` renames a misspelt option to the one the
    finding suggests, so the library starts reading it, and what it sends changes. There is
    no fix where the suggested option is also set, nor for options that widen access
    (credentials, allow-all, private network): turning those on is the author's decision.

    ## References
    - Starlette, CORSMiddleware arguments: https://www.starlette.io/middleware/#corsmiddleware
    - Flask-CORS options: https://corydolphin.com/flask-cors/extension/
    - django-cors-headers settings: https://github.com/adamchainz/django-cors-headers#configuration
    - cors package options: https://github.com/expressjs/cors#configuration-options
    """

    id = "CORS307"
    name = "unknown-option"
    level = Level.WARNING
    summary = "An option or setting name the CORS library does not know, usually a typo"
    tags = ("correctness",)
    judges_inactive = True
    bad = (
        Example(
            "starlette",
            FASTAPI_APP + 'app.add_middleware(CORSMiddleware, allow_origin=["https://app.example.com"])\n',
        ),
        Example(
            "flask_cors",
            FLASK_APP + 'CORS(app, origin="https://app.example.com")\n',
        ),
        Example(
            "express",
            EXPRESS_APP + 'app.use(cors({ allowedOrigins: ["https://app.example.com"] }));\n',
        ),
        Example(
            "django",
            DJANGO_WIRED + 'CORS_ALLOW_ORIGINS = ["https://app.example.com"]\n',
        ),
    )
    good = (
        Example(
            "starlette",
            FASTAPI_APP + 'app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"])\n',
        ),
        Example(
            "flask_cors",
            FLASK_APP + 'CORS(app, origins="https://app.example.com")\n',
        ),
        Example(
            "express",
            EXPRESS_APP + 'app.use(cors({ origin: ["https://app.example.com"] }));\n',
        ),
        Example(
            "django",
            DJANGO_WIRED + 'CORS_ALLOWED_ORIGINS = ["https://app.example.com"]\n',
        ),
    )

    def check(self, probe: PolicyProbe) -> Iterator[Finding]:
        for evidence in probe.policy.evidence:
            if evidence.kind == "unknown-option":
                yield self.finding(probe, evidence.location, f"{probe.display}: {evidence.detail}")
