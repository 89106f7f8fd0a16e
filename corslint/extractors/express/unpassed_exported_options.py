"""cors options a module exports that the modules importing it never use:

    // config/constants.js                     // index.js
    module.exports = {                         const constants = require('./config/constants');
      corsOptions: { origin: [...] },          ...
    };                                         app.use(cors());   // the defaults: any origin

(SoldOutt/Trello_BE `src/config/constand.js` with `src/index.js`, and its copy in
nguyennam140401/Trello `server/src/config/constand.js`): the options never reach cors(),
so they have no effect (CORS303, at the options), and the layer that runs is judged on its
own.

Said only where the answer is plain: an object under a name with `cors` in it (or the whole
export of a module named so), whose keys are all cors options, `origin` among them; the
project's modules that name the file are read, at least one imports it, every import of it
binds names plainly (no re-export, no dynamic `import()`, no rest pattern), and none of
them reads the options: not the name itself, nor the module object other than through
another of its keys (`constants.PORT`)."""

from __future__ import annotations

import re
from pathlib import Path

from corslint.extractors.express.importer_candidates import candidate_importers
from corslint.extractors.express.importer_specifiers import package_name
from corslint.extractors.express.options import CLOSE_NAMES, option_map
from corslint.extractors.express.unloaded_route_modules import never_loaded_config
from corslint.extractors.js.module import JsModule, ModuleLoader
from corslint.extractors.js.parsed_module import require_specifier
from corslint.extractors.js.project_files import is_development_path
from corslint.extractors.js.syntax import Node, string_value, unwrap
from corslint.frameworks.express import OPTION_NAMES
from corslint.model import CorsPolicy, Evidence

_WHOLE = ""  # the candidate is what the module exports as a whole
_BINDING_PARENTS = frozenset(
    {"import_specifier", "import_clause", "namespace_import", "export_specifier", "pair_pattern"}
)


def unpassed_exported_options(module: JsModule, bearer: tuple[Evidence, ...]) -> list[CorsPolicy]:
    """A policy with `not-applied` evidence for each exported cors-options object that no
    importing module uses."""
    if module.file is None or module.project is None or b"rigin" not in module.source:
        return []
    exported = _exported_options(module)
    if not exported:
        return []
    uses = _importer_uses(module)
    unloaded = uses is None and never_loaded_config(module)
    if uses is None and not unloaded:
        return []
    policies = []
    for key, node, local in exported:
        if (uses is not None and _used(uses, key)) or _read_here(module, local, key):
            continue
        value = module.resolve(node)
        options, evidence = option_map(module, value, node)
        where = module.location(node)
        what = f"`{key}`" if key else "the options this module exports"
        policies.append(
            CorsPolicy(
                framework="express",
                location=where,
                options=options,
                evidence=(
                    *evidence,
                    Evidence(
                        "not-applied",
                        f"{what} holds cors options, but "
                        + (
                            "no module of the app imports this file"
                            if unloaded
                            else "no module that imports this file uses them"
                        )
                        + " (they are never passed to cors()), so they have no effect",
                        where,
                        whole_layer=True,
                    ),
                    *bearer,
                ),
                development_only=is_development_path(module.path),
                label=f"unused cors options {key or module.path}",
            )
        )
    return policies


# -- what the module exports --------------------------------------------------------


def _read_here(module: JsModule, local: str | None, key: str) -> bool:
    """Whether the module itself may read the options: their name is written more often
    than declaring and exporting them takes (`local`, a name bound to them, twice; else the
    export's `key`, once)."""
    name = local or key
    if not name:
        return False
    # tsc's CommonJS output declares each export first: `exports.corsOptions = void 0;`
    declared = len(
        re.findall(rb"\bexports\." + re.escape(name.encode()) + rb"\s*=\s*void 0\b", module.source)
    )
    return len(_word(name).findall(module.source)) - declared > (2 if local else 1)


def _word(name: str) -> re.Pattern[bytes]:
    return re.compile(rb"(?<![\w$])" + re.escape(name.encode()) + rb"(?![\w$])")


