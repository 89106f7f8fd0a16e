from collections.abc import Iterator

from corslint.findings import Finding, Level
from corslint.rules.base import FASTAPI_APP, FLASK_APP, Example, PolicyProbe, Rule
from corslint.rules.body_methods import bodiless_methods

# Socket.IO's own clients are its only callers: their long-polling POSTs carry
# `Content-Type: text/plain`, never JSON (the Socket.IO docs' CORS example lists no Content-Type)
_NO_JSON_CLIENTS = frozenset({"socketio"})
# files that hold the options themselves (a JSON middleware config, a YAML service file)
_DATA_FILES = (".json", ".yaml", ".yml", ".toml")


class ContentTypeNotAllowed(Rule):
    """
    ## What it does
    Finds configurations under which a JSON request fails its preflight because
    `Content-Type` is not among the allowed request headers, after the framework's own
    additions (Starlette always adds it; Flask-CORS and Django do not).
    Hand-written headers that leave preflights unanswered fail every such request at
    once: that is reported once, as CORS206, not here.

    ## Why is this bad?
    `Content-Type` is only "safelisted" for three values: `text/plain`,
    `multipart/form-data` and `application/x-www-form-urlencoded`. A request with
    `Content-Type: application/json`, which is what every JSON API client sends, is
    therefore preflighted, and the preflight must list `Content-Type` in
    `Access-Control-Allow-Headers`. Otherwise: *"Request header field content-type is not
    allowed by Access-Control-Allow-Headers in preflight response"*, and no POST, PUT or
    PATCH with a JSON body ever reaches the server.

    ## Example
    ```python
    CORS(app, origins=["https://app.example.com"], allow_headers=["X-Request-Id"])
    ```

    ## Use instead
    ```python
    CORS(app, origins=["https://app.example.com"], allow_headers=["Content-Type", "X-Request-Id"])
    ```
    Django: keep `content-type` in `CORS_ALLOW_HEADERS` (it is in the default list).

    **Fix:** Safe, where the allowed headers are a literal list (or Python tuple) of plain
    strings: `--fix` adds `Content-Type` to it, in the quotes (and, for an all-lower-case list, the
    case) its entries use. Origins, credentials and methods stay as they were. Likewise where
    hand-written code or hosting configuration (Next.js `headers()`) writes
    `Access-Control-Allow-Headers` as one literal string of names: `Content-Type` is appended
    to it. A list or value with `*`, comments, names defined elsewhere or built from parts,
    or a library option given as a comma-separated string, has no fix.

    ## References
    - Fetch Standard, CORS-safelisted request-header: https://fetch.spec.whatwg.org/#cors-safelisted-request-header
    """

    id = "CORS203"
    name = "content-type-not-allowed"
    level = Level.WARNING
    summary = "`Content-Type` is not an allowed header, so JSON requests fail their preflight"
    tags = ("correctness",)
    bad = (
        Example(
            "flask_cors",
            FLASK_APP
            + 'CORS(app, origins=["https://app.example.com"], allow_headers=["X-Requested-With"])\n',
        ),
    )
    good = (
        Example(
            "starlette",
            FASTAPI_APP
            + 'app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], allow_methods=["*"])\n',
        ),
        Example(
            "flask_cors",
            FLASK_APP
            + 'CORS(app, origins=["https://app.example.com"], allow_headers=["Content-Type", "X-Requested-With"])\n',
        ),
    )

    def check(self, probe: PolicyProbe) -> Iterator[Finding]:
        if probe.policy.framework in _NO_JSON_CLIENTS:
            return
        probe = probe.functional  # an unknown allow-list leaves this rule to judge
        if probe.written_by_another_layer("headers"):
            return  # the layer that writes the list reports it
        origin = probe.allowed_origin
        if origin is None:
            return
        if probe.unhandled_preflight is not None:  # CORS206's cause, unless the list lacks it too
            names = probe.written_allow_headers(origin)
            if names is not None and not {"content-type", "*"} & set(names):
                yield self.finding(
                    probe,
                    probe.locate("headers"),
                    f"{probe.display} writes `Access-Control-Allow-Headers` without `Content-Type`: "
                    "once its preflights are answered (CORS206), every request with a JSON body "
                    f"still fails its preflight{probe.condition('headers')}",
                    related=probe.related("headers"),
                )
            return
        credentials = probe.credentials_enabled
        path = probe.policy.probe_path
        plain = probe.fetch(
            origin, "POST", {"content-type": "text/plain"}, credentials=credentials, path=path
        )
        json = probe.fetch(
            origin, "POST", {"content-type": "application/json"}, credentials=credentials, path=path
        )
        if plain is None or json is None or not plain.allowed or json.allowed:
            return
        if not probe.preflight_passes(origin, "POST", credentials=credentials, path=path):
            return  # the preflight rejects POST itself: CORS202's finding
        json_get = {"content-type": "application/json"}
        if probe.preflight_passes(origin, "GET", json_get, credentials=credentials, path=path):
            return  # the header passes for GET: POST is refused (Flask-CORS), CORS202's finding
        where = probe.locate("headers")
        failing = f"every request with a JSON body fails its preflight ({json.reason})"
        if credentials:
            anonymous = probe.fetch(
                origin, "POST", {"content-type": "application/json"}, credentials=False, path=path
            )
            if anonymous is not None and anonymous.allowed:
                # `*` in Allow-Headers covers Content-Type for requests without credentials only
                failing = (
                    "every credentialed request (cookies, `credentials: 'include'`) with a JSON body "
                    f"fails its preflight ({json.reason}), while requests without credentials pass"
                )
        if failing.startswith("every request") and (listed := bodiless_methods(probe, origin, credentials)):
            # `GET, HEAD, OPTIONS`: a JSON POST still fails, on this header alone (census 12 C4)
            failing = (
                f"its Allow-Methods (`{listed}`) names no method with a body, yet a JSON POST "
                f"(a safelisted method, which passes that check) fails its preflight ({json.reason}); "
                "if the service takes no request body, nothing fails"
            )
        yield self.finding(
            probe,
            where,
            f"{probe.display} does not allow the `Content-Type` request header: {failing}"
            f"{probe.condition('headers')}"
            f"{_change_in_file(probe, where.path)}",
            related=probe.related("headers"),
        )


def _change_in_file(probe: PolicyProbe, path: str) -> str:
    """What to change where the options are a data file's own keys (no code to read
    beside them): the option to add `Content-Type` to, or to write."""
    names = [name for name in probe.framework.roles.get("headers", ()) if name not in {"*", "**"}]
    if not path.endswith(_DATA_FILES) or not names:
        return ""
    file = path.replace("\\", "/").rsplit("/", 1)[-1]
    written = next((name for name in names if probe.policy.options.get(name) is not None), None)
    if written is not None:
        return f"; add `Content-Type` to `{written}` in {file}"
    return f"; add `{names[0]}` to {file}, listing `Content-Type` and the other request headers the app sends"
