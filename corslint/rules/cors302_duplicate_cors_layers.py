from collections.abc import Iterator

from corslint.findings import Finding, Level, Related
from corslint.http import Request
from corslint.model import Location, Value, exclusive_arms
from corslint.rules.base import ATTACKER, FASTAPI_APP, FLASK_APP, Example, PolicyProbe, Rule
from corslint.rules.express_layer_order import runs_before_cors
from corslint.rules.express_layers import (
    first_only_credentials,
    repeats_cors_policy,
    same_cors_answers,
    same_origin_written,
)
from corslint.rules.platform_layers import platform_layers
from corslint.rules.preflight_answers import preflights_answered_before
from corslint.rules.starlette_layers import repeats_library_policy, starlette_outcome


class DuplicateCorsLayers(Rule):
    """
    ## What it does
    Finds two CORS layers that answer the same requests: two CORS middlewares on one
    application, or a CORS library plus hand-written `Access-Control-*` headers. A route
    decorator that deliberately replaces the app-wide layer for its route (Flask-CORS
    `@cross_origin`) is not reported, nor are layers in two arms of one `if` (or two
    cases of one `match` or `switch`), which never run together. A layer outside a
    condition and a second one inside it do: whenever the condition holds, both answer.

    ## Why is this bad?
    Layers do not merge the way their authors imagine. One answers the preflight and the
    request never reaches the other; or both add headers, so the response carries two
    `Access-Control-Allow-Origin` values, which browsers reject (*"contains multiple
    values ... but only one is allowed"*); or an outer layer's `*` replaces an inner
    allow-list while the inner layer's `Access-Control-Allow-Credentials` leaks through.
    Which one wins depends on registration order, and changes when someone reorders the
    code.

    ## Example
    ```python
    app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"])
    app.add_middleware(CORSMiddleware, allow_origins=["*"])
    ```

    ## Use instead
    Keep one layer and put every origin it needs in it:
    ```python
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["https://app.example.com", "https://admin.example.com"],
    )
    ```

    ## References
    - Fetch Standard, CORS check (one Allow-Origin value): https://fetch.spec.whatwg.org/#cors-check
    """

    id = "CORS302"
    name = "duplicate-cors-layers"
    level = Level.WARNING
    summary = "Two CORS layers answer the same requests"
    tags = ("correctness",)
    bad = (
        Example(
            "starlette",
            FASTAPI_APP + 'app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"])\n'
            'app.add_middleware(CORSMiddleware, allow_origins=["https://admin.example.com"])\n',
        ),
        Example(
            "flask_cors",
            FLASK_APP + 'CORS(app, origins=["https://app.example.com"])\n'
            'CORS(app, origins=["https://admin.example.com"])\n',
        ),
        Example(
            "starlette",
            "import os\n\n"
            + FASTAPI_APP
            + 'app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"])\n'
            'if os.getenv("DEBUG"):\n'
            '    app.add_middleware(CORSMiddleware, allow_origins=["http://localhost:3000"])\n',
        ),
    )
    good = (
        Example(
            "starlette",
            "import os\n\n" + FASTAPI_APP + 'if os.getenv("DEBUG"):\n'
            '    app.add_middleware(CORSMiddleware, allow_origins=["http://localhost:3000"])\n'
            "else:\n"
            '    app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"])\n',
        ),
        Example(
            "starlette",
            FASTAPI_APP + "app.add_middleware(\n"
            "    CORSMiddleware,\n"
            '    allow_origins=["https://app.example.com", "https://admin.example.com"],\n'
            ")\n",
        ),
        Example(
            "flask_cors",
            "from flask import Flask\n"
            "from flask_cors import CORS, cross_origin\n"
            "\n"
            "app = Flask(__name__)\n"
            'CORS(app, origins=["https://app.example.com"])\n'
            "\n"
            "\n"
            '@app.get("/embed.json")\n'
            "@cross_origin()\n"
            "def embed():\n"
            '    return {"version": 3}\n',
        ),
    )

    def check_all(self, probes: list[PolicyProbe]) -> Iterator[Finding]:
        probes = self.judged(probes)
        for probe in probes:
            doubled = _doubled_origin(probe)
            if doubled is not None:
                yield self.finding(probe, probe.policy.location, doubled[0], related=doubled[1])
        for platform, function, outcome in platform_layers(probes):
            yield self.finding(
                platform,
                platform.policy.location,
                f"{platform.display} and {function.display} in {function.policy.location.path} both write "
                f"CORS headers on the same answers: {outcome}",
                related=(Related(function.policy.location, "the function's CORS layer"),),
            )
        groups: dict[str, list[PolicyProbe]] = {}
        # a route decorator counts where hand-written headers share its key (a Flask view
        # writing Allow-Origin under its own `@cross_origin`)
        written = {p.policy.app for p in probes if _hand_written(p) and not p.policy.route_level}
        for probe in probes:
            decorator = probe.framework.name == "flask_cors" and probe.policy.app in written
            if probe.policy.app and (not probe.policy.route_level or decorator):
                groups.setdefault(probe.policy.app, []).append(probe)
        for group in groups.values():
            # a library layer before hand-written headers (the stray one is reported); the
            # file that builds the app runs first, a helper it hands the app to, after
            group.sort(
                key=lambda p: (
                    _hand_written(p),
                    not _home(p),
                    p.policy.location.line,
                    p.policy.location.column,
                )
            )
            for index, later in enumerate(group):
                for earlier in group[:index]:
                    scopes = {earlier.policy.scope, later.policy.scope}
                    if "" not in scopes and len(scopes) > 1:
                        continue
                    if exclusive_arms(earlier.policy.branch, later.policy.branch):
                        continue  # `if DEBUG: ... else: ...`: never both
                    if any(e.kind == "scope-answered" for e in earlier.policy.evidence):
                        continue  # `app.use("/api", cors(), apiRouter)` ends /api: no later layer sees it
                    if (
                        _same_library_policy(earlier, later)
                        or repeats_library_policy(earlier, later)
                        or repeats_cors_policy(earlier, later)
                        or same_cors_answers(earlier, later)
                    ):
                        continue  # the second writes again, by replacement, what the first wrote
                    first = _wired_at(earlier) or _library_wired_at(earlier, later) or earlier.policy.location
                    reported = _wired_at(later) or later.policy.location
                    yield self.finding(
                        later,
                        reported,
                        f"{later.display} is a second CORS layer on the same application as the one at "
                        f"{_where(first, reported)}: {_outcome(earlier, later)}",
                        related=(Related(first, "the other CORS layer"),),
                    )
                    break


