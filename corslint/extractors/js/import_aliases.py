"""Import specifiers a project maps to its own folders: jsconfig/tsconfig `compilerOptions.paths`
(with `baseUrl`) and babel-plugin-module-resolver's `alias` / `root` (in `.babelrc`,
`.babelrc.json`, `babel.config.json`, `babel.config.js`, `.babelrc.js`).

`import { corsOptions } from "~/config/cors"` with `"alias": { "~": "./src" }` (the
trungquandev MERN template: 12Quan12/server, 0Lu-cy0/it-task-manager-be) or `"*": "./src"`
(0nlyy0u/medicationManage-api) names `src/config/cors.js`. Each aliased specifier becomes the
relative specifiers it can stand for, tried in the order the tools try them: tsconfig `paths`
(longest matching prefix first), then `baseUrl`, then the babel alias, then babel's roots."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from corslint.extractors.js.project_files import project_root
from corslint.extractors.js.syntax import unwrap
from corslint.model import SourceError, Value

_TSCONFIGS = ("tsconfig.json", "jsconfig.json")
_BABEL_JSON = (".babelrc", ".babelrc.json", "babel.config.json")
_BABEL_JS = ("babel.config.js", "babel.config.cjs", ".babelrc.js", ".babelrc.cjs")
_MAX_EXTENDS = 3  # `extends` hops followed (apps/api/tsconfig.json -> ../../tsconfig.base.json)
_RESOLVER_NAMES = frozenset({"module-resolver", "babel-plugin-module-resolver"})


@dataclass(frozen=True)
class AliasConfig:
    """The aliases that apply to the files of one folder, as absolute target patterns."""

    paths: tuple[tuple[str, tuple[str, ...]], ...] = ()  # tsconfig: pattern -> targets (one `*` each)
    base_url: str | None = None  # tsconfig `baseUrl`, absolute
    alias: tuple[tuple[str, str], ...] = ()  # module-resolver: key -> absolute target
    roots: tuple[str, ...] = ()  # module-resolver `root` folders, absolute
    imports: tuple[tuple[str, str], ...] = ()  # package.json `imports`: `#key` (one `*` or none) -> target

    @property
    def empty(self) -> bool:
        return not (self.paths or self.base_url or self.alias or self.roots or self.imports)


def aliased_specifiers(
    importer: Path,
    specifier: str,
    cache: dict[str, AliasConfig],
    packages: frozenset[str] | Callable[[], frozenset[str]],
) -> list[str]:
    """The relative specifiers (from `importer`'s folder) an aliased `specifier` can name,
    most likely first; none for a relative specifier or one no alias maps. A specifier
    naming one of the project's `packages` is looked up only through explicit aliases."""
    if specifier.startswith((".", "/")) or ":" in specifier:
        return []
    config = alias_config(importer.parent, cache)
    if config.empty:
        return []
    head = specifier.split("/", 2)
    package = "/".join(head[:2]) if specifier.startswith("@") else head[0]
    listed = packages() if callable(packages) else packages  # read only where an alias applies
    targets = _targets(config, specifier, package not in listed)
    folder = str(importer.parent.resolve())
    found: list[str] = []
    for target in targets:
        relative = os.path.relpath(target, folder).replace(os.sep, "/")
        found.append(relative if relative.startswith(".") else f"./{relative}")
    return found


def _targets(config: AliasConfig, specifier: str, bare_lookups: bool) -> list[str]:
    if specifier.startswith("#"):  # Node's subpath imports: the package's own map, and no other
        keys = [key for key, _ in config.imports if _matches(key, specifier)]
        exact = [key for key in keys if "*" not in key]
        best = exact[0] if exact else max(keys, key=lambda key: len(key.split("*")[0]), default=None)
        found = dict(config.imports).get(best) if best is not None else None
        return [found.replace("*", _star_part(best or "", specifier))] if found is not None else []
    targets: list[str] = []
    matched = sorted(
        ((pattern, to) for pattern, to in config.paths if _matches(pattern, specifier)),
        key=lambda item: -len(item[0].split("*")[0]),
    )
    for pattern, to in matched:
        star = _star_part(pattern, specifier)
        targets += [target.replace("*", star, 1) for target in to]
    if config.base_url is not None and bare_lookups:
        targets.append(os.path.join(config.base_url, specifier))
    for key, target in config.alias:
        if specifier == key or specifier.startswith(key + "/"):
            targets.append(target + specifier[len(key) :])
    if bare_lookups:
        targets += [os.path.join(root, specifier) for root in config.roots]
    return targets


def _matches(pattern: str, specifier: str) -> bool:
    if "*" not in pattern:
        return pattern == specifier
    prefix, _, suffix = pattern.partition("*")
    return (
        len(specifier) >= len(prefix) + len(suffix)
        and specifier.startswith(prefix)
        and specifier.endswith(suffix)
    )


def _star_part(pattern: str, specifier: str) -> str:
    if "*" not in pattern:
        return ""
    prefix, _, suffix = pattern.partition("*")
    return specifier[len(prefix) : len(specifier) - len(suffix)]


def alias_config(folder: Path, cache: dict[str, AliasConfig]) -> AliasConfig:
    """The nearest tsconfig/jsconfig and babel configuration above `folder`, up to the
    project's root (the folder of its package.json)."""
    key = str(folder)
    cached = cache.get(key)
    if cached is not None:
        return cached
    root = project_root(folder / "_")
    paths: tuple[tuple[str, tuple[str, ...]], ...] = ()
    base_url: str | None = None
    alias: tuple[tuple[str, str], ...] = ()
    roots: tuple[str, ...] = ()
    ts_found = babel_found = False
    current = folder.resolve()
    while True:
        if not ts_found:
            for name in _TSCONFIGS:
                if (current / name).is_file():
                    paths, base_url = _compiler_paths(current / name)
                    ts_found = True
                    break
        if not babel_found:
            for name in (*_BABEL_JSON, *_BABEL_JS):
                if (current / name).is_file():
                    alias, roots = _module_resolver(current / name)
                    babel_found = True
                    break
        if root is None or current == root or current.parent == current:
            break
        current = current.parent
    imports, module_aliases = _package_maps(root / "package.json") if root is not None else ((), ())
    config = AliasConfig(paths, base_url, alias + module_aliases, roots, imports)
    cache[key] = config
    return config


def _package_maps(manifest: Path) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    """package.json `imports` (`"#config/*": "./src/config/*"`, A-Trott/savvysit-server), each
    target the first path its conditions give Node (`node`, `import`, `require`, `default`);
    and module-alias's `_moduleAliases` (`"@": "src/"`, ElioenaiFerrari/intelliclass-TDD), whose
    keys match as babel's do, with targets relative to the package."""
    data = read_jsonc(manifest)
    mapping = data.get("imports") if isinstance(data, dict) else None
    imports: list[tuple[str, str]] = []
    for key, target in mapping.items() if isinstance(mapping, dict) else ():
        chosen = _condition_target(target)
        if key.startswith("#") and key.count("*") <= 1 and chosen is not None and chosen.startswith("./"):
            imports.append((key, os.path.normpath(manifest.parent / chosen)))
    aliases = data.get("_moduleAliases") if isinstance(data, dict) else None
    module_aliases = tuple(
        (key, os.path.normpath(manifest.parent / target))
        for key, target in (aliases.items() if isinstance(aliases, dict) else ())
        if isinstance(target, str) and target and not os.path.isabs(target)
    )
    return tuple(imports), module_aliases


def _condition_target(target: object, depth: int = 0) -> str | None:
    if isinstance(target, str) or depth > 3:
        return target if isinstance(target, str) else None
    if isinstance(target, list):
        return next((found for item in target if (found := _condition_target(item, depth + 1))), None)
    if isinstance(target, dict):
        for condition, inner in target.items():
            if condition in {"node", "import", "require", "default"}:
                return _condition_target(inner, depth + 1)
    return None


def _compiler_paths(tsconfig: Path) -> tuple[tuple[tuple[str, tuple[str, ...]], ...], str | None]:
    """`compilerOptions.paths` and `baseUrl` (absolute), following relative `extends`."""
    paths: dict[str, tuple[str, ...]] | None = None
    base_url: str | None = None
    paths_base: Path | None = None
    file: Path | None = tsconfig
    for _ in range(_MAX_EXTENDS + 1):
        if file is None:
            break
        data = read_jsonc(file)
        options = data.get("compilerOptions") if isinstance(data, dict) else None
        if isinstance(options, dict):
            if base_url is None and isinstance(options.get("baseUrl"), str):
                base_url = os.path.normpath(file.parent / options["baseUrl"])
            if paths is None and isinstance(options.get("paths"), dict):
                paths = {
                    pattern: tuple(t for t in to if isinstance(t, str))
                    for pattern, to in options["paths"].items()
                    if isinstance(pattern, str) and isinstance(to, list)
                }
                paths_base = file.parent
        extends = data.get("extends") if isinstance(data, dict) else None
        file = _extended(file, extends)
    if not paths:
        return (), base_url
    # targets are relative to baseUrl, or to the tsconfig that declares them (TypeScript 4.1+)
    origin = base_url if base_url is not None else str(paths_base)
    absolute = tuple(
        (pattern, tuple(os.path.normpath(os.path.join(origin, target)) for target in to))
        for pattern, to in paths.items()
    )
    return absolute, base_url


def _extended(file: Path, extends: object) -> Path | None:
    first = extends[0] if isinstance(extends, list) and extends else extends
    if not isinstance(first, str) or not first.startswith("."):
        return None  # a package's shared config (`@tsconfig/node18`) holds no project paths
    target = (file.parent / first).resolve()
    if target.is_file():
        return target
    with_suffix = target.with_name(target.name + ".json")
    return with_suffix if with_suffix.is_file() else None


def _module_resolver(config: Path) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    """babel-plugin-module-resolver's `alias` (plain keys: a key matches the specifier itself
    or a prefix of it followed by `/`) and `root`, relative to the configuration's folder."""
    data = read_jsonc(config) if config.name in _BABEL_JSON else _babel_js(config)
    plugins = data.get("plugins") if isinstance(data, dict) else None
    alias: list[tuple[str, str]] = []
    roots: list[str] = []
    for plugin in plugins if isinstance(plugins, list) else ():
        if not (isinstance(plugin, list) and len(plugin) >= 2 and plugin[0] in _RESOLVER_NAMES):
            continue
        options = plugin[1]
        if not isinstance(options, dict):
            continue
        mapping = options.get("alias")
        for key, target in mapping.items() if isinstance(mapping, dict) else ():
            if not isinstance(target, str) or key.startswith("^") or key.endswith("$"):
                continue  # regular-expression keys rewrite with groups: not followed
            if target.startswith("."):  # `"underscore": "lodash"` names a package
                alias.append((key, os.path.normpath(config.parent / target)))
        listed = options.get("root")
        for root in [listed] if isinstance(listed, str) else listed if isinstance(listed, list) else ():
            if isinstance(root, str) and "*" not in root:
                roots.append(os.path.normpath(config.parent / root))
    return tuple(alias), tuple(roots)


def _babel_js(config: Path) -> object:
    """`module.exports = {...}` (or a function returning one) in babel.config.js, read as data."""
    from corslint.extractors.js.module import parse  # the resolver module imports this one

    try:
        module = parse(config.name, config.read_text("utf-8"), config)
    except (OSError, UnicodeDecodeError, SourceError):
        return None
    for node in module.root.named_children:
        target = unwrap(node.named_children[0]) if node.type == "expression_statement" else node
        if target.type != "assignment_expression":
            continue
        if module.text(target.child_by_field_name("left")).replace(" ", "") != "module.exports":
            continue
        right = unwrap(target.child_by_field_name("right"))
        if right.type in {"arrow_function", "function_expression", "function"}:
            body = right.child_by_field_name("body")
            returned = [
                unwrap(child.named_children[0])
                for child in (body.named_children if body is not None else ())
                if child.type == "return_statement" and child.named_children
            ]
            if body is not None and body.type != "statement_block":
                returned = [unwrap(body)]
            if len(returned) != 1:
                return None
            right = returned[0]
        value = module.resolve(right)
        return _plain(value.raw) if value.known else None
    return None


def _plain(raw: object) -> object:
    """A resolved value as plain data (unknown parts dropped)."""
    if isinstance(raw, Value):
        return _plain(raw.raw) if raw.known else None
    if isinstance(raw, dict):
        return {key: _plain(item) for key, item in raw.items() if key != "**"}
    if isinstance(raw, tuple):
        return [_plain(item) for item in raw]
    return raw


_COMMENT_OR_STRING = re.compile(r'"(?:\\.|[^"\\])*"|//[^\n]*|/\*.*?\*/', re.S)
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")


def read_jsonc(file: Path) -> object:
    """A JSON file that may hold comments and trailing commas (tsconfig, .babelrc)."""
    try:
        text = file.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    stripped = _COMMENT_OR_STRING.sub(lambda m: m.group(0) if m.group(0).startswith('"') else " ", text)
    try:
        return json.loads(_TRAILING_COMMA.sub(r"\1", stripped))
    except ValueError:
        return None
