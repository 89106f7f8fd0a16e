"""Rules added to a Next.js `headers()` list after it is declared: `headers.push({source,
headers})`, at the top of next.config or in `headers()` itself before it returns the list,
often under a condition (`if (isProd) headers.push(...)`, umami-software/umami). Each pushed
rule keeps the if/else arms around its `push` (`branches.arms_around`), so it is judged
as the configuration of that branch."""

from __future__ import annotations

from dataclasses import dataclass

from corslint.extractors.express.branches import arms_around
from corslint.extractors.js.declared_values import enclosing_function
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap
from corslint.model import Value


@dataclass(frozen=True)
class Pushed:
    """One entry pushed onto a headers() list, and where in the code the push runs."""

    entry: Value  # the pushed `{source, headers}` object
    branch: str  # the arms around the push ("" when it always runs)


def pushed_entries(module: JsModule, returned: Node, headers_function: Node) -> list[Pushed]:
    """The entries pushed onto the list `returned` names, in file order: pushes at module
    level or in `headers()` itself (a push in another function, a callback run per item,
    may run any number of times: left out)."""
    returned = unwrap(returned)
    if returned.type != "identifier":
        return []
    name = module.text(returned)
    found = []
    for call in module.of_kind("call_expression"):
        callee = call.child_by_field_name("function")
        if callee is None or callee.type != "member_expression":
            continue
        receiver = callee.child_by_field_name("object")
        method = callee.child_by_field_name("property")
        if (
            receiver is None
            or method is None
            or module.text(method) != "push"
            or module.text(receiver) != name
        ):
            continue
        if enclosing_function(call) not in {None, headers_function}:
            continue
        arguments = call.child_by_field_name("arguments")
        for argument in arguments.named_children if arguments is not None else []:
            if argument.type == "spread_element":
                continue
            found.append(Pushed(module.resolve(argument), arms_around(call)))
    return found


def pushes_unread(module: JsModule, returned: Node, headers_function: Node) -> bool:
    """Whether the list `returned` names is pushed to where `pushed_entries` does not read
    (in a callback), or with entries it cannot read (a spread)."""
    returned = unwrap(returned)
    if returned.type != "identifier":
        return False
    name = module.text(returned)
    calls = [
        call
        for call in module.of_kind("call_expression")
        if module.text(call.child_by_field_name("function") or call).replace(" ", "") == f"{name}.push"
    ]
    read = pushed_entries(module, returned, headers_function)
    arguments = sum(len((call.child_by_field_name("arguments") or call).named_children) for call in calls)
    return arguments != len(read)
