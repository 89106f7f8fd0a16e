"""Origin callbacks that open every origin outside production, judged also as they run
while NODE_ENV is unset:

    origin: (origin, callback) => {
      if (!origin || process.env.NODE_ENV !== 'production') return callback(null, true);
      ...the allow-list...
    }

(McKinley18/Saphyr `backend/src/index.ts`, started by `node dist/index.js`). The house
judges a NODE_ENV test as deployed in production, but Node sets no NODE_ENV of its own:
`undefined !== 'production'` holds, so a server started without it reflects every Origin
(measured with cors 2.8.5). A test that fails open like this is judged both ways, as two
configurations that never run together, unless the project itself sets NODE_ENV to
production for its deployment (a start script, a Dockerfile, a compose file, a committed
`.env`, a PM2 ecosystem file, or a platform that sets it: Vercel, Heroku). A test that
fails closed (`NODE_ENV === 'development'`) opens nothing while NODE_ENV is unset."""

from __future__ import annotations

import re
from pathlib import Path

from corslint.extractors.express.option_variants import OptionVariant
from corslint.extractors.express.origin_function_nodes import parameter_names, written_function
from corslint.extractors.express.origin_guards import decided
from corslint.extractors.js.conversions import production_arm
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project_files import project_root
from corslint.extractors.js.syntax import Node, string_value, unwrap, walk
from corslint.model import Evidence, FunctionValue, Provenance, Value

STAGE_VARIABLE = "NODE_ENV"

_SETS_PRODUCTION = re.compile(r"NODE_ENV[\"']?\s*(?:=|:|\s)\s*[\"']?production\b")
# files a deployment reads NODE_ENV from, by name (checked for `NODE_ENV=production`)
_DEPLOYMENT_FILES = re.compile(
    r"(?:package\.json|Dockerfile.*|.*\.Dockerfile|(?:docker-)?compose.*\.ya?ml|\.env|\.env\.production"
    r"|ecosystem\.config\.[cm]?js|ecosystem\.config\.json|pm2\.json|render\.ya?ml|fly\.toml|app\.ya?ml"
    r"|railway\.(?:json|toml)|nixpacks\.toml|serverless\.ya?ml|Makefile|\.platform\.app\.yaml)",
    re.IGNORECASE,
)
# platforms that set NODE_ENV=production themselves (Vercel functions, the Heroku buildpack)
_PLATFORMS_SETTING_IT = frozenset({"vercel.json", "now.json", "Procfile", "app.json"})
_SKIPPED = frozenset({"node_modules", ".git", "dist", "build", "coverage"})
_MAX_BYTES = 200_000


def unset_stage_variants(
    module: JsModule, options: dict[str, Value], evidence: list[Evidence]
) -> list[OptionVariant]:
    """[production as judged, every Origin reflected while NODE_ENV is unset] for an origin
    callback whose first answering `if` fails open on NODE_ENV; [] otherwise."""
    origin = options.get("origin")
    if origin is None or not origin.known or not isinstance(origin.raw, FunctionValue):
        return []
    if origin.raw.kind == "reflect-all":
        return []
    found = written_function(module, origin)
    if found is None:
        return []
    home, function = found
    guard = _open_guard(home, function)
    if guard is None or production_declared(home):
        return []
    where = f"{guard.start_point[0] + 1}:{guard.start_point[1]}"
    unset = Value(
        FunctionValue("reflect-all"),
        origin.location,
        Provenance.ENV_DEFAULT,
        STAGE_VARIABLE,
        origin.description,
        origin.related,
    )
    return [
        OptionVariant(f"else@{where}", options, evidence),
        OptionVariant(f"if@{where}", {**options, "origin": unset}, evidence),
    ]


