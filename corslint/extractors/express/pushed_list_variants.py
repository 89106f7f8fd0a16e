"""An `origin` list that a push under an environment test extends:

    const corsOriginWhiteList = ['https://bit-ocean.studio'];
    if (appConfig.isSTAGING) corsOriginWhiteList.push('http://localhost:*');
    app.enableCors({ origin: corsOriginWhiteList });

(dolphin-admin/nest-api `src/main.ts`, census 6 sample 298). The test is decided once, when
the server starts, by its environment: like an env ternary in `origin` (`ternary_variants`),
each arm is a configuration the app may run with, judged on its own (two variants on
exclusive branches), the deployed one as before. Only a push of literal entries under a
test of one variable other than NODE_ENV (NODE_ENV is judged as deployed in production)
and not named for development (`isDev`: a development arm is not judged as deployed), or
under a test nothing read here decides (`appConfig.isSTAGING` from a config service): then
neither arm is the deployed one, and the push's entries are no longer unknown."""

from __future__ import annotations

from corslint.extractors.express.option_variants import OptionVariant
from corslint.extractors.express.origin_function_nodes import node_at
from corslint.extractors.js.list_pushes import staged_pushes, with_list_pushes
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import unwrap
from corslint.model import Evidence, Value


def pushed_list_variants(
    module: JsModule, options: dict[str, Value], evidence: list[Evidence], branch: str = ""
) -> list[OptionVariant]:
    """[the deployed list, the list the other arm of the push's test makes]; [] otherwise."""
    origin = options.get("origin")
    if origin is None or not origin.known or not isinstance(origin.raw, tuple):
        return []
    use = node_at(module, origin.location)
    if use is None or unwrap(use).type != "identifier":
        return []
    use = unwrap(use)
    name = module.text(use)
    bound = module.binding(name)
    if bound is None:
        return []
    staged = staged_pushes(module, name, bound, use)
    if len(staged) != 1:
        return []
    call, test, taken = staged[0]
    arms = []
    for arm, runs in (("if", True), ("else", False)):
        if runs is taken:  # the deployed arm: the options as read
            arms.append((arm, options))
            continue
        listed = with_list_pushes(module, name, bound, use, origin.location, 0, {call.id: runs})
        if listed is None:
            return []
        arms.append((arm, {**options, "origin": Value(listed.raw, origin.location, origin.provenance)}))
    where = f"{test.start_point[0] + 1}:{test.start_point[1]}"
    return [
        OptionVariant("/".join(p for p in (branch, f"{arm}@{where}") if p), chosen, evidence)
        for arm, chosen in arms
    ]