def _exported_options(module: JsModule) -> list[tuple[str, Node, str | None]]:
    """(export name, options object, the local name bound to it) for each cors-options
    object the module exports at its top level; the name is `_WHOLE` for
    `module.exports = options`."""
    found: list[tuple[str, Node, str | None]] = []
    stem_names_cors = "cors" in Path(module.path).stem.lower()
    for statement in module.root.named_children:
        if statement.type == "expression_statement" and statement.named_children:
            target = unwrap(statement.named_children[0])
            if target.type != "assignment_expression":
                continue
            left = module.text(target.child_by_field_name("left")).replace(" ", "")
            right = _chained(module, target.child_by_field_name("right"))
            if right is None:
                continue
            if left == "module.exports":
                whole = _options_object(module, right)
                if whole is not None:
                    if stem_names_cors or "cors" in module.text(right).lower():
                        found.append((_WHOLE, whole, _local(module, right)))
                elif unwrap(right).type == "object":
                    found += _object_entries(module, unwrap(right))
            elif left.startswith(("module.exports.", "exports.")):
                key = left.rsplit(".", 1)[1]
                options = _options_object(module, right)
                if options is not None and "cors" in key.lower():
                    found.append((key, options, _local(module, right)))
        elif statement.type == "export_statement":
            declaration = statement.child_by_field_name("declaration")
            if declaration is None or declaration.type not in {"lexical_declaration", "variable_declaration"}:
                continue
            for declarator in declaration.named_children:
                name, value = declarator.child_by_field_name("name"), declarator.child_by_field_name("value")
                if name is None or value is None or "cors" not in module.text(name).lower():
                    continue
                options = _options_object(module, value)
                if options is not None:
                    found.append((module.text(name), options, None))
    return found


def _chained(module: JsModule, node: Node | None) -> Node | None:
    """The value of `module.exports = corsOptions = {...}` (semklim/Expressjs_Mongo_Api_example
    `corsOptions/corsOptions.js`): the chained target is an undeclared name, so the object
    is what the module exports; a member target (`a.b = {...}`) is left alone."""
    while node is not None and unwrap(node).type == "assignment_expression":
        inner = unwrap(node)
        target = inner.child_by_field_name("left")
        if target is None or target.type != "identifier" or module.declarators.get(module.text(target)):
            return None
        if len(_word(module.text(target)).findall(module.source)) > 1:
            return None  # the module reads the global it makes
        node = inner.child_by_field_name("right")
    return node


def _local(module: JsModule, node: Node) -> str | None:
    node = unwrap(node)
    return module.text(node) if node.type in {"identifier", "shorthand_property_identifier"} else None


def _object_entries(module: JsModule, node: Node) -> list[tuple[str, Node, str | None]]:
    found = []
    for entry in node.named_children:
        if entry.type == "shorthand_property_identifier":
            key, value = module.text(entry), entry
        elif entry.type == "pair":
            key_node, value_node = entry.child_by_field_name("key"), entry.child_by_field_name("value")
            if key_node is None or value_node is None:
                continue
            key, value = string_value(key_node) or module.text(key_node), value_node
        else:
            continue
        if "cors" not in key.lower():
            continue
        options = _options_object(module, value)
        if options is not None:
            found.append((key, options, _local(module, value)))
    return found


def _options_object(module: JsModule, node: Node) -> Node | None:
    """The object literal `node` is (or names, bound once at the top level), when its keys
    are all cors options and `origin` is one of them."""
    node = unwrap(node)
    if node.type in {"identifier", "shorthand_property_identifier"}:
        name = module.text(node)
        if len(module.declarators.get(name, [])) != 1:
            return None
        bound = module.binding(name)
        declarator = bound.parent if bound is not None else None
        if declarator is None or declarator.parent is None or declarator.parent.parent != module.root:
            return None
        node = unwrap(bound) if bound is not None else node
    if node.type != "object":
        return None
    keys = set()
    for entry in node.named_children:
        if entry.type == "comment":
            continue
        key = entry.child_by_field_name("key") or entry.child_by_field_name("name")
        if entry.type not in {"pair", "method_definition", "shorthand_property_identifier"}:
            return None  # a spread: keys not all known
        keys.add((module.text(key) if key is not None else module.text(entry)).strip("'\""))
    # a response header's name in place of the option (`'Access-Control-Allow-Origin': [...]`,
    # Anthonoir576/Projet-01_Full-stack_server src/config/cors.ts) is no option cors reads,
    # but beside cors options the object is still meant as its options
    headers = {key for key in keys if key.lower().startswith("access-control-")}
    options = keys - headers
    if not (options & OPTION_NAMES) or not options <= OPTION_NAMES | CLOSE_NAMES.keys():
        return None
    if "origin" not in keys and "access-control-allow-origin" not in {key.lower() for key in headers}:
        return None
    return node