def _open_guard(module: JsModule, function: Node) -> Node | None:
    """The `if` every request reaches whose test holds for every request while NODE_ENV is
    unset, but not in production, and whose branch only allows."""
    parameters = parameter_names(module, function)
    body = function.child_by_field_name("body")
    if len(parameters) < 2 or body is None or body.type != "statement_block":
        return None
    origin_name, callback = parameters[0], parameters[1]
    for statement in body.named_children:
        if statement.type == "comment" or statement.type in {"lexical_declaration", "variable_declaration"}:
            if _answers(module, statement, callback):
                return None
            continue
        if statement.type != "if_statement":
            return None
        answers = _answers(module, statement.child_by_field_name("consequence"), callback)
        condition = statement.child_by_field_name("condition")
        allowing = bool(answers) and all(_allows(module, call, origin_name) for call in answers)
        if (
            allowing
            and statement.child_by_field_name("alternative") is None
            and holds_when_unset(module, condition) is True
            and decided(module, condition) is not True
        ):
            return statement
        if _else_opens(module, statement, origin_name, callback):
            return statement
        if not allowing or (_stops_otherwise(module, statement) and not _answers_then_returns(statement)):
            return None  # an earlier refusal: not every request reaches what follows
    return None


def _else_opens(
    module: JsModule, statement: Node, origin_name: str, callback: str, staged: bool = False
) -> bool:
    """`if (NODE_ENV === 'production') {...the allow-list...} else { callback(null, true) }`
    (census 5 sample 50, 0thmanee/bmaq-backend `src/plugins/cors.ts`): the `else` arm, taken
    while NODE_ENV is unset, only allows. Also an `else if` chain, `if (list.includes(origin))
    cb(null, true); else if (isDevelopment) cb(null, true); else cb(err)` with `isDevelopment
    = NODE_ENV !== 'production'` (census 3 sample 99 `src/config/cors.js`): every arm a request
    may take before the one that holds while NODE_ENV is unset only allows."""
    alternative = statement.child_by_field_name("alternative")
    condition = statement.child_by_field_name("condition")
    if alternative is None or condition is None:
        return False
    when_unset = holds_when_unset(module, condition)
    if when_unset is None:  # the request decides: this arm must allow, the chain goes on
        if not _only_allows(module, statement.child_by_field_name("consequence"), origin_name, callback):
            return False
    elif when_unset is True:  # taken by every request while NODE_ENV is unset
        return decided(module, condition) is not True and _only_allows(
            module, statement.child_by_field_name("consequence"), origin_name, callback
        )
    arm = next((c for c in alternative.named_children if c.type != "comment"), None)
    if arm is not None and arm.type == "if_statement":  # `else if (...)`: the arm decides again
        return _else_opens(module, arm, origin_name, callback, staged or when_unset is False)
    if any(part.type == "if_statement" for part in walk(alternative) if part != alternative):
        return False
    # the final `else` is taken while NODE_ENV is unset only behind a stage test that fails
    staged = staged or when_unset is False
    return staged and _only_allows(module, alternative, origin_name, callback)


def _only_allows(module: JsModule, node: Node | None, origin_name: str, callback: str) -> bool:
    answers = _answers(module, node, callback)
    return bool(answers) and all(_allows(module, call, origin_name) for call in answers)


def _answers_then_returns(statement: Node) -> bool:
    """`if (host === 'localhost') { done(null, true); return; }`: an allowing arm that answers
    and ends; every other request goes on to what follows."""
    consequence = statement.child_by_field_name("consequence")
    if statement.child_by_field_name("alternative") is not None or consequence is None:
        return False
    parts = [c for c in consequence.named_children if c.type != "comment"]
    return (
        len(parts) == 2
        and parts[0].type == "expression_statement"
        and parts[1].type == "return_statement"
        and not parts[1].named_children
    )


def _answers(module: JsModule, node: Node | None, callback: str) -> list[Node]:
    if node is None:
        return []
    return [
        part
        for part in walk(node)
        if part.type == "call_expression" and module.text(part.child_by_field_name("function")) == callback
    ]


def _allows(module: JsModule, call: Node, origin_name: str) -> bool:
    arguments = call.child_by_field_name("arguments")
    named = [c for c in arguments.named_children if c.type != "comment"] if arguments else []
    return (
        len(named) >= 2
        and module.text(unwrap(named[0])) in {"null", "undefined"}
        and module.text(unwrap(named[1])) in {"true", origin_name}
    )


