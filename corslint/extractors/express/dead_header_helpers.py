"""Whether a Node function that writes CORS headers is dead: exported from its module and
used by nothing in the project. Such a helper sends no header, so judging its headers as a
policy reports what no response carries (sweep 12 X1: CRUNZEX/docker-backend
src/services/response/resHeader{Delete,Get,Patch,Post,Put}.js, re-exported by the folder's
index.js, where only `resHeader` is ever destructured and called; tuwhoo/
shop-nodejs-aws-serverless authorization-service/src/libs/api-gateway.ts, whose
`formatJSONResponse` no module of that service imports).

Precision first, as for Python's `unused_functions`: the helper is called dead only when
every project file was read (at most `MAX_FILES`, none unreadable) and
- its own module reads it only to export it (`module.exports = fn`, `export const f = ...`,
  `module.exports = { f }`), the module is no `index` file, no top-level file of the
  project and no file a framework loads by its path (route files, `api/`, `pages/`,
  `functions/` ... folders), and no configuration file (serverless.yml, SAM template,
  vercel.json, package.json ...) names its file, nor the file of a module re-exporting it;
- every string in the project that could name its file resolves to another file or to a
  package the project depends on, or is the source of an import whose bindings are read only
  to export them again (an `index.js` gathering helpers), never a dynamic `import()`, a bare
  `require()` or `export * from`;
- the names it is exported under (its own, and those of each re-export) are mentioned by no
  other project file, save where the name is bound to another file's function, and no
  module imports a re-exporting module whole (`const response = require('./response')`);
- no project file loads modules by a computed name (`require(name)`, `readdirSync`, glob).
Anything else keeps the helper judged as before."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path, PurePosixPath

from corslint.extractors.express.importer_candidates import MAX_FILES
from corslint.extractors.express.response_entries import is_route_file
from corslint.extractors.express.sveltekit_endpoints import is_endpoint_file
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project_files import SKIPPED_DIRECTORIES, names_file, project_files, project_root
from corslint.extractors.js.syntax import Node, string_value

DEFAULT = "default"  # the module's own value (`module.exports = fn`, `export default fn`)
# folders whose files a framework or platform loads by their path, not by an import
LOADED_BY_PATH = frozenset(
    {
        "api",
        "pages",
        "app",
        "routes",
        "functions",
        "netlify",
        "edge-functions",
        "middleware",
        "middlewares",
        "plugins",
        "server",
        "handlers",
        "lambda",
        "lambdas",
        "hooks",
    }
)
_ENTRY_NAMES = frozenset(
    {
        "GET",
        "POST",
        "PUT",
        "PATCH",
        "DELETE",
        "HEAD",
        "OPTIONS",
        "ALL",
        "handler",
        "main",
        "fetch",
        "middleware",
    }
)
_CONFIG_SUFFIXES = frozenset({".yml", ".yaml", ".json", ".toml"})
_DYNAMIC_LOADS = re.compile(
    rb"require\(\s*[^'\"`\s)]|import\(\s*[^'\"`\s)]|readdir|\bglob(?:Sync)?\(|fast-glob"
    rb"|require-all|require-directory|consign|autoload"
)


@dataclass
class _Files:
    """The project's JS/TS sources (real path -> bytes) and its configuration files' text."""

    sources: dict[Path, bytes] = field(default_factory=dict)
    configs: list[bytes] = field(default_factory=list)


def never_used(module: JsModule, function: Node) -> bool:
    """Whether `function` (a helper writing CORS headers) is exported and used by nothing
    in the project; False where unsure."""
    project = module.project
    if module.file is None or project is None:
        return False
    own = module.file.resolve()
    top = project_root(own)
    if top is None or own.stem == "index" or _loaded_by_path(own.relative_to(top).as_posix()):
        return False
    if own.parent == top:
        return False  # a top-level file: run itself (`node cors.js`) or the package's entry
    exported = _own_exports(module, _outermost_factory(function))
    if not exported or any(name in _ENTRY_NAMES for name in exported):
        return False
    read = other_files(own)
    if read is None:
        return False
    files = read[1]
    stem = own.stem.encode()
    names = {name for name in exported if name != DEFAULT}
    rexporters: set[Path] = set()
    for file, source in files.sources.items():
        if stem not in source:
            continue
        importer = project.load(file, project.display(module, file))
        if importer is None:
            return False
        found = _reexported_names(importer, own, exported, _workspace_names(files))
        if found is None:
            return False
        if found:
            rexporters.add(file)
            names |= found
    for rexporter in rexporters:
        if rexporter.parent == top or _named_by_config(rexporter, top, files):
            return False  # the package's entry: its names are read by other projects
        if not _imported_by_name_only(module, rexporter, files):
            return False
    reaching = {own, *rexporters}
    return not any(
        _mentions(module, file, source, name, reaching)
        for name in names
        for file, source in files.sources.items()
        if file not in rexporters
    )


def _outermost_factory(function: Node) -> Node:
    """The function whose call makes `function`, climbing while it is returned by another
    (`withCors = (handler) => async (req, res) => {...}`, the Vercel-docs wrapper: census 11
    C4, AK-Network/local-trust_api src/utils/cors.ts; `function cors(origins) { return
    function (req, res, next) {...} }`): the wrapper is what is exported, and it sends
    nothing unless something calls it."""
    while True:
        parent = function.parent
        if (
            parent is not None
            and parent.type == "arrow_function"
            and parent.child_by_field_name("body") == function
        ):
            function = parent
            continue
        block = parent.parent if parent is not None and parent.type == "return_statement" else None
        outer = block.parent if block is not None and block.type == "statement_block" else None
        if outer is not None and outer.type in _FUNCTION_TYPES and outer.child_by_field_name("body") == block:
            function = outer
            continue
        return function


_FUNCTION_TYPES = frozenset({"function_declaration", "function_expression", "function", "arrow_function"})


def _loaded_by_path(path: str) -> bool:
    parts = PurePosixPath(path).parts
    return (
        is_route_file(path)
        or is_endpoint_file(path)
        or any(part in LOADED_BY_PATH for part in parts[:-1])
        or PurePosixPath(path).stem
        in {"middleware", "proxy", "route", "_middleware", "server", "app", "main"}
    )


def other_files(own: Path) -> tuple[Path, _Files] | None:
    """The folder whose files may load `own` and those files, when every one of them was
    read, none loads modules by a computed name and no configuration file names `own`
    (serverless.yml's `handler: src/libs/x.main`, package.json's "main"); None when unsure."""
    root = _search_root(own)
    if root is None:
        return None
    files = _read(root, own)
    if files is None or any(_DYNAMIC_LOADS.search(source) for source in files.sources.values()):
        return None
    if any(_names_stem(config, own.stem) for config in files.configs):
        return None
    return root, files


def _names_stem(config: bytes, stem: str) -> bool:
    """Whether a configuration file's text holds `stem` other than as a JSON key: package.json's
    `"cors": "^2.8.5"` (or `"@types/cors"`) names the package beside `config/cors.ts`
    (Anthonoir576/Projet-01_Full-stack_server), and a key names no file."""
    quoted = re.escape(stem.encode())
    return stem.encode() in re.sub(rb'"(?:@types/)?' + quoted + rb'"\s*:', b"", config)


def _search_root(own: Path) -> Path | None:
    """The folder whose files may import `own`: its Node project, widened to the workspace
    that holds it (package.json files above it, or a repository or workspace top above
    packages without a manifest of their own); None without a project."""
    root = project_root(own)
    if root is None:
        return None
    while not (root / ".git").exists() and (root.parent / "package.json").is_file():
        root = root.parent
    parent = root.parent
    if (
        parent != root
        and not (root / ".git").exists()
        and any((parent / marker).exists() for marker in _TOPS)
    ):
        return parent  # services of one repository side by side
    return _workspace_top(root) or root


def _declares_workspaces(package: Path) -> bool:
    try:
        return b'"workspaces"' in package.read_bytes()
    except OSError:
        return False


def _workspace_top(root: Path) -> Path | None:
    """The monorepo top a package sits in, a few folders up (`packages/utils` under a top
    with turbo.json and package.json "workspaces": sweep base13 lettercms, whose apps import
    `@lettercms/utils/lib/...`): its files may import the package's modules by name."""
    if (root / ".git").exists():
        return None
    folder = root.parent
    for _ in range(3):
        if folder.parent == folder:
            return None
        if any((folder / marker).exists() for marker in _TOPS if marker != ".git") or _declares_workspaces(
            folder / "package.json"
        ):
            return folder
        if (folder / ".git").exists():
            return None
        folder = folder.parent
    return None