def _doubled_origin(probe: PolicyProbe) -> tuple[str, tuple[Related, ...]] | None:
    """Hand-written code of one layer that writes Allow-Origin twice onto one answer (an
    http.server `do_OPTIONS` sending its own line, then the `end_headers` override adding
    `*`): two values, which browsers reject. The framework's model says whether a second
    write adds a line or replaces the first. Said once, at the layer's first write."""
    if not _hand_written(probe):
        return None
    path = probe.policy.probe_path
    for request in (
        Request("OPTIONS", ATTACKER, (("access-control-request-method", "PUT"),), path=path),
        Request(probe.probe_method, ATTACKER, path=path),
    ):
        answer = probe.respond(request)
        values = [v for k, v in answer.headers if k == "access-control-allow-origin"] if answer else []
        if len(values) < 2:
            continue
        kind = "preflights" if request.method == "OPTIONS" else "responses"
        listed = ", ".join(f"`{value}`" for value in values)
        message = (
            f"{probe.display} writes `Access-Control-Allow-Origin` twice onto its {kind} ({listed}): "
            "the answer carries two values, which browsers reject"
        )
        sites = probe.write_sites("origins")
        return message, tuple(Related(site, "another Allow-Origin write") for site in sites[1:])
    return None


# layers stacked on one Express app behind its cors(): apollo-server-express's
# applyMiddleware mounts the cors package on the server's path of that app
_BEHIND_EXPRESS_CORS = frozenset({"express", "express_headers", "apollo_server"})


