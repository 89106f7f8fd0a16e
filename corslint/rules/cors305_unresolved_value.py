from collections.abc import Iterator

from corslint.findings import Finding, Level
from corslint.model import FunctionValue, Value
from corslint.rules.base import Example, PolicyProbe, Rule
from corslint.rules.settled_options import partly_known


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
    judges `*` and says "when ORIGINS is unset".

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
        for name, value in probe.policy.options.items():
            unknown = first_unknown(value)
            if unknown is None:
                continue
            what = probe.framework.unread_options if name in {"**", "*"} else f"the value of `{name}`"
            checked = "corslint did not check it"
            if name in probe.framework.roles.get("origins", ()) and _an_entry(unknown, value):
                what = f"an entry of `{name}`"
                checked = "corslint checked the entries it could read and not this one"
            source = unknown.description or "an expression"
            if isinstance(unknown.raw, FunctionValue):
                source = "a function corslint could not classify"
            yield self.finding(
                probe,
                unknown.location if unknown.location.path == probe.policy.location.path else value.location,
                f"{probe.display}: {what} could not be determined statically ({source}); {checked}",
            )


def _an_entry(unknown: Value, value: Value) -> bool:
    """Whether `unknown` is one entry of the list `value` (the other entries are judged)."""
    return partly_known(value) and any(unknown is item for item in value.raw)