_TOPS = (".git", "pnpm-workspace.yaml", "lerna.json", "nx.json", "turbo.json", "serverless-compose.yml")


def _read(root: Path, own: Path) -> _Files | None:
    # listed before any is read: a project past the limit is given up on without reading
    # MAX_FILES files for nothing (Unleash's 6,021 files on the real tree: 0.3 s of reading)
    listed = list(islice(project_files(root), MAX_FILES + 1))
    if len(listed) > MAX_FILES:
        return None
    files = _Files()
    for file in listed:
        if names_file(file, own):
            continue
        try:
            files.sources[file.resolve()] = file.read_bytes()
        except OSError:
            return None
    for directory, folders, names in os.walk(root):
        folders[:] = [f for f in folders if f not in SKIPPED_DIRECTORIES and not f.startswith(".")]
        for name in names:
            if os.path.splitext(name)[1] in _CONFIG_SUFFIXES and not name.endswith("lock.json"):
                try:
                    files.configs.append((Path(directory) / name).read_bytes())
                except OSError:
                    return None
        if len(files.configs) > MAX_FILES:
            return None
    return files


def _named_by_config(file: Path, top: Path, files: _Files) -> bool:
    """Whether a configuration file names `file` (package.json's "main": "src/api/index.js")."""
    try:
        relative = file.relative_to(top).with_suffix("").as_posix().encode()
    except ValueError:
        return True
    return any(relative in config for config in files.configs)


