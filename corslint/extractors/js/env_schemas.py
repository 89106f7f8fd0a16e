"""`process.env` validated by a zod schema: `export const env = envSchema.parse(process.env)`
with `const envSchema = z.object({ CLIENT_URL: z.string().default("http://localhost:5173"),
... })`, then `cors({ origin: env.CLIENT_URL })` (10 of 10 find_string hits for
`.parse(process.env)` are zod env modules; 0oLeono0/SkillSwap `backend/src/config/env.ts`
with `envSchema.safeParse(process.env)` and `parsed.data`).

Each field of the schema reads the variable of its name (env_fields.py, the reading
envalid's `cleanEnv` shares): a committed `.env`'s value where the project loads one and the
field does not transform it, else a `.default(value)`, what the code gets when it is unset (judged "when CLIENT_URL is unset", as `process.env.X || value`),
a field without one, or with `.optional()` / `.nullish()` around it (zod answers undefined
first: measured), is the variable itself. zod's object schema strips the keys it does not
declare, so any other property reads as undefined (`.passthrough()` keeps them: unknown).
A field that transforms its input (`.transform`, `.preprocess`, `.pipe`, `z.coerce`, `.catch`)
is left unknown: zod 3 runs a default through the transform and zod 4 does not; one
exception, in a project on zod 3: `.transform((v) => v === "lit").default("...")`, whose
default is compared as the transform compares it."""

from __future__ import annotations

from corslint.extractors.js.env_fields import EnvModule as JsModule
from corslint.extractors.js.env_fields import field_value, schema_default
from corslint.extractors.js.method_calls import call_arguments
from corslint.extractors.js.package_versions import installed_major
from corslint.extractors.js.syntax import Node, single_parameter, string_value, unwrap
from corslint.model import Location, Provenance, Value

_PARSERS = frozenset({"parse", "safeParse"})
_ENV = frozenset({"process.env", "import.meta.env"})
_CHANGES_VALUE = ("transform(", "preprocess(", "pipe(", "coerce.", "catch(")
_KEEPS_UNKNOWN_KEYS = ("passthrough(", "catchall(", "loose(", "looseObject(")


def schema_parsed_env(module: JsModule, function: Node, arguments: list[Node], depth: int) -> Value | None:
    """The object `schema.parse(process.env)` returns (`safeParse`: `{ data, success }`),
    when `schema` is a `z.object({...})` of this module; None for any other call."""
    if function.type != "member_expression" or len(arguments) != 1:
        return None
    method = function.child_by_field_name("property")
    if method is None or module.text(method) not in _PARSERS:
        return None
    if module.text(unwrap(arguments[0])).replace(" ", "") not in _ENV or not _imports_zod(module):
        return None
    schema = _object_schema(module, unwrap(function.child_by_field_name("object")))
    if schema is None:
        return None
    shape, keeps_unknown = schema
    where = module.location(arguments[0])
    fields = _fields(module, shape, where, depth)
    if keeps_unknown:
        fields["**"] = module.unknown(arguments[0])
    parsed = Value(fields, where, description=module.text(function.parent or function))
    if module.text(method) == "parse":
        return parsed
    return Value({"data": parsed, "success": Value(True, where)}, where)


def t3_created_env(module: JsModule, function: Node, arguments: list[Node], depth: int) -> Value | None:
    """The object `createEnv({ server: {...}, client: {...}, runtimeEnv: process.env })` of
    `@t3-oss/env-core` (or `-nextjs`, `-nuxt`) returns: each declared field validated by its
    zod schema, as `schema.parse(process.env)` is (012e/thesis `apps/auth/src/env.ts`,
    census 5 sample 70). With `skipValidation` not known to be off, the raw variables are
    returned and no default applies: None."""
    if function.type != "identifier" or len(arguments) != 1:
        return None
    imported = module.imports.get(module.text(function))
    if imported is None or not imported[0].startswith("@t3-oss/env") or imported[1] != "createEnv":
        return None
    options = unwrap(arguments[0])
    if options.type != "object":
        return None
    where = module.location(arguments[0])
    fields: dict[str, Value] = {}
    for pair in options.named_children:
        key_node, value = pair.child_by_field_name("key"), pair.child_by_field_name("value")
        if pair.type != "pair" or key_node is None or value is None:
            continue
        key = module.text(key_node).strip("'\"")
        if key == "skipValidation":
            skipped = module.resolve(value, depth)
            if not skipped.known or skipped.raw not in (False, None):
                return None
        elif key in {"server", "client", "shared"} and unwrap(value).type == "object":
            fields.update(_fields(module, unwrap(value), where, depth))
    return Value(fields, where, description=module.text(function.parent or function))


