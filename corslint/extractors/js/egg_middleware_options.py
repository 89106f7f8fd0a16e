"""The `options` an Egg app middleware is made with. `config.middleware = ['crossOrigin']`
in `config/config.default.js` makes Egg load `app/middleware/crossOrigin.js` and call its
export with `config.crossOrigin` (bearnew/sofa-egg `app/middleware/cors.js` +
`config/config.default.js`, census 5 sample 199):

    // config/config.default.js
    config.middleware = [ 'crossOrigin' ];
    config.crossOrigin = { allowList: [ '*' ] };
    // app/middleware/crossOrigin.js
    module.exports = options => { const { allowList } = options; return async (ctx, next) => ... };

A read of the factory's first parameter is that config value. Only when the middleware is
listed in `config.middleware` and `config.prod.*` does not set the key again (production
would then differ)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from corslint.extractors.js.syntax import Node, string_value, unwrap, walk
from corslint.model import Value

_FUNCTIONS = frozenset({"arrow_function", "function_expression", "function", "function_declaration"})
_SUFFIXES = (".js", ".ts")
# config keys Egg's own config.default (and its built-in plugins) sets
_EGG_KEYS = frozenset(
    [
        "security",
        "bodyParser",
        "logger",
        "static",
        "session",
        "i18n",
        "watcher",
        "multipart",
        "development",
        "logrotator",
        "schedule",
        "view",
        "jsonp",
        "onerror",
        "notfound",
        "siteFile",
        "meta",
        "overrideMethod",
        "httpclient",
        "customLogger",
        "cluster",
        "env",
        "name",
        "keys",
        "proxy",
        "hostHeaders",
        "cookies",
        "clientErrorHandler",
        "dump",
        "workerStartTimeout",
    ]
)


def egg_middleware_options(module: Any, use: Node, name: str) -> Value | None:
    """The config value Egg hands the middleware factory whose first parameter `name` is."""
    file: Path | None = module.file
    if file is None or module.project is None or file.parent.name != "middleware":
        return None
    if file.parent.parent.name != "app" or not _factory_parameter(module, use, name):
        return None
    key = re.sub(r"[-_](\w)", lambda m: m.group(1).upper(), file.stem)
    config_folder = file.parent.parent.parent / "config"
    config = _load(module, config_folder, "config.default")
    if config is None or not _listed(config, key):
        return None
    production = _load(module, config_folder, "config.prod")
    if production is not None and _assigned(production, key) is not None:
        return None
    settled, reassigned = _reassigned(module, use, name)
    if not settled:
        return None  # assigned where the order cannot be read
    if reassigned is not None:  # `options = Object.assign({}, defaults, options)`, read there
        merged: Value = module.resolve(reassigned)
        return merged
    written = _assigned(config, key)
    if written is None:  # egg-core: `const options = this.config[name] || {}`
        return _unset_config(module, config_folder, key, use)
    value = config.resolve(written)
    return value if value.known else None


def _reassigned(module: Any, use: Node, name: str) -> tuple[bool, Node | None]:
    """The right side of the one `name = ...` statement of the factory's own body that ends
    before `use` (the parameter merged with defaults, FanYH-tql/take-out-egg `app/middleware/
    cors.ts`), or None; False first when the parameter is assigned anywhere else."""
    factory = use.parent
    while factory is not None and not (factory.type in _FUNCTIONS and _exported(module, factory)):
        factory = factory.parent
    body = factory.child_by_field_name("body") if factory is not None else None
    if body is None:
        return True, None
    found: Node | None = None
    for node in walk(body):
        if node.type not in {"assignment_expression", "augmented_assignment_expression"}:
            continue
        if module.text(node.child_by_field_name("left")).strip() != name:
            continue
        statement = node.parent
        top = statement is not None and statement.type == "expression_statement" and statement.parent == body
        if not top or node.type != "assignment_expression" or found is not None:
            return False, None
        found = node
    if found is None or found.end_byte > use.start_byte:
        return True, None
    return True, found.child_by_field_name("right")


def _unset_config(module: Any, config_folder: Path, key: str, use: Node) -> Value | None:
    """`{}`, what Egg hands a listed middleware whose config key no file of the app sets
    (FanYH-tql/take-out-egg `app/middleware/cors.ts`, census 6 sample 127), unless a
    plugin or Egg itself may set that key (`egg-cors` sets `config.cors`, Egg `security`)."""
    if key in _EGG_KEYS or _config_mentions(config_folder, key):
        return None
    manifest = config_folder.parent / "package.json"
    try:
        text = manifest.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    kebab = re.sub(r"([A-Z])", lambda m: "-" + m.group(1).lower(), key)
    if re.search(rf'"(?:@[\w.-]+/)?(?:egg-)?{re.escape(kebab)}"\s*:', text):
        return None  # a package of that name (a plugin's config.default may set the key)
    return Value({}, module.location(use), description=f"Egg's `{{}}` for an unset config.{key}")


def _config_mentions(folder: Path, key: str) -> bool:
    """Whether any other config file of the app (`config.local.js`, `plugin.js`) names the key."""
    for path in folder.glob("*"):
        if path.suffix in _SUFFIXES and path.stem not in {"config.default", "config.prod"}:
            try:
                if key in path.read_text(encoding="utf-8", errors="replace"):
                    return True
            except OSError:
                return True
    return False


def _factory_parameter(module: Any, use: Node, name: str) -> bool:
    """Whether `name` is the first parameter of the function the module exports, around `use`."""
    node: Node | None = use.parent
    while node is not None:
        if node.type in _FUNCTIONS and _exported(module, node):
            parameters = node.child_by_field_name("parameters")
            first = (
                next((c for c in parameters.named_children if c.type != "comment"), None)
                if parameters
                else None
            )
            if first is None:
                single = node.child_by_field_name("parameter")
                return single is not None and module.text(single) == name
            target = first.child_by_field_name("pattern") if first.type == "required_parameter" else first
            if target is not None and target.type == "assignment_pattern":  # `(options = {})`
                target = target.child_by_field_name("left")
            return target is not None and module.text(target) == name
        node = node.parent
    return False


def _exported(module: Any, function: Node) -> bool:
    parent = function.parent
    if parent is not None and parent.type == "export_statement":
        return True
    if parent is not None and parent.type == "assignment_expression":
        left = module.text(parent.child_by_field_name("left")).replace(" ", "")
        return left in {"module.exports", "exports.default"}
    return False


def _load(module: Any, folder: Path, stem: str) -> Any:
    for suffix in _SUFFIXES:
        candidate = folder / f"{stem}{suffix}"
        if candidate.is_file():
            return module.project.load(candidate, module.project.display(module, candidate))
    return None


def _assigned(config: Any, key: str) -> Node | None:
    """X of the last `config.<key> = X` / `exports.<key> = X`, or of `<key>: X` in the
    object the module exports or returns."""
    found: Node | None = None
    for node in walk(config.root):
        if node.type == "assignment_expression":
            left = config.text(node.child_by_field_name("left")).replace(" ", "")
            if left in {f"config.{key}", f"exports.{key}", f"module.exports.{key}"}:
                found = node.child_by_field_name("right")
        elif node.type == "pair" and config.text(node.child_by_field_name("key")).strip("'\"") == key:
            holder = node.parent.parent if node.parent is not None else None
            if holder is not None and holder.type in {"return_statement", "assignment_expression"}:
                found = node.child_by_field_name("value")
    return found


def _listed(config: Any, key: str) -> bool:
    """Whether `config.middleware` lists the middleware."""
    listed = _assigned(config, "middleware")
    if listed is None or unwrap(listed).type != "array":
        return False
    return any(string_value(item) == key for item in unwrap(listed).named_children)
