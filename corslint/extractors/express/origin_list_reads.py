"""The plain reads of an allow-list inside an origin function: the list a test reads
(`list_holder`), `list.indexOf(origin) !== -1` and its spellings, presence tests of the Origin
and the anchored pattern a string test (`origin.endsWith(".x.com")`) stands for."""

from __future__ import annotations

from corslint.extractors.express.parameter_defaults import parameter_default
from corslint.extractors.js.call_site_arguments import call_site_argument
from corslint.extractors.js.declared_values import declared_value
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap
from corslint.model import Regex, Value


def list_holder(module: JsModule, node: Node) -> Value:
    """The list a test reads: resolved, or a factory parameter's default (`parameter_defaults`)."""
    value = module.resolve(node)
    if value.known:
        return value
    node = unwrap(node)
    called = call_site_argument(module, module.text(node), node) if node.type == "identifier" else None
    return parameter_default(module, node) or called or _declared_in_scope(module, node) or value


def _declared_in_scope(module: JsModule, node: Node) -> Value | None:
    """A list `const` of the function around the test, where another function of the file
    declares the same name (census 6 sample 50, 03XimenaCruz/api-gateway): that declaration."""
    if node.type != "identifier":
        return None
    declared = declared_value(module, module.text(node), node)
    value = module.resolve(declared) if declared is not None else None
    return value if value is not None and value.known else None


STRING_TESTS = {"endsWith": "{}$", "startsWith": "^{}", "includes": "{}"}


def js_escape(text: str) -> str:
    return "".join(f"\\{char}" if char in "\\^$.|?*+()[]{}/" else char for char in text)


def presence_test(module: JsModule, node: Node, name: str) -> bool:
    """`origin`, `!!origin`, `origin !== undefined`, `origin != null`, `typeof origin === "string"`,
    and conjunctions of them (`origin !== null && origin !== undefined`: census 10 B6,
    AitorGallardo/shoppingify-BEv2 src/middlewares/cors.ts)."""
    node = unwrap(node)
    if node.type == "binary_expression" and module.text(node.child_by_field_name("operator")) == "&&":
        return presence_test(module, node.child_by_field_name("left"), name) and presence_test(
            module, node.child_by_field_name("right"), name
        )
    text = module.text(node).replace(" ", "").replace('"', "'")
    return text in {
        name,
        f"!!{name}",
        f"{name}!==undefined",
        f"{name}!=undefined",
        f"{name}!=null",
        f"{name}!==null",
        f"typeof{name}==='string'",
    }


def index_of(
    module: JsModule, left: Node, right: Node, name: str, operator: str, positive: bool
) -> tuple[list[Value], bool] | None:
    """`list.indexOf(origin) !== -1` and its spellings."""
    call, bound = unwrap(left), module.text(unwrap(right)).replace(" ", "")
    if call.type == "identifier":  # `const index = list.indexOf(origin); if (index >= 0)`
        held = module.binding(module.text(call))
        call = unwrap(held) if held is not None else call
    if call.type != "call_expression":
        return None
    function = unwrap(call.child_by_field_name("function"))
    args = call.child_by_field_name("arguments")
    named = [c for c in args.named_children if c.type != "comment"] if args else []
    if function is None or function.type != "member_expression" or len(named) != 1:
        return None
    if (
        module.text(function.child_by_field_name("property")) != "indexOf"
        or module.text(unwrap(named[0])) != name
    ):
        return None
    admits = {("!==", "-1"), ("!=", "-1"), (">", "-1"), (">=", "0")}
    refuses = {("===", "-1"), ("==", "-1"), ("<", "0")}
    if ((operator, bound) in admits) != positive and ((operator, bound) in refuses) != (not positive):
        return None
    holder = list_holder(module, function.child_by_field_name("object"))
    if holder.known and isinstance(holder.raw, tuple):
        return list(holder.raw), False
    return None