def _own_exports(module: JsModule, function: Node) -> set[str]:
    """The names `function` is exported under (`DEFAULT` for the module's own value); empty
    when its module also reads it otherwise, or when it is not plainly exported."""
    node = function
    while node.parent is not None and node.parent.type == "parenthesized_expression":
        node = node.parent
    parent = node.parent
    if parent is None:
        return set()
    if parent.type == "export_statement":
        if parent.parent is None or parent.parent.type != "program":
            return set()
        if function.type == "function_declaration" and (name := function.child_by_field_name("name")):
            return _local_exports(module, module.text(name), {module.text(name)})
        return {DEFAULT}
    if parent.type == "assignment_expression" and parent.child_by_field_name("right") == node:
        assigned = _assigned_export(module, parent.child_by_field_name("left"))
        return {assigned} if assigned is not None else set()
    if parent.type == "variable_declarator" and parent.child_by_field_name("value") == node:
        name = parent.child_by_field_name("name")
        declaration = parent.parent
        if name is None or name.type != "identifier" or declaration is None:
            return set()
        top = declaration.parent
        exported = top is not None and top.type == "export_statement"
        if exported:
            top = top.parent if top is not None else None
        if top is None or top.type != "program":
            return set()
        local = module.text(name)
        return _local_exports(module, local, {local} if exported else set())
    if function.type == "function_declaration" and parent.type == "program":
        name = function.child_by_field_name("name")
        return _local_exports(module, module.text(name), set()) if name is not None else set()
    return set()


def _local_exports(module: JsModule, local: str, found: set[str]) -> set[str]:
    """`found` plus the names each read of `local` exports it under; empty at any other read."""
    names = set(found)
    for reference in module.references(local):
        if reference.parent is not None and reference.parent.type == "function_declaration":
            continue  # its own name
        exported = _export_position(module, reference)
        if exported is None:
            return set()
        names.add(exported)
    return names


def _export_position(module: JsModule, reference: Node) -> str | None:
    """The name a read of a binding exports it under, or None when the read is no export:
    `module.exports = x`, `module.exports = { x, y: x }`, `exports.y = x`, `export { x as y }`,
    `export default x`."""
    parent = reference.parent
    if parent is None:
        return None
    if parent.type == "export_specifier":
        alias = parent.child_by_field_name("alias")
        return module.text(alias if alias is not None else reference).strip("'\"")
    if parent.type == "export_statement":
        return DEFAULT
    if parent.type == "assignment_expression" and parent.child_by_field_name("right") == reference:
        return _assigned_export(module, parent.child_by_field_name("left"))
    holder = parent
    key: str | None = None
    if reference.type == "shorthand_property_identifier" and parent.type == "object":
        key = module.text(reference)
    elif parent.type == "pair" and parent.child_by_field_name("value") == reference:
        key_node = parent.child_by_field_name("key")
        key = module.text(key_node).strip("'\"") if key_node is not None else None
        holder = parent.parent
    if key is None or holder is None or holder.type != "object":
        return None
    outer = holder.parent
    if (
        outer is not None
        and outer.type == "assignment_expression"
        and outer.child_by_field_name("right") == holder
        and _assigned_export(module, outer.child_by_field_name("left")) == DEFAULT
    ):
        return key
    return None


def _assigned_export(module: JsModule, left: Node | None) -> str | None:
    text = module.text(left).replace(" ", "") if left is not None else ""
    if text == "module.exports":
        return DEFAULT
    for prefix in ("module.exports.", "exports."):
        if text.startswith(prefix) and text[len(prefix) :].isidentifier():
            return text[len(prefix) :]
    return None


def _specifier_strings(importer: JsModule, stem: str) -> list[Node] | None:
    """The strings of `importer` spelling `stem`; None at one whose value cannot be read."""
    found = []
    for node in importer.of_kind("string", "template_string"):
        text = importer.text(node)
        if stem not in text:
            continue
        if string_value(node) is None:
            return None  # `${dir}/handler.main`: unsure
        found.append(node)
    return found


def _workspace_names(files: _Files) -> frozenset[str]:
    """The `"name"` of every package.json-like configuration read (over-approximated: any
    `"name": "..."` of a JSON file): the workspace packages an import may name."""
    return frozenset(
        match.decode("utf-8", "replace") for config in files.configs for match in _NAME_FIELD.findall(config)
    )