def _outcome(earlier: PolicyProbe, later: PolicyProbe) -> str:
    """What two layers of one app do to each other's responses, as far as the libraries say."""
    if earlier.framework.name == "flask_cors" and earlier.policy.route_level and _hand_written(later):
        # flask_cors.decorator: after the view returns, `set_cors_headers` adds its headers
        return (
            "`@cross_origin` adds its own CORS headers to the view's response after the view "
            "returns, so the response carries two `Access-Control-Allow-Origin` values (the "
            "view's and Flask-CORS's), which browsers reject"
        )
    if "flask_cors" in {earlier.framework.name, later.framework.name} and not _writes_no_origin(later):
        # flask_cors.extension: a response that already carries Allow-Origin is left alone
        return (
            "Flask-CORS leaves alone a response that already carries `Access-Control-Allow-Origin`, "
            "so the layer that writes it first decides (Flask runs blueprint hooks, then the "
            "last-registered `after_request` hook, first) and the other's policy is silently ignored"
        )
    if {earlier.framework.name, later.framework.name} == {"nextjs_headers", "nextjs_middleware"}:
        return (
            "on the paths both cover, the middleware's headers replace those of the same name "
            "from `headers()`, and the names only one of them sets are mixed into one answer, "
            "so neither policy is what responses carry"
        )
    if earlier.framework.name == "express" and later.framework.name in _BEHIND_EXPRESS_CORS:
        if (ahead := runs_before_cors(earlier, later)) is not None:
            return ahead  # registered before the cors(): it runs first
        if _continues_preflights(earlier):
            return (
                "one silently overrides or mixes with the other: `res.setHeader` replaces a header "
                "of the same name, so the later layer's values win and the rest are mixed"
            )
        if same_origin_written(earlier, later):
            return (
                "the first `cors()` answers every preflight itself, so this layer never sees one; on "
                "other requests it writes the same `Access-Control-Allow-Origin` again, so responses "
                "carry the first's headers alone and this layer's own policy shows nowhere, until the "
                "first's origins change and this layer's value replaces them"
            )
        # cors 2.8: the first cors() ends every preflight itself; on other requests the later
        # setHeader replaces Allow-Origin, and what only the first sets stays (measured)
        if not first_only_credentials(earlier, later):  # sweep 13 K17, K25: no credentials
            return (
                "the first `cors()` answers every preflight itself, so this layer never sees one; "
                "on other requests this layer's `Access-Control-Allow-Origin` replaces the first's, "
                "so preflights follow one policy and the responses another"
            )
        return (
            "the first `cors()` answers every preflight itself, so this layer never sees one; on "
            "other requests this layer's `Access-Control-Allow-Origin` replaces the first's and the "
            "headers only the first sets (such as `Access-Control-Allow-Credentials`) stay, so "
            "responses carry a mix of both policies"
        )
    if (
        earlier.framework.name.startswith("fastify_cors")
        and _hand_written(later)
        and preflights_answered_before(later.policy)
    ):
        # measured (fastify 5 + @fastify/cors 11): the plugin's onRequest hook ends every
        # OPTIONS request; on others `reply.header` replaces what it wrote of the same name
        return (
            "the plugin's onRequest hook answers every preflight, so this code never sees one; on "
            "other requests its `reply.header` calls replace the plugin's headers of the same name "
            "and those only the plugin sets stay, so responses carry a mix of both policies"
        )
    starlette = starlette_outcome(earlier, later)
    if starlette is not None:
        return starlette
    if any(e.kind == "origin-replaced-outside" for e in later.policy.evidence):
        # django-cors-headers with allow-all outside a hand-written middleware (census 11 C1)
        return (
            "django-cors-headers, listed before it, admits every origin and writes its own "
            "`Access-Control-Allow-Origin` over this layer's on every request that carries an "
            "Origin, so this layer's value never reaches a browser while its other headers are "
            "mixed into corsheaders' answers"
        )
    if _writes_no_origin(later) and any(e.kind == "library-inside" for e in later.policy.evidence):
        # Django: `response[name] = value` replaces a header, and the outer layer writes last
        return (
            "django-cors-headers, listed after it in MIDDLEWARE, answers the preflights, and this "
            f"layer then replaces {_written_names(later)} in those answers, so preflights carry "
            "this layer's values instead of the ones the CORS settings give"
        )
    if _inside_corsheaders(earlier, later):
        # Django: `response[name] = value` replaces a header, and corsheaders, outside, writes
        # last; it ends every preflight before an inner layer runs (measured, see
        # extractors/python_headers/django_view_layers.py)
        return (
            "django-cors-headers, in MIDDLEWARE around it, answers every preflight itself and writes "
            "its own `Access-Control-Allow-Origin` over this layer's for the origins it admits, so "
            "this layer's value reaches only origins corsheaders refuses, whose preflights get no "
            "CORS headers"
        )
    if _beside_corsheaders_origin(earlier, later):
        # measured (extractors/python_headers/django_view_layers.py): corsheaders replaces the
        # names it writes itself, for the origins it admits, and leaves the view's others
        return (
            "django-cors-headers, in MIDDLEWARE around it, answers every preflight itself and "
            f"decides `Access-Control-Allow-Origin`, while this layer writes {_written_names(later)} "
            "on every response it makes: "
            + (
                "for the origins corsheaders admits it writes its own headers of those names over "
                "this layer's, and to the origins it refuses this layer's go out alone, without an "
                "Allow-Origin"
                if _library_credentials(earlier)
                else "with `CORS_ALLOW_CREDENTIALS` not on, the answers to the origins corsheaders "
                "admits carry this layer's credentials while their preflights, which corsheaders "
                "answers, do not"
            )
        )
    if _writes_no_origin(later):
        return (
            "it writes no `Access-Control-Allow-Origin`, so the other layer adds its own CORS "
            "headers beside this layer's, and responses can carry the same header twice (two "
            "`Access-Control-Allow-Credentials: true` lines read as `true, true`, which browsers refuse)"
        )
    return (
        "one silently overrides or mixes with the other, and responses can carry two "
        "`Access-Control-Allow-Origin` values, which browsers reject"
    )


