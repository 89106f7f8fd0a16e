from collections.abc import Iterator

from corslint.findings import Finding, Level
from corslint.rules.base import FASTAPI_APP, FLASK_APP, Example, PolicyProbe, Rule
from corslint.rules.origin_entries import anchor_entry


class NullOriginAllowed(Rule):
    """
    ## What it does
    Finds configurations that let a page whose origin is `null` read responses.

    ## Why is this bad?
    `null` is not one trusted place: it is what the browser sends for *every* opaque
    origin. Sandboxed iframes without `allow-same-origin`, `data:` documents, most `file:`
    pages, and requests that went through a cross-origin redirect all send
    `Origin: null`. Any attacker can produce it: an `<iframe sandbox="allow-scripts"
    srcdoc="...">` on their own page runs script whose requests carry `Origin: null`.
    Trusting `null` therefore trusts every website; with credentials, every website can
    read the user's private responses.

    Some frameworks trust `null` without it being written: django-cors-headers admits it
    for an origin entry that has no scheme (`"app.example.com"`) or for a plain string
    where a list was meant.

    ## Example
    ```python
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["https://app.example.com", "null"],
        allow_credentials=True,
    )
    ```

    ## Use instead
    Remove `null`. For local development from a `file:` page, serve the page from
    `http://localhost` instead and allow that origin in development settings only.

    ## References
    - Fetch Standard, serializing a request origin: https://fetch.spec.whatwg.org/#serializing-a-request-origin
    - PortSwigger, whitelisted null origin value: https://portswigger.net/web-security/cors#whitelisted-null-origin-value
    """

    id = "CORS102"
    name = "null-origin-allowed"
    level = Level.WARNING
    raised_with_credentials = True
    summary = "The origin `null`, which any page can obtain, is trusted"
    security_severity = 7.5
    cwe = (942,)
    tags = ("security",)
    bad = (
        Example(
            "django",
            "import os\n\n"
            'INSTALLED_APPS = ["django.contrib.contenttypes", "corsheaders"]\n'
            "MIDDLEWARE = [\n"
            '    "corsheaders.middleware.CorsMiddleware",\n'
            '    "django.middleware.common.CommonMiddleware",\n'
            "]\n"
            'CORS_ALLOWED_ORIGINS = os.getenv("CORS_ALLOWED_ORIGINS", "").split(",")\n',
        ),
        Example(
            "starlette",
            FASTAPI_APP
            + 'app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com", "null"])\n',
        ),
        Example(
            "flask_cors",
            FLASK_APP + 'CORS(app, origins=["https://app.example.com", "null"])\n',
        ),
    )
    good = (
        Example(
            "django",
            "import os\n\n"
            'INSTALLED_APPS = ["django.contrib.contenttypes", "corsheaders"]\n'
            "MIDDLEWARE = [\n"
            '    "corsheaders.middleware.CorsMiddleware",\n'
            '    "django.middleware.common.CommonMiddleware",\n'
            "]\n"
            'CORS_ALLOWED_ORIGINS = [o for o in os.getenv("CORS_ALLOWED_ORIGINS", "").split(",") if o]\n',
        ),
        Example(
            "starlette",
            FASTAPI_APP + 'app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"])\n',
        ),
        Example(
            "flask_cors",
            FLASK_APP + 'CORS(app, origins=["https://app.example.com"])\n',
        ),
    )

    def check(self, probe: PolicyProbe) -> Iterator[Finding]:
        path = probe.policy.probe_path
        if probe.any_origin_allowed or not probe.allows("null", path=path):
            return
        credentialed = probe.allows("null", credentials=True, path=path)
        anchor = None
        for entry in probe.origin_entries:
            if (
                entry.value.known
                and isinstance(entry.value.raw, str)
                and entry.value.raw.strip().lower() == "null"
            ):
                anchor = anchor_entry(probe, "origins", entry.value)
        location = anchor.location if anchor else probe.locate("origins")
        consequence = (
            "any website can read responses sent with this user's cookies through a sandboxed iframe"
            if credentialed
            else "any website can read its responses through a sandboxed iframe"
        )
        cause = "trusts `Origin: null`" if anchor else "admits `Origin: null` under this configuration"
        yield self.finding(
            probe,
            location,
            f"{probe.display} {cause}, which every sandboxed iframe and `data:` page sends: "
            f"{consequence}{probe.condition('origins')}",
            level=self.level_for(credentialed),
            related=(anchor.related if anchor else ()) + probe.related("origins"),
        )
