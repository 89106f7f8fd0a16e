from collections.abc import Iterator

from corslint.findings import Finding, Level, Related
from corslint.rules.base import (
    ATTACKER,
    DJANGO_WIRED,
    EXPRESS_APP,
    FASTAPI_APP,
    FLASK_APP,
    Example,
    PolicyProbe,
    Rule,
)

KINDS = {
    "not-applied": Level.WARNING,
    "not-applied-on-purpose": Level.WARNING,
    "misordered": Level.WARNING,
    "checks-disabled": Level.NOTE,
}


class CorsNotActive(Rule):
    """
    ## What it does
    Finds CORS configuration that has no effect, or not where it should:
    django-cors-headers settings without `corsheaders.middleware.CorsMiddleware` in
    `MIDDLEWARE`, or with it placed after `CommonMiddleware`; an Express `cors()`
    registered after the routes it should cover; an options object that is defined but
    never used; a middleware given no origins whose default admits none (Starlette's
    `CORSMiddleware` without `allow_origins`: the default is an empty list, not `*`).
    `corsheaders` missing from `INSTALLED_APPS` is a note: the middleware still
    works, but its system checks (which catch malformed origins) never run.

    A layer that sends no CORS header at all (the middleware missing, a `cors()` never
    registered) is judged only here and by the rules about how the configuration is
    written (CORS301, CORS304, CORS307): while it is inert it exposes nobody, so an
    any-origin or credentials finding would describe responses that are never sent. Wire
    it in and those rules judge it like any other layer.

    ## Why is this bad?
    The settings read as if CORS were configured, so reviewers and scanners move on,
    while the browser sees no CORS headers at all, or sees them only on some responses.
    Order matters because middleware runs in sequence: Django's `CommonMiddleware` may
    answer with an `APPEND_SLASH` redirect before a later CORS middleware runs, and that
    redirect then lacks the CORS headers; Express routes registered before `app.use(cors())`
    answer without ever reaching it.

    ## Example
    ```python
    MIDDLEWARE = [
        "django.middleware.common.CommonMiddleware",
        "corsheaders.middleware.CorsMiddleware",
    ]
    ```

    ## Use instead
    ```python
    MIDDLEWARE = [
        "corsheaders.middleware.CorsMiddleware",
        "django.middleware.common.CommonMiddleware",
    ]
    ```
    In Express, call `app.use(cors(options))` before defining routes.

    **Fix:** Safe, for django-cors-headers listed after `CommonMiddleware`: `--fix` moves
    the `corsheaders.middleware.CorsMiddleware` line to just above `CommonMiddleware`, as the
    library's documentation asks; the redirects CommonMiddleware answers then carry CORS
    headers too. Only where each entry sits on its own line in one list literal; a missing
    middleware or an unused options object has no fix.

    ## References
    - django-cors-headers, setup: https://github.com/adamchainz/django-cors-headers#setup
    - Express, using middleware: https://expressjs.com/en/guide/using-middleware.html
    """

    id = "CORS303"
    name = "cors-not-active"
    level = Level.WARNING
    summary = "The CORS configuration has no effect, or not where it should"
    tags = ("correctness",)
    judges_inactive = True
    bad = (
        Example(
            "express",
            EXPRESS_APP + 'app.get("/api/items", (req, res) => res.json([]));\n'
            'app.use(cors({ origin: ["https://app.example.com"] }));\n',
        ),
        Example(
            "django",
            'INSTALLED_APPS = ["django.contrib.contenttypes", "corsheaders"]\n'
            "MIDDLEWARE = [\n"
            '    "django.middleware.common.CommonMiddleware",\n'
            '    "corsheaders.middleware.CorsMiddleware",\n'
            "]\n"
            'CORS_ALLOWED_ORIGINS = ["https://app.example.com"]\n',
        ),
        Example(
            "flask_cors",
            FLASK_APP + 'CORS(app)\napp.config["CORS_ORIGINS"] = ["https://app.example.com"]\n',
        ),
        Example(
            "starlette",
            FASTAPI_APP + 'app.add_middleware(CORSMiddleware, allow_credentials=True, allow_methods=["*"])\n',
        ),
    )
    good = (
        Example(
            "express",
            EXPRESS_APP + 'app.use(cors({ origin: ["https://app.example.com"] }));\n'
            'app.get("/api/items", (req, res) => res.json([]));\n',
        ),
        Example(
            "django",
            DJANGO_WIRED + 'CORS_ALLOWED_ORIGINS = ["https://app.example.com"]\n',
        ),
        Example(
            "flask_cors",
            FLASK_APP + 'app.config["CORS_ORIGINS"] = ["https://app.example.com"]\nCORS(app)\n',
        ),
    )

    def check(self, probe: PolicyProbe) -> Iterator[Finding]:
        for evidence in probe.policy.evidence:
            if evidence.kind == "not-applied-on-purpose" and probe.policy.development_only:
                continue  # a test suite's settings, which leave CORS out on purpose
            level = KINDS.get(evidence.kind)
            if level is not None:
                yield self.finding(
                    probe,
                    evidence.location,
                    f"{probe.display}: {evidence.detail}",
                    level=level,
                    related=_wiring_sites(probe) if evidence.whole_layer else (),
                )
        unset = _origin_options_unset(probe)
        if unset and not probe.allows(ATTACKER, path=probe.policy.probe_path):
            verdict = probe.fetch("https://app.example.com", path=probe.policy.probe_path)
            if verdict is not None and not verdict.allowed:
                yield self.finding(
                    probe,
                    probe.policy.location,
                    f"{probe.display} is given no {unset} and its default admits no origin, so "
                    "it answers no cross-origin request: every one fails in the browser, as if "
                    "the middleware were not there (the default is an empty list, not `*`)",
                    related=probe.related("origins"),  # the options object they are missing from
                )


def _wiring_sites(probe: PolicyProbe) -> tuple[Related, ...]:
    """The settings lists a missing library is to be added to, when written elsewhere."""
    return tuple(Related(e.location, e.detail) for e in probe.policy.evidence if e.kind == "wiring-site")


def _origin_options_unset(probe: PolicyProbe) -> str:
    """The origin options, named for a message ("`allow_origins` or `allow_origin_regex`"),
    when the policy sets none of them (and no `**options` may hide one); else ""."""
    names = probe.framework.roles.get("origins", ())
    options = probe.policy.options
    if (
        not probe.framework.origins_required
        or not names
        or "**" in options
        or "*" in options
        or any(name in options for name in names)
    ):
        return ""
    return " or ".join(f"`{name}`" for name in names)