def _fields(module: JsModule, shape: Node, where: Location, depth: int) -> dict[str, Value]:
    """Each field of a zod object shape, as its variable leaves it (see the module doc)."""
    fields: dict[str, Value] = {}
    for pair in shape.named_children:
        if pair.type != "pair":
            continue
        key_node, field = pair.child_by_field_name("key"), pair.child_by_field_name("value")
        if key_node is None or field is None:
            continue
        key = module.text(key_node).strip("'\"")
        field = unwrap(field)
        as_read = not _changes_value(module, field)
        fields[key] = field_value(
            module, key, field, where, _field_value(module, key, field, depth), as_read=as_read
        )
    return fields


def _compared_default(module: JsModule, key: str, field: Node) -> Value | None:
    """`z.string().transform((v) => v === "true").default("true")` under zod 3, which feeds
    the default through the transform (measured on zod 3.23.8: `true`; zod 4 returns the
    default as it is, so only a project on zod 3 is read): the comparison of the default
    (Adretanoo/hackathon-judge-platform `src/config/env.ts`, census 5 sample 55)."""
    outer = unwrap(field)
    callee = unwrap(outer.child_by_field_name("function")) if outer.type == "call_expression" else None
    if (
        callee is None
        or callee.type != "member_expression"
        or module.text(callee.child_by_field_name("property")) != "default"
    ):
        return None
    given = call_arguments(outer)
    inner = unwrap(callee.child_by_field_name("object"))
    inner_callee = unwrap(inner.child_by_field_name("function")) if inner.type == "call_expression" else None
    if len(given) != 1 or inner_callee is None or inner_callee.type != "member_expression":
        return None
    if module.text(inner_callee.child_by_field_name("property")) != "transform":
        return None
    default, transforms = string_value(given[0]), call_arguments(inner)
    if default is None or len(transforms) != 1 or installed_major(module.file, "zod") != 3:
        return None
    function = unwrap(transforms[0])
    parameter = single_parameter(function) if function.type == "arrow_function" else None
    body = unwrap(function.child_by_field_name("body")) if parameter is not None else None
    if body is None or body.type != "binary_expression":
        return None
    operator = module.text(body.child_by_field_name("operator"))
    sides = [unwrap(body.child_by_field_name("left")), unwrap(body.child_by_field_name("right"))]
    literal = next((text for side in sides if (text := string_value(side)) is not None), None)
    if operator not in {"===", "!==", "==", "!="} or literal is None:
        return None
    if not any(module.text(side) == parameter for side in sides):
        return None
    equal = default == literal
    return Value(
        equal if operator in {"===", "=="} else not equal,
        module.location(given[0]),
        Provenance.ENV_DEFAULT,
        key,
        f"{key} (its schema's default, transformed)",
    )


def _imports_zod(module: JsModule) -> bool:
    return any(specifier == "zod" or specifier.startswith("zod/") for specifier, _ in module.imports.values())


def _object_schema(module: JsModule, holder: Node | None) -> tuple[Node, bool] | None:
    """The object literal of `z.object({...})` that `holder` names, and whether the schema
    keeps keys it does not declare."""
    if holder is None:
        return None
    if holder.type == "identifier":
        bound = module.binding(module.text(holder))
        holder = unwrap(bound) if bound is not None else None
    if holder is None or holder.type != "call_expression":
        return None
    keeps_unknown = any(marker in module.text(holder) for marker in _KEEPS_UNKNOWN_KEYS)
    call: Node | None = holder
    while call is not None and call.type == "call_expression":
        callee = unwrap(call.child_by_field_name("function"))
        if callee is None or callee.type != "member_expression":
            return None
        name = module.text(callee.child_by_field_name("property"))
        receiver = unwrap(callee.child_by_field_name("object"))
        if name in {"object", "strictObject", "looseObject"} and receiver.type == "identifier":
            shapes = call_arguments(call)
            return (shapes[0], keeps_unknown) if len(shapes) == 1 and shapes[0].type == "object" else None
        call = receiver  # `z.object({...}).strict()`: the object is further in
    return None


def _field_value(module: JsModule, key: str, field: Node, depth: int) -> Value | None:
    """What a field holds when its variable is unset, if it has a `.default(...)`; None
    when it has none (the variable itself is read). Unknown when it changes the value."""
    if _changes_value(module, field):
        return _compared_default(module, key, field) or module.unknown(field, key)
    node: Node | None = field
    while node is not None and node.type == "call_expression":
        callee = unwrap(node.child_by_field_name("function"))
        if callee is None or callee.type != "member_expression":
            return None
        called = module.text(callee.child_by_field_name("property"))
        if called in {"optional", "nullish"}:
            return None  # around the default: an unset variable reads as undefined (measured)
        if called == "default":
            given = call_arguments(node)
            if len(given) != 1:
                return module.unknown(field, key)
            return schema_default(module, key, field, given[0], depth, "schema's")
        node = unwrap(callee.child_by_field_name("object"))
    return None


def _changes_value(module: JsModule, field: Node) -> bool:
    """Whether the field transforms what it reads (`.transform`, `z.coerce`, ...)."""
    text = module.text(field).replace(" ", "").replace("\n", "")
    return any(marker in text for marker in _CHANGES_VALUE)