_NAME_FIELD = re.compile(rb'"name"\s*:\s*"([^"]+)"')


def _reexported_names(
    importer: JsModule, own: Path, exported: set[str], workspace: frozenset[str] = frozenset()
) -> set[str] | None:
    """The names `importer` exports the helper under again (empty: it does not import it);
    None when it reads the helper otherwise, or may, or when unsure."""
    project = importer.project
    assert project is not None
    strings = _specifier_strings(importer, own.stem)
    if strings is None:
        return None
    names: set[str] = set()
    for node in strings:
        specifier = string_value(node) or ""
        resolved = project.resolve_specifier(importer, specifier)
        if resolved is not None:
            if not names_file(resolved, own):
                continue
        elif specifier.startswith((".", "/")) or _names_path(specifier, own.stem):
            if not _is_dependency(importer, specifier) or _package_of(specifier) in workspace:
                # a path or alias that does not resolve, or a package of this workspace
                # (`@lettercms/utils/lib/manageMethods`, sweep base13 lettercms): unsure
                return None
            continue
        else:
            continue  # prose, a package name
        if not _import_source(node):
            return None  # `import('./x')`, `require('./x')(app)`, `export * from './x'`
    for local in list(importer.imports):
        specifier, imported = importer.imports[local]
        resolved = project.resolve_specifier(importer, specifier)
        if resolved is None or not names_file(resolved, own):
            continue
        if imported in {"*", DEFAULT}:
            if DEFAULT not in exported:
                return None  # the module whole: which member is read is not followed
        elif imported not in exported:
            continue  # another export of the same module
        again = _local_exports(module=importer, local=local, found=set())
        if not again or DEFAULT in again:
            return None  # called, handed on, or the importer's own value: used
        names |= again
    return names


def _names_path(specifier: str, stem: str) -> bool:
    last = specifier.rsplit("/", 1)[-1]
    return last == stem or last.startswith(stem + ".")


def _package_of(specifier: str) -> str:
    parts = specifier.split("/")
    return "/".join(parts[:2]) if specifier.startswith("@") else parts[0]


def _is_dependency(importer: JsModule, specifier: str) -> bool:
    project = importer.project
    assert project is not None
    if specifier.startswith((".", "/")):
        return False
    parts = specifier.split("/")
    package = "/".join(parts[:2]) if specifier.startswith("@") else parts[0]
    return package in project.dependencies(importer)


def _import_source(node: Node) -> bool:
    """Whether the string is the source of a static import binding names
    (`import x from`, `const x = require(...)`, `const { x } = require(...)`)."""
    parent = node.parent
    if parent is not None and parent.type == "import_statement":
        return True
    if parent is None or parent.type != "arguments":
        return False
    call = parent.parent
    if call is None or call.type != "call_expression":
        return False
    holder = call.parent
    return (
        holder is not None
        and holder.type == "variable_declarator"
        and holder.child_by_field_name("value") == call
    )


def _imported_by_name_only(module: JsModule, rexporter: Path, files: _Files) -> bool:
    """Whether every module importing `rexporter` binds named members of it (`const {
    resHeader } = require('./response')`), never the module whole."""
    project = module.project
    assert project is not None
    key = (rexporter.parent.name if rexporter.stem == "index" else rexporter.stem).encode()
    for file, source in files.sources.items():
        if key not in source or file == rexporter:
            continue
        importer = project.load(file, project.display(module, file))
        if importer is None:
            return False
        for specifier, imported in importer.imports.values():
            resolved = project.resolve_specifier(importer, specifier)
            if resolved is not None and names_file(resolved, rexporter) and imported in {"*", DEFAULT}:
                return False
        for node in importer.of_kind("string", "template_string"):
            if key.decode() not in importer.text(node):
                continue
            spelled = string_value(node)
            if spelled is None:
                return False
            resolved = project.resolve_specifier(importer, spelled)
            if resolved is not None and names_file(resolved, rexporter) and not _import_source(node):
                return False
    return True


def _mentions(module: JsModule, file: Path, source: bytes, name: str, reaching: set[Path]) -> bool:
    """Whether `file` may read the helper by `name`: it mentions the name, and does not bind
    it to another file's value (an import resolving to a file other than the helper's own and
    its re-exporters', or a declaration of its own)."""
    if re.search(rb"(?<![\w$])" + re.escape(name.encode()) + rb"(?![\w$])", source) is None:
        return False
    project = module.project
    assert project is not None
    other = project.load(file, project.display(module, file))
    if other is None:
        return True
    imported = other.imports.get(name)
    if imported is not None:
        resolved = project.resolve_specifier(other, imported[0])
        return resolved is None or any(names_file(resolved, path) for path in reaching)
    return name not in other.declarators and other.top_function(name) is None