# -- what the importers read ----------------------------------------------------------

# an importer's use of the module: (exported name, the references to the local name)
Use = tuple[str, list[tuple[Node, JsModule]]]


def _importer_uses(module: JsModule) -> list[Use] | None:
    """How the project's modules bind this module and read those bindings; None when some
    import of it is not plain (or no module imports it, or the project cannot be read)."""
    project = module.project
    candidates = candidate_importers(module)
    if candidates is None or project is None:
        return None
    own = candidates.own
    names = {own.stem, own.parent.name} if own.stem == "index" else {own.stem}
    try:
        return _uses(project, candidates.modules, own, names)
    except _Unsure:
        return None


class _Unsure(Exception):
    """An import that may name the module but cannot be followed."""


def _last_segment(specifier: str) -> str:
    last = specifier.rstrip("/").rsplit("/", 1)[-1]
    return last.rsplit(".", 1)[0] if "." in last[1:] else last


def _uses(
    project: ModuleLoader, modules: tuple[JsModule, ...], own: Path, names: set[str]
) -> list[Use] | None:
    uses: list[Use] = []
    imported = False
    for importer in modules:
        if importer.file is not None and importer.file.resolve() == own:
            continue

        def ours(specifier: str, importer: JsModule = importer) -> bool:
            target = project.resolve_specifier(importer, specifier)
            if target is not None:
                return target.resolve() == own
            if (
                not specifier.startswith(".")
                and _last_segment(specifier) in names
                and package_name(specifier) not in project.dependencies(importer)
            ):
                raise _Unsure  # an alias (`@/config/cors`) that may name this file
            return False  # (`require("cors")` beside `config/cors.js`: the listed package)

        for node in importer.of_kind("call_expression", "export_statement", "import_statement"):
            if node.type == "export_statement":
                source = node.child_by_field_name("source")
                if source is not None and ours(string_value(source) or ""):
                    return None  # re-exported
                continue
            if node.type == "import_statement":
                source = node.child_by_field_name("source")
                imported = imported or (source is not None and ours(string_value(source) or ""))
                continue
            function = node.child_by_field_name("function")
            if function is not None and function.type == "import":
                specifier = _first_string(importer, node)
                if specifier is None or ours(specifier):
                    return None  # loaded when the code decides: unsure
                continue
            specifier = require_specifier(importer, node)
            if specifier is None or not ours(specifier):
                continue
            imported = True
            if not _plain_require(node):
                return None
        for local, (specifier, exported) in importer.imports.items():
            if ours(specifier):
                uses.append((exported, [(reference, importer) for reference in _reads(importer, local)]))
    return uses if imported else None


def _first_string(module: JsModule, call: Node) -> str | None:
    arguments = call.child_by_field_name("arguments")
    named = [c for c in arguments.named_children if c.type != "comment"] if arguments is not None else []
    return string_value(named[0]) if named else None


def _plain_require(call: Node) -> bool:
    """`const x = require(...)`, `const { a, b: c } = require(...)` or a bare
    `require(...);`: what it binds is all in the importer's `imports`."""
    parent = call.parent
    if parent is not None and parent.type == "expression_statement":
        return True
    if parent is None or parent.type != "variable_declarator":
        return False
    name = parent.child_by_field_name("name")
    if name is None:
        return False
    if name.type == "identifier":
        return True
    if name.type != "object_pattern":
        return False
    for child in name.named_children:
        if child.type == "shorthand_property_identifier_pattern":
            continue
        value = child.child_by_field_name("value") if child.type == "pair_pattern" else None
        if value is None or value.type != "identifier":
            return False  # a rest, a default, a nested pattern
    return True


def _reads(module: JsModule, name: str) -> list[Node]:
    return [
        node
        for node in module.references(name)
        if node.parent is None or node.parent.type not in _BINDING_PARENTS
    ]


def _used(uses: list[Use], key: str) -> bool:
    """Whether any importer reads the export `key` (`_WHOLE`: the module's whole export)."""
    for exported, references in uses:
        if key == _WHOLE or exported == key:
            if references:
                return True
            continue
        if exported not in {"*", "default"}:
            continue  # another name of the module
        for reference, importer in references:
            parent = reference.parent
            if (
                parent is None
                or parent.type != "member_expression"
                or parent.child_by_field_name("object") != reference
            ):
                return True  # the module object passed on, spread, indexed
            prop = parent.child_by_field_name("property")
            if prop is None or importer.text(prop) == key:
                return True
    return False