def unread_list_test(module: JsModule, test: Node, name: str) -> tuple[list[Value], bool] | None:
    """`list.indexOf(name) !== -1` / `list.includes(name)` over a list corslint cannot read
    (`LISTS[process.env.STAGE]`): unknown entries, so that the other operands of an `||` are
    still judged (skyvue-io/skyvue-app-server `src/app.js`)."""
    test = unwrap(test)
    call = test
    if test.type == "binary_expression":
        bound = module.text(unwrap(test.child_by_field_name("right"))).replace(" ", "")
        operator = module.text(test.child_by_field_name("operator"))
        if (operator, bound) not in {("!==", "-1"), ("!=", "-1"), (">", "-1"), (">=", "0")}:
            return None
        call = unwrap(test.child_by_field_name("left"))
    if call.type != "call_expression":
        return None
    function = unwrap(call.child_by_field_name("function"))
    arguments = call.child_by_field_name("arguments")
    named = [c for c in arguments.named_children if c.type != "comment"] if arguments else []
    if function is None or function.type != "member_expression" or len(named) != 1:
        return None
    method = module.text(function.child_by_field_name("property"))
    if method != ("indexOf" if call is not test else "includes") or module.text(unwrap(named[0])) != name:
        return None
    holder = list_holder(module, function.child_by_field_name("object"))
    return ([holder], False) if not holder.known else None


def reads_url_hostname(module: JsModule, node: Node, name: str) -> bool:
    """`new URL(origin).hostname`, or a local bound once to it (ACT-Anti-Corruption-Thailand/
    school-governance `api/src/utils/cors.ts`)."""
    node = _bound_once(module, unwrap(node))
    if node is None or node.type != "member_expression":
        return False
    if module.text(node.child_by_field_name("property")) != "hostname":
        return False
    built = unwrap(node.child_by_field_name("object"))
    return built.type == "new_expression" and parsed_url_of(module, built, name)


def parsed_url_of(module: JsModule, node: Node, name: str) -> bool:
    """Whether `node` is `new URL(name)` (also `new URL(origin as string)`), or a local bound
    once to it."""
    found = _bound_once(module, unwrap(node))
    if found is None or found.type != "new_expression":
        return False
    if module.text(found.child_by_field_name("constructor")) != "URL":
        return False
    arguments = found.child_by_field_name("arguments")
    named = [c for c in arguments.named_children if c.type != "comment"] if arguments else []
    return len(named) == 1 and module.text(unwrap(named[0])) == name


def _bound_once(module: JsModule, node: Node) -> Node | None:
    """`node`, or for a name the value it is bound to once; None for a name bound otherwise."""
    if node.type != "identifier":
        return node
    bound = module.binding(module.text(node))
    if bound is None or len(module.declarators.get(module.text(node), [])) != 1:
        return None
    return unwrap(bound)


def hostname_entries(holder: Value) -> tuple[list[Value], bool] | None:
    """A list of host names as the origins each admits: any scheme, any port."""
    if not (holder.known and isinstance(holder.raw, tuple)):
        return None
    entries = []
    for item in holder.raw:
        if not (item.known and isinstance(item.raw, str)) or not item.raw:
            return None
        if item.raw != item.raw.lower():
            continue  # URL lower-cases the host: this entry never equals one
        # URL lower-cases scheme and host too: `https://LOCALHOST` passes as `localhost`
        pattern = f"^[a-z][a-z0-9+.-]*://{js_escape(item.raw)}(:[0-9]+)?$"
        entries.append(Value(Regex(pattern, "i"), item.location))
    return entries, False


def hostname_compared(
    module: JsModule, side: Node, other: Node, name: str
) -> tuple[list[Value], bool] | None:
    """`new URL(origin).hostname === "localhost"` (or through a local bound once to it,
    sceptre12/nx_video_streamer `apps/app-server/src/app/plugins/cors.ts`): the origins of
    that host, any scheme and port."""
    if not reads_url_hostname(module, side, name):
        return None
    host = module.resolve(other)
    if not (host.known and isinstance(host.raw, str)):
        return None
    return hostname_entries(Value((host,), host.location))