# libraries whose layers replace a header of the same name (express + cors 2.8: setHeader;
# Starlette CORSMiddleware: MutableHeaders item assignment) or leave a response that already
# has Allow-Origin alone (Flask-CORS): two layers with the same options send one set of
# headers, the first layer's (measured, sweep 12 X4: dsm-cefet-rj/ti-2024-1-grupo-2-1
# back-end/routes/index.js beside app.js, both `cors({ origin: '*' })`)
_REPLACING_LIBRARIES = frozenset({"express", "starlette", "flask_cors"})


def _same_library_policy(earlier: PolicyProbe, later: PolicyProbe) -> bool:
    """Two layers of one replacing library with the same known options."""
    name = earlier.framework.name
    if name != later.framework.name or name not in _REPLACING_LIBRARIES:
        return False
    first, second = _plain(dict(earlier.policy.options)), _plain(dict(later.policy.options))
    return first is not None and first == second


def _plain(value: object) -> object | None:
    """Options as plain data (locations aside); None where any part is not known."""
    if isinstance(value, Value):
        return _plain(value.raw) if value.known else None
    if isinstance(value, dict):
        items = {key: _plain(item) for key, item in value.items()}
        return None if any(item is None and value[key] is not None for key, item in items.items()) else items
    if isinstance(value, (tuple, list)):
        entries = [_plain(item) for item in value]
        return (
            None
            if any(item is None and raw is not None for item, raw in zip(entries, value, strict=True))
            else tuple(entries)
        )
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return None


def _inside_corsheaders(earlier: PolicyProbe, later: PolicyProbe) -> bool:
    """Hand-written Django code that writes Allow-Origin inside django-cors-headers' middleware
    (a view, a helper, a middleware listed after it)."""
    return (
        earlier.framework.name == "django"
        and _hand_written(later)
        and not _writes_no_origin(later)
        and any(e.kind == "library-wiring" for e in later.policy.evidence)
        and not any(e.kind == "library-inside" for e in later.policy.evidence)
    )


def _beside_corsheaders_origin(earlier: PolicyProbe, later: PolicyProbe) -> bool:
    """Hand-written Django code inside django-cors-headers' middleware that writes CORS
    headers but no Allow-Origin (a token view writing only Allow-Credentials)."""
    return (
        earlier.framework.name == "django"
        and _writes_no_origin(later)
        and any(e.kind == "library-wiring" for e in later.policy.evidence)
        and not any(e.kind == "library-inside" for e in later.policy.evidence)
    )


def _library_credentials(probe: PolicyProbe) -> bool:
    """django-cors-headers' `CORS_ALLOW_CREDENTIALS` is known to be on."""
    value = probe.policy.option("CORS_ALLOW_CREDENTIALS")
    return value is not None and value.known and value.raw is True


def _continues_preflights(probe: PolicyProbe) -> bool:
    """`preflightContinue: true` (or unknown): the cors layer hands preflights on."""
    value = probe.policy.option("preflightContinue")
    return value is not None and (not value.known or value.raw is not False)


def _writes_no_origin(probe: PolicyProbe) -> bool:
    """Hand-written headers without Allow-Origin (a Flask view writing only Allow-Methods,
    Allow-Headers and Allow-Credentials): a library layer then writes beside them."""
    return _hand_written(probe) and not any(
        name.split(" #", 1)[0].lower() == "access-control-allow-origin" for name in probe.policy.options
    )


def _written_names(probe: PolicyProbe) -> str:
    """The Access-Control-* headers a hand-written layer writes, as the message names them."""
    names = dict.fromkeys(
        "-".join(part.capitalize() for part in name.split(" #", 1)[0].split("-"))
        for name in probe.policy.options
        if name.lower().startswith("access-control-")
    )
    return ", ".join(f"`{name}`" for name in names) or "the headers it writes"


def _wired_at(probe: PolicyProbe) -> Location | None:
    """Where the layer joins the app, when that is not where it is written (a Django
    MIDDLEWARE entry naming a hand-written middleware class)."""
    return next((e.location for e in probe.policy.evidence if e.kind == "layer-wiring"), None)


def _library_wired_at(earlier: PolicyProbe, later: PolicyProbe) -> Location | None:
    """Where the library layer a hand-written one shares the app with is listed (the
    django-cors-headers MIDDLEWARE entry), as the hand-written layer's placement found it."""
    if _hand_written(earlier) or not _hand_written(later):
        return None
    return next((e.location for e in later.policy.evidence if e.kind == "library-wiring"), None)


def _hand_written(probe: PolicyProbe) -> bool:
    """Access-Control-* headers written by the project's own code, not a CORS library."""
    return probe.framework.handwritten


def _home(probe: PolicyProbe) -> bool:
    """Whether the layer is in the file its app key names (the app's own file)."""
    return probe.policy.app.split("::", 1)[0] == probe.policy.location.path


def _where(first: Location, later: Location) -> str:
    return f"line {first.line}" if first.path == later.path else f"{first.path}:{first.line}"