def _stops_otherwise(module: JsModule, statement: Node) -> bool:
    """A `throw`, or a `return` that answers nothing, in an allowing `if`."""
    for part in walk(statement.child_by_field_name("consequence")):
        if part.type == "throw_statement":
            return True
        if part.type == "return_statement" and not any(c.type == "call_expression" for c in walk(part)):
            return True
    return False


def holds_when_unset(module: JsModule, test: Node) -> bool | None:
    """Whether `test` holds for every request while NODE_ENV is unset: its NODE_ENV tests
    compare `undefined`; None when the request or something else decides."""
    test = unwrap(test)
    if test.type == "unary_expression" and module.text(test).startswith("!"):
        inner = holds_when_unset(module, test.child_by_field_name("argument"))
        return None if inner is None else not inner
    if test.type == "binary_expression":
        operator = module.text(test.child_by_field_name("operator"))
        if operator in {"&&", "||"}:
            left = holds_when_unset(module, test.child_by_field_name("left"))
            right = holds_when_unset(module, test.child_by_field_name("right"))
            deciding = operator == "||"
            if deciding in (left, right):
                return deciding
            if left is not None and right is not None:
                return not deciding
            return None
    return _stage_test_when_unset(module, test, 0)


def _stage_test_when_unset(module: JsModule, test: Node, depth: int) -> bool | None:
    test = unwrap(test)
    if production_arm(module, test) is None:
        return None
    if test.type == "unary_expression" and module.text(test).startswith("!"):
        inner = _stage_test_when_unset(module, test.child_by_field_name("argument"), depth)
        return None if inner is None else not inner
    if test.type == "identifier":  # `const isProduction = process.env.NODE_ENV === "production"`
        bound = module.binding(module.text(test))
        return _stage_test_when_unset(module, bound, depth + 1) if bound is not None and depth == 0 else None
    if test.type != "binary_expression":
        return None
    operator = module.text(test.child_by_field_name("operator"))
    sides = [unwrap(test.child_by_field_name("left")), unwrap(test.child_by_field_name("right"))]
    literal = next((text for side in sides if (text := string_value(side)) is not None), None)
    read = next((side for side in sides if string_value(side) is None), None)
    if literal is None or read is None:
        return None
    value = module.resolve(read)
    if value.known:  # `process.env.NODE_ENV || "development"`: the default is compared
        equal = isinstance(value.raw, str) and value.raw == literal
    elif value.env_var == STAGE_VARIABLE:
        equal = False  # `undefined === "production"`
    else:
        return None
    return equal if operator in {"===", "=="} else not equal


def production_declared(module: JsModule) -> bool:
    """Whether the project sets NODE_ENV=production for its deployment somewhere it shows:
    the folders from the module's package up to the repository root, and the package's
    direct subfolders (`docker/`, `deploy/`)."""
    if module.file is None:
        return True  # a snippet: nothing to tell, the house judgement stands
    root = project_root(module.file)
    folder = root if root is not None else module.file.resolve().parent
    folders: list[Path] = []
    for _ in range(4):
        folders.append(folder)
        if (folder / ".git").exists() or folder.parent == folder:
            break
        folder = folder.parent
    for depth, folder in enumerate(folders):
        for candidate in _candidates(folder, inner=depth == 0):
            if candidate.name in _PLATFORMS_SETTING_IT or _sets_production(candidate):
                return True
    return False


def _candidates(folder: Path, inner: bool) -> list[Path]:
    found: list[Path] = []
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return found
    for entry in entries:
        if entry.is_file() and (
            entry.name in _PLATFORMS_SETTING_IT or _DEPLOYMENT_FILES.fullmatch(entry.name)
        ):
            found.append(entry)
        elif inner and entry.is_dir() and entry.name not in _SKIPPED and not entry.name.startswith("."):
            try:
                listed = sorted(entry.iterdir())
            except OSError:
                continue
            found += [
                item
                for item in listed
                if item.is_file() and item.name != "package.json" and _DEPLOYMENT_FILES.fullmatch(item.name)
            ]
    return found


def _sets_production(file: Path) -> bool:
    try:
        if file.stat().st_size > _MAX_BYTES:
            return False
        text = file.read_text("utf-8", errors="replace")
    except OSError:
        return False
    return bool(_SETS_PRODUCTION.search(text))
