"""The `setHeaders` option of NestJS's `app.useStaticAssets(dir, { prefix, setHeaders })`
on the Express adapter: `ExpressAdapter.useStaticAssets` mounts `express.static(dir,
options)` on the app there and then (`app.use(prefix, ...)` with a prefix, `app.use(...)`
without), so its headers are a layer of that app, scoped to the prefix, in the order of
the calls (joyang-project/api `src/main.ts`: after `enableCors({ origin: true,
credentials: true })`, its `res.set('Access-Control-Allow-Origin', '*')` replaces the
reflected origin on the files it serves while the credentials header stays; measured with
express 5 + cors 2.8 + serve-static).

Said only where the answer is plain: the function is the `setHeaders` entry of the object
literal given as the second argument of `X.useStaticAssets(...)`, and `prefix`, when
given, is a string literal."""

from __future__ import annotations

from corslint.extractors.express.registrations import Registration
from corslint.extractors.express.set_headers_options import set_headers_call
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, string_value, unwrap


def static_assets_registration(module: JsModule, function: Node) -> Registration | None:
    """The `use` registration `X.useStaticAssets(dir, { setHeaders })` makes for
    `function`, its path the `prefix` option (None without one)."""
    if b"useStaticAssets" not in module.source:
        return None
    found = set_headers_call(module, function)
    if found is None:
        return None
    call, arguments, options = found
    callee = unwrap(call.child_by_field_name("function"))
    named = [child for child in arguments.named_children if child.type != "comment"]
    if (
        callee is None
        or callee.type != "member_expression"
        or module.text(callee.child_by_field_name("property")) != "useStaticAssets"
        or len(named) != 2
        or named[1] != options
    ):
        return None
    path: str | None = None
    for entry in options.named_children:
        key = entry.child_by_field_name("key") if entry.type == "pair" else None
        if key is None or module.text(key).strip("'\"") != "prefix":
            continue
        value = entry.child_by_field_name("value")
        path = string_value(value) if value is not None else None
        if path is None:
            return None  # a prefix not known: the scope is not
    receiver = module.text(unwrap(callee.child_by_field_name("object")))
    return Registration(call, receiver, "use", path, named)
