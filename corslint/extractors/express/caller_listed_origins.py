"""An Allow-Origin a caller may choose, but only from the allow-list, else the request's own
pick (set 21, CryptoExplor/NFT-mini-app `api/_lib/cors.js`, Vercel functions):

    const origin = (options.origin && TRUSTED.has(options.origin))
      ? options.origin
      : pickOrigin(req.headers.origin);
    res.setHeader("Access-Control-Allow-Origin", origin);

The first arm sends an entry of `TRUSTED` that the calling code fixed, whoever asks: it
depends on no request, and a page reads the answer only when its own origin is that entry,
that is, a listed origin. It adds nothing to what the other arm is judged on, so the header is
read as the other arm (here the helper's returns under their tests). Only when the chosen
value is not a request input (an Origin read keeps its usual reading as a listed reflection)
and the list is one the model knows; anything else: None."""

from __future__ import annotations

from corslint.extractors.express.handwritten_state import Steps
from corslint.extractors.express.request_inputs import request_source
from corslint.extractors.js.method_calls import call_arguments
from corslint.extractors.js.syntax import Node, unwrap

_MEMBERSHIP = frozenset({"has", "includes"})


def caller_listed_arm(state: Steps, ternary: Node) -> Node | None:
    """The other arm of `(x && LIST.has(x)) ? x : other`; None for any other ternary."""
    if ternary.type != "ternary_expression":
        return None
    module = state.module
    test = unwrap(ternary.child_by_field_name("condition"))
    chosen = unwrap(ternary.child_by_field_name("consequence"))
    other = ternary.child_by_field_name("alternative")
    if (
        test is None
        or chosen is None
        or other is None
        or chosen.type not in {"identifier", "member_expression"}
    ):
        return None
    name = module.text(chosen).replace("?.", ".")
    if test.type == "binary_expression" and module.text(test.child_by_field_name("operator")) == "&&":
        guard = unwrap(test.child_by_field_name("left"))
        if module.text(guard).replace("?.", ".") != name:
            return None
        test = unwrap(test.child_by_field_name("right"))
    if test.type != "call_expression" or not _listed(state, test, name):
        return None
    if request_source(module, state.roles, state.aliases, chosen) is not None:
        return None  # `TRUSTED.has(origin) ? origin : ...`: the request's Origin, read as usual
    return other


def _listed(state: Steps, call: Node, name: str) -> bool:
    """Whether `call` is `LIST.has(name)` / `LIST.includes(name)` over a list the model knows."""
    module = state.module
    function = unwrap(call.child_by_field_name("function"))
    arguments = list(call_arguments(call))
    if function.type != "member_expression" or len(arguments) != 1:
        return False
    method = function.child_by_field_name("property")
    if method is None or module.text(method) not in _MEMBERSHIP:
        return False
    if module.text(unwrap(arguments[0])).replace("?.", ".") != name:
        return False
    listed = module.resolve(function.child_by_field_name("object"))
    return listed.known and isinstance(listed.raw, (list, tuple, set, frozenset))
