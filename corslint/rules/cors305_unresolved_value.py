from collections.abc import Iterator

from corslint.findings import Finding, Level, Related
from corslint.model import FunctionValue, Location, Value
from corslint.rules.base import Example, PolicyProbe, Rule
from corslint.rules.quoted_code import as_written
from corslint.rules.settled_options import listed_entries, partly_known
from corslint.rules.unset_origin_defaults import unset_admits_none, unset_note


def first_unknown(value: Value) -> Value | None:
    for item in value.walk():
        if not item.known:
            return item
        if isinstance(item.raw, FunctionValue) and item.raw.kind == "unknown":
            return item
    return None


class UnresolvedValue(Rule):
    """
    ## What it does
    Reports a CORS option whose value corslint could not determine without running the
    code: read from the environment with no default, computed by a function, loaded from
    a file at runtime, passed through `**kwargs` built elsewhere (in JavaScript, an options
    object corslint cannot read). It is reported once per option, so you know what was
    *not* checked.

    A permissive *default* is not unresolved: for `os.getenv("ORIGINS", "*")` corslint
    judges `*` and says "when ORIGINS is unset". A default that admits no origin at all
    (`os.getenv("ORIGINS", "").split(",")`, `... if os.getenv("ORIGINS") else []`) leaves
    the deployed list unread, so it is reported, and the rules about the policy's other
    options judge what an allowed origin would meet.

    ## Why is this bad?
    It is not a problem in itself; it is a blind spot. Origins read from deployment
    configuration are a good practice, and the values in each environment deserve the
    same review as code.

    ## Example
    ```python
    app.add_middleware(CORSMiddleware, allow_origins=os.environ["CORS_ORIGINS"].split(","))
    ```

    ## Use instead
    Give a safe default that corslint can check, or suppress the note where the value is
    reviewed elsewhere:
    ```python
    app.add_middleware(
        CORSMiddleware,
        allow_origins=os.getenv("CORS_ORIGINS", "https://app.example.com").split(","),
    )
    ```

    ## References
    - corslint documentation, value resolution
    """

    id = "CORS305"
    name = "unresolved-value"
    level = Level.NOTE
    summary = "A CORS option's value could not be determined statically"
    tags = ("diagnostic",)
    bad = (
        Example(
            "starlette",
            "import os\n\n"
            "from fastapi import FastAPI\n"
            "from fastapi.middleware.cors import CORSMiddleware\n\n"
            "app = FastAPI()\n"
            'app.add_middleware(CORSMiddleware, allow_origins=os.environ["CORS_ORIGINS"].split(","))\n',
        ),
        Example(
            "flask_cors",
            "import os\n"
            "\n"
            "from flask import Flask\n"
            "from flask_cors import CORS\n"
            "\n"
            "app = Flask(__name__)\n"
            'CORS(app, origins=os.environ["CORS_ORIGINS"].split(","))\n',
        ),
    )
    good = (
        Example(
            "starlette",
            "import os\n\n"
            "from fastapi import FastAPI\n"
            "from fastapi.middleware.cors import CORSMiddleware\n\n"
            "app = FastAPI()\n"
            'app.add_middleware(CORSMiddleware, allow_origins=os.getenv("CORS_ORIGINS", "https://app.example.com").split(","))\n',
        ),
        Example(
            "flask_cors",
            "import os\n"
            "\n"
            "from flask import Flask\n"
            "from flask_cors import CORS\n"
            "\n"
            "app = Flask(__name__)\n"
            'CORS(app, origins=os.getenv("CORS_ORIGINS", "https://app.example.com").split(","))\n',
        ),
    )

    def check(self, probe: PolicyProbe) -> Iterator[Finding]:
        if probe.framework.handwritten:
            yield from self._hand_written(probe)
            return
        for name, value in probe.policy.options.items():
            unknown = first_unknown(value)
            if unknown is None:
                continue
            what = probe.framework.unread_options if name in {"**", "*"} else f"the value of `{name}`"
            checked = "corslint did not check it"
            if name in probe.framework.roles.get("origins", ()) and _an_entry(unknown, value):
                what = f"an entry of `{name}`"
                checked = "corslint checked the entries it could read and not this one"
            # the unknown entry's own line, also where an options object another module exports
            # holds it (`exports.corsOptions = {origin: [..., process.env.CLIENT_URL]}`)
            where = (
                unknown.location
                if unknown.location.path in {probe.policy.location.path, value.location.path}
                else value.location
            )
            # an entry of a list written above the call: the option reading it is named too
            used = (
                (Related(value.location, f"`{name}` is given this value here"),)
                if name not in {"**", "*"}
                and where.path == value.location.path
                and where.line != value.location.line
                else ()
            )
            yield self.finding(
                probe,
                where,
                f"{probe.display}: {what} could not be determined statically ({_source(unknown)}); {checked}",
                related=(*_written_at(where, unknown, value), *used),
            )

        for name in unset_admits_none(probe):
            value = probe.policy.options[name]
            yield self.finding(probe, value.location, f"{probe.display}: {unset_note(name, value)}")

    def _hand_written(self, probe: PolicyProbe) -> Iterator[Finding]:
        """One finding per line: the steps of hand-written code are its header writes, its
        allow-list test and its answers, which users know by what the line says."""
        lines: dict[tuple[str, int], tuple[Location, list[str]]] = {}
        for name, value in probe.policy.options.items():
            unknown = first_unknown(value)
            if unknown is None:
                continue
            where = (
                unknown.location if unknown.location.path == probe.policy.location.path else value.location
            )
            what = f"{_step_name(name)} ({_source(unknown)})"
            _, found = lines.setdefault((where.path, where.line), (where, []))
            if what not in found:
                found.append(what)
        for where, whats in lines.values():
            them = "them" if len(whats) > 1 else "it"
            yield self.finding(
                probe,
                where,
                f"{probe.display}: {' and '.join(whats)} could not be determined statically; "
                f"corslint did not check {them}",
            )


def _written_at(where: Location, *values: Value) -> tuple[Related, ...]:
    """Where a value read through other modules is written (`...corsOptions` spread from
    config/cors.ts into the object passed to cors() in a third module)."""
    seen = {(where.path, where.line)}
    out = []
    for value in values:
        for location in value.related:
            if (location.path, location.line) not in seen:
                seen.add((location.path, location.line))
                out.append(Related(location, "the value is written here"))
    return tuple(out)


def _source(unknown: Value) -> str:
    if isinstance(unknown.raw, FunctionValue):
        return "a function corslint could not classify"
    return as_written(unknown.description, unknown.location.path) if unknown.description else "an expression"


def _step_name(name: str) -> str:
    """A hand-written step as its code reads: a header it writes, the test that decides
    who gets the headers, or the answer it ends the request with."""
    base = name.split(" #", 1)[0]
    if base == "guard":
        return "the allow-list the Origin is checked against"
    if base == "condition":
        return "whether the headers are written"
    if base in {"answer", "end", "options_status"}:
        return "the status the request is answered with"
    return f"the `{base}` header"


def _an_entry(unknown: Value, value: Value) -> bool:
    """Whether `unknown` is one entry of the list `value` (the other entries are judged)."""
    return partly_known(value) and any(unknown is item for item in listed_entries(value))
