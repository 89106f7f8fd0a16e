"""CORSMiddleware options written as ternaries over one deployment setting:

    IS_LIVE = os.getenv("DEPLOY_STAGE") == "live"
    app.add_middleware(
        CORSMiddleware,
        allow_origins=LIVE_SITES if IS_LIVE else ["*"],
        allow_origin_regex=r"https://.*\\.onrender\\.com" if IS_LIVE else None,
        allow_credentials=True,
    )

(census 5 P18: Abivarshh5/multimodal-bot-backend app/middleware/cors.py:18-24). The test is
decided once, when the app starts, by its environment: the arm the unset variable picks is
judged "when DEPLOY_STAGE is unset" as before, and the other arm is a configuration the app
runs with too, judged on its own (the two on exclusive branches, as NODE9A's
express/ternary_variants.py does for the `cors` package). A development arm (`if DEBUG`,
the `else` of a production test) is not judged as deployed."""

from __future__ import annotations

import ast

from corslint.extractors.python import EMPTY_SCOPE, PythonModule, seen_from
from corslint.extractors.python.app_layers import DEVELOPMENT_TEST, NOT_PRODUCTION_TEST, PRODUCTION_TEST
from corslint.extractors.starlette.arguments import Argument
from corslint.model import Value


def other_arm(
    module: PythonModule, arguments: list[Argument], options: dict[str, Value]
) -> tuple[dict[str, Value], str, str] | None:
    """(the options of the arm the environment's default does not take, that arm's branch,
    the default arm's branch), when the keyword arguments written as ternaries all test one
    deployment setting; None otherwise."""
    ternaries = [a for a in arguments if a.keyword is not None and isinstance(a.value, ast.IfExp)]
    if not ternaries:
        return None
    tests = {module.source(a.value.test) for a in ternaries if isinstance(a.value, ast.IfExp)}
    if len(tests) != 1:
        return None
    first = ternaries[0].value
    assert isinstance(first, ast.IfExp)
    decided = module.decide(first.test, EMPTY_SCOPE)
    if decided is None or decided.env_var is None:
        return None  # not chosen by an environment default: read as before
    test = tests.pop()
    taken_if = bool(decided.raw)
    taken, other = ("if", "else") if taken_if else ("else", "if")
    if other == development_arm(test):
        return None  # the arm not taken by default is development configuration
    variant = dict(options)
    for argument in ternaries:
        node = argument.value
        assert isinstance(node, ast.IfExp) and argument.keyword is not None
        written = node.orelse if taken_if else node.body
        value = seen_from(module.resolve(written), module, module.location(written))
        if decided.env_var in value.env_vars:
            # `ORIGINS if not everything else []`, the test over ORIGINS itself: that arm
            # holds only once the variable is set, so its default says nothing of it
            return None
        variant[argument.keyword] = value
    where = f"{module.path}:{first.test.lineno}:{first.test.col_offset}"
    return variant, f"{other}@{where}", f"{taken}@{where}"


def development_arm(test: str) -> str | None:
    """Which arm of `A if TEST else B` is for development: `if DEBUG` (the `if`), `if not
    DEBUG` (the `else`), `if ENV == "production"` (the `else`)."""
    negated = test.lstrip().startswith("not ") or "!=" in test
    if DEVELOPMENT_TEST.search(test):
        return "else" if negated else "if"
    if PRODUCTION_TEST.search(test):
        return "if" if NOT_PRODUCTION_TEST.search(test) else "else"
    return None
