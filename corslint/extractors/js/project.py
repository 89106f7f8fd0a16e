"""The JS/TS modules and data files of one run, and what crosses between files: imports,
exports and node-config."""

from __future__ import annotations

import json
import os
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from corslint.extractors.config_files.data_files import load_data_file, node_config_value
from corslint.extractors.js.empty_exports import empty_module_value
from corslint.extractors.js.export_objects import module_object, reexports
from corslint.extractors.js.import_aliases import AliasConfig, aliased_specifiers
from corslint.extractors.js.module import JsModule, parse
from corslint.extractors.js.package_constants import package_constant
from corslint.extractors.js.project_files import project_root
from corslint.extractors.js.syntax import Node, unwrap
from corslint.model import Location, Provenance, SourceError, Value

if TYPE_CHECKING:
    from corslint.extractors.context import ProjectContext
_MAX_HOPS = 4  # re-exports followed (`export * from "./_app.js"` in config/index.js)
MODULE_SUFFIXES = (".js", ".cjs", ".mjs", ".ts", ".mts", ".cts", ".jsx", ".tsx", ".json", ".yaml", ".yml")


class JsProject:
    """Parsed modules and config files of one run, for imports between files."""

    def __init__(self, context: ProjectContext | None = None) -> None:
        self.modules: dict[str, JsModule | None] = {}
        self.context = context
        self.config_cache: dict[str, Value | None] = {}
        self.manifests: dict[str, frozenset[str]] = {}
        self.aliases: dict[str, AliasConfig] = {}
        # options factories' call sites, for the functions they build (call_site_arguments)
        self.factory_calls: dict[tuple[str, int, bytes], dict[str, list[Value]]] = {}
        # each importer's specifiers resolved (up to 25 stats each, asked again by each reader)
        self.resolved: dict[tuple[Path | None, str], Path | None] = {}

    def module(self, path: str, text: str, file: Path | None) -> JsModule:
        key = os.path.realpath(file) if file is not None else path
        cached = self.modules.get(key)
        if cached is not None and cached.source == text.encode("utf-8"):
            return cached
        module = parse(path, text, file)
        module.project = self
        self.modules[key] = module
        return module

    def load(self, file: Path, display: str) -> JsModule | None:
        key = os.path.realpath(file)
        if key in self.modules:
            return self.modules[key]
        self.modules[key] = None  # against import cycles
        try:
            text = file.read_text("utf-8")
            module = parse(display, text, file)
        except (OSError, UnicodeDecodeError, SourceError):
            return None
        module.project = self
        self.modules[key] = module
        return module

    def loaded(self, display: str) -> JsModule | None:
        """A module already read, by the path findings name it with."""
        for module in self.modules.values():
            if module is not None and module.path == display:
                return module
        return None

    def resolve_specifier(self, importer: JsModule, specifier: str) -> Path | None:
        key = (importer.file, specifier)
        if key not in self.resolved:
            self.resolved[key] = self._resolve_specifier(importer, specifier)
        return self.resolved[key]

    def _resolve_specifier(self, importer: JsModule, specifier: str) -> Path | None:
        if importer.file is not None and not specifier.startswith("."):  # `~/config/cors`
            packages = partial(self.dependencies, importer)
            for relative in aliased_specifiers(importer.file, specifier, self.aliases, packages):
                if (found := self.resolve_specifier(importer, relative)) is not None:
                    return found
        if importer.file is not None and specifier.startswith(_LAMBDA_LAYER):
            return _layer_source(importer.file, specifier[len(_LAMBDA_LAYER) :])
        if importer.file is None or not specifier.startswith("."):
            return None
        base = (importer.file.parent / specifier).resolve()
        candidates = [base] + [Path(str(base) + suffix) for suffix in MODULE_SUFFIXES]
        if base.suffix in {".js", ".mjs", ".cjs"}:  # TS sources imported by their emitted name
            candidates += [base.with_suffix(s) for s in (".ts", ".mts", ".cts", ".tsx")]
        candidates += [base / f"index{suffix}" for suffix in MODULE_SUFFIXES]
        for candidate in candidates:
            if candidate.is_file():
                return candidate
        return None

    def display(self, importer: JsModule, target: Path) -> str:
        assert importer.file is not None
        try:
            relative = os.path.relpath(target, importer.file.parent)
        except ValueError:
            return target.as_posix()
        joined = os.path.normpath(os.path.join(os.path.dirname(importer.path), relative))
        return Path(joined).as_posix()

    def imported(
        self, importer: JsModule, specifier: str, exported: str, use: Location, hops: int = 0
    ) -> Value | None:
        target = self.resolve_specifier(importer, specifier)
        if target is None:
            return package_constant(specifier, exported, use)
        display = self.display(importer, target)
        if target.suffix.lower() in {".json", ".yaml", ".yml"}:
            value = load_data_file(target, display, self.config_cache)
            if value is None:
                return None
            if exported not in {"*", "default"}:
                return value.raw.get(exported) if isinstance(value.raw, dict) else None
            return value
        module = self.load(target, display)
        if module is None:
            return None
        value = exported_value(module, exported)
        if value is None and exported == "*":
            return empty_module_value(module, exported, use) or module_object(module, use)
        if value is None:
            for source, name in reexports(module, exported) if hops < _MAX_HOPS else ():
                found = self.imported(module, source, name, use, hops + 1)
                if found is not None:
                    return found
            return None
        if value.location.path == importer.path or value.provenance is Provenance.CONFIG_FILE:
            return value
        return _moved(value, use)

    def dependencies(self, importer: JsModule) -> frozenset[str]:
        """The packages the nearest package.json above `importer` depends on (all kinds)."""
        if importer.file is None:
            return frozenset()
        root = project_root(importer.file)
        if root is None:
            return frozenset()
        key = str(root)
        found = self.manifests.get(key)
        if found is None:
            found = self.manifests[key] = _manifest_dependencies(root / "package.json")
        return found

    def node_config(self, importer: JsModule, key: str) -> Value | None:
        """node-config's `config.get(key)`: config/default merged with config/production."""
        if importer.file is None:
            return None
        root = project_root(importer.file)
        if root is None:
            return None
        merged = node_config_value(
            root,
            lambda file: self.display(importer, file),
            self.config_cache,
            lambda file: self._js_config(importer, file),
        )
        value: Value | None = merged
        for part in key.split("."):
            if value is None or not value.known or not isinstance(value.raw, dict):
                return None
            value = value.raw.get(part)
        return value

    def _js_config(self, importer: JsModule, file: Path) -> Value | None:
        """The object a node-config JS file exports (`module.exports = {...}`)."""
        module = self.load(file, self.display(importer, file))
        value = exported_value(module, "default") if module is not None else None
        if value is None or not value.known or not isinstance(value.raw, dict):
            return None
        return _as_config_file(value)


def _as_config_file(value: Value) -> Value:
    """A node-config JS file's literals as config-file values: reported on their own lines,
    as the same settings in default.json are (environment reads keep their provenance)."""
    raw = value.raw
    if isinstance(raw, dict):
        raw = {key: _as_config_file(item) if isinstance(item, Value) else item for key, item in raw.items()}
    elif isinstance(raw, tuple):
        raw = tuple(_as_config_file(item) if isinstance(item, Value) else item for item in raw)
    literal = value.provenance in {Provenance.LITERAL, Provenance.CONSTANT}
    provenance = Provenance.CONFIG_FILE if literal else value.provenance
    return Value(raw, value.location, provenance, value.env_var, value.description, value.related)


def _manifest_dependencies(manifest: Path) -> frozenset[str]:
    try:
        data = json.loads(manifest.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return frozenset()
    if not isinstance(data, dict):
        return frozenset()
    names: set[str] = set()
    for kind in ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies"):
        listed = data.get(kind)
        if isinstance(listed, dict):
            names.update(name for name in listed if isinstance(name, str))
    return frozenset(names)


def _moved(value: Value, use: Location) -> Value:
    """A value defined in another JS module, reported at its use with the definition related."""
    return Value(
        value.raw,
        use,
        value.provenance if value.provenance is not Provenance.LITERAL else Provenance.CONSTANT,
        value.env_var,
        value.description,
        (value.location, *value.related),
    )


def _destructured_key(module: JsModule, pattern: Node | None, name: str) -> str | None:
    """The property `{ KEY }` / `{ KEY: name }` binds to `name` in an object pattern."""
    if pattern is None or pattern.type != "object_pattern":
        return None
    for child in pattern.named_children:
        if child.type == "shorthand_property_identifier_pattern" and module.text(child) == name:
            return name
        value = child.child_by_field_name("value") if child.type == "pair_pattern" else None
        if value is not None and module.text(value) == name:
            return module.text(child.child_by_field_name("key")).strip("'\"")
    return None


def exported_value(module: JsModule, exported: str) -> Value | None:
    """`module.exports = X`, `exports.name = X`, `export default X`, `export const name = X`."""
    for node in module.root.named_children:
        target = node
        if node.type == "expression_statement" and node.named_children:
            target = unwrap(node.named_children[0])
        if target.type == "assignment_expression":
            left = module.text(target.child_by_field_name("left")).replace(" ", "")
            right = target.child_by_field_name("right")
            if left == "module.exports" and exported in {"*", "default"}:
                return module.resolve(right)
            if left == "module.exports" and exported not in {"*", "default"}:
                whole = module.resolve(right)
                if whole.known and isinstance(whole.raw, dict):
                    return whole.raw.get(exported)
            if left in {f"module.exports.{exported}", f"exports.{exported}"}:
                return module.resolve(right)
        if node.type == "export_statement":
            value = node.child_by_field_name("value")
            declaration = node.child_by_field_name("declaration")
            if exported == "default" and value is not None:
                return module.resolve(value)
            if declaration is not None and declaration.type == "enum_declaration":
                name, body = declaration.child_by_field_name("name"), declaration.child_by_field_name("body")
                if name is not None and body is not None and module.text(name) == exported:
                    return module.resolve(body)  # `export enum H { ANY = "*" }`
            if declaration is not None and declaration.type in {
                "lexical_declaration",
                "variable_declaration",
            }:
                for declarator in declaration.named_children:
                    name = declarator.child_by_field_name("name")
                    bound = declarator.child_by_field_name("value")
                    if name is not None and module.text(name) == exported:
                        return module.resolve(bound) if bound is not None else None
                    key = _destructured_key(module, name, exported)
                    if key is not None and bound is not None:  # `export const { A } = env`
                        whole = module.resolve(bound)
                        found = whole.raw.get(key) if whole.known and isinstance(whole.raw, dict) else None
                        return found if isinstance(found, Value) else None
            if node.child_by_field_name("source") is not None:
                continue  # `export { name } from "./x"`: a re-export, followed by `reexports`
            for clause in node.named_children:
                if clause.type != "export_clause":
                    continue
                for spec in clause.named_children:
                    name = spec.child_by_field_name("name")
                    alias = spec.child_by_field_name("alias")
                    shown = module.text(alias if alias is not None else name) if name is not None else ""
                    if shown == exported and name is not None:
                        return module.resolve(name)
    if exported == "*":
        return exported_value(module, "default")
    return None


_LAMBDA_LAYER = "/opt/nodejs/"  # where AWS Lambda mounts a Node layer's `nodejs/` folder


def _layer_source(importer: Path, rest: str) -> Path | None:
    """`require('/opt/nodejs/shared/response')` in a Lambda handler: the layer's source in the
    repository, one `*/nodejs/shared/response.js` (or `*/*/nodejs/...`) folder a few levels
    above the handler (20ns/movierec `lambda-layers/aws-sdk-layer/nodejs/shared/response.js`,
    census 6 sample 99); None unless exactly one file answers."""
    for folder in list(importer.parents)[1:5]:
        found = {
            candidate.resolve()
            for pattern in (f"*/nodejs/{rest}", f"*/*/nodejs/{rest}")
            for suffix in ("", *MODULE_SUFFIXES[:6])
            for candidate in folder.glob(pattern + suffix)
            if candidate.is_file() and "node_modules" not in candidate.parts
        }
        if found:
            return found.pop() if len(found) == 1 else None
    return None
