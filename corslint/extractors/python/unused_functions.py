"""Whether a module-level function of the project is used anywhere: a CORS helper that
receives the app (`def setup_cors(app): app.add_middleware(CORSMiddleware, ...)`) but that
nothing calls adds no layer (census 6 P1: AmineOuaddi04/neuropharm-backend app/core/cors.py,
imported by main.py and never called). A use is any mention of its name outside its own
`def`, an import of it and an `__all__` list: a call, a callback handed on (`app.on_event(
"startup")(setup)`), `getattr(module, "setup_cors")`. Test modules do not count (the project
file listing leaves them out)."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

from corslint.extractors.context import ProjectContext
from corslint.extractors.python.module import PythonModule
from corslint.extractors.python.project_files import PROJECT_MARKERS, project_root, sources_holding
from corslint.extractors.python.self_named_root import names_checkout

_NOT_USES = re.compile(r"^\s*(async\s+def|def|from|import)\b|__all__")
_FROM_IMPORT = re.compile(r"^[ \t]*from[ \t]+([\w.]+)[ \t]+import[ \t]*(\([^)]*\)|[^\n#]*)", re.MULTILINE)


def never_used(
    module: PythonModule, function: ast.FunctionDef | ast.AsyncFunctionDef, context: ProjectContext
) -> bool:
    """True only when the project's files (tests aside) are all read and none uses the
    function; decorated functions are registered by their decorator, so they count as used."""
    if function.decorator_list or function not in module.tree.body:
        return False
    if not _project_found(module.path):
        return False  # a folder of loose modules: its callers may live anywhere above
    name = function.name
    sources = sources_holding(module.path, name.encode(), context.shared)
    if sources is None:
        return False
    root = project_root(module.path)
    own = Path(module.path).resolve()
    # a module that imports the name from elsewhere means that other object by it: a
    # library's (census 6 R2: `from flask_cors import CORS; CORS(app)` beside a dead project
    # wrapper `def CORS(app)`) or another project module's own function of the same name
    # (census 7 C2: main.py calls `setup_cors` from app/middleware/cors.py while
    # hardening.py keeps a dead `setup_cors`): only `.name` there can still reach this one.
    # A name alone on a line of a parenthesised import (`    setup_cors,`) counts as a use:
    # the same line in a list of hooks would be one
    return not any(
        _imported_renamed(text, name, root, file)
        or _uses(text, name, attribute_only=_binds_elsewhere(file.resolve(), text, name, root, own))
        for file, text in sources
    )


def _imported_renamed(text: str, name: str, root: Path, file: Path) -> bool:
    """`from app.cors import setup_cors as _setup` (a project module): a use, whatever the
    new name is called as. A library's `CORS as _FlaskCORS` is no use of the project's."""
    renamed = re.compile(rf"^{re.escape(name)}[ \t]+as[ \t]+\w+$")
    for imported, names in _FROM_IMPORT.findall(text):
        if not imported.startswith(".") and not _project_module(imported.split(".")[0], root, file):
            continue
        if any(renamed.match(part.split("#")[0].strip()) for part in names.strip("()").split(",")):
            return True
    return False


def _project_found(path: str) -> bool:
    """Whether the project's top is known: a project file marks it, or the module sits in a
    package (`__init__.py`), whose top's folder is where its imports start."""
    root = project_root(path)
    if any((root / marker).exists() for marker in PROJECT_MARKERS):
        return True
    return (Path(path).resolve().parent / "__init__.py").is_file()


def _uses(text: str, name: str, attribute_only: bool) -> bool:
    """Whether `text` mentions `name` in code (comments and prose strings aside; a string
    that is just the name, `getattr(m, "name")`, counts), outside def, import and
    `__all__` lines. Unreadable source counts every mention, as a use."""
    word = re.compile(rf"(?<!\w){re.escape(name)}\b")
    try:
        previous = ""
        exported = 0  # bracket depth inside `__all__ = [...]`, spread over lines or not
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            exported = _export_depth(exported, token, previous)
            named = token.type == tokenize.NAME and token.string == name
            # a string that is just the name: `getattr(module, "setup_cors")`; not an entry of
            # a multi-line `__all__` (census 10 B4: `'cors_middleware'` alone on its line)
            quoted = (
                token.type == tokenize.STRING and token.string.strip("\"'rbuRBU") == name and not exported
            )
            mention = (named and (not attribute_only or previous == ".")) or (quoted and not attribute_only)
            if mention and not _NOT_USES.search(token.line):
                return True
            if token.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.INDENT):
                previous = token.string
        return False
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return any(word.search(line) and not _NOT_USES.search(line) for line in text.splitlines())


def _export_depth(depth: int, token: tokenize.TokenInfo, previous: str) -> int:
    """The bracket depth inside an `__all__` list after `token` (0: outside one)."""
    if token.type != tokenize.OP:
        return depth
    if depth == 0:
        return 1 if token.string in "([" and previous in {"=", "+="} and "__all__" in token.line else 0
    if token.string in "([{":
        return depth + 1
    if token.string in ")]}":
        return depth - 1
    return depth


def _binds_elsewhere(file: Path, text: str, name: str, root: Path, own: Path) -> bool:
    """Whether `text` binds `name` with `from <module> import name` (not renamed) to
    something other than the function in `own`: the module is a library's (its top package
    no folder or module of the project), or a project module other than `own` that defines
    `name` itself (a re-export could still hand on this one)."""
    for imported, names in _FROM_IMPORT.findall(text):
        bound = [part.split("#")[0].strip() for part in names.strip("()").split(",")]
        if name not in bound:
            continue
        if not imported.startswith(".") and not _project_module(imported.split(".")[0], root, file):
            return True
        target = _module_file(file, imported, root)
        if target is not None and target != own and _defines(target, name):
            return True
    return False


def _module_file(file: Path, imported: str, root: Path) -> Path | None:
    """The project file `from <imported> import ...` in `file` reads, when it exists."""
    dots = len(imported) - len(imported.lstrip("."))
    parts = [part for part in imported.lstrip(".").split(".") if part]
    if dots:
        base = file.parent
        for _ in range(dots - 1):
            base = base.parent
        bases = [base]
    else:
        bases = _import_bases(file, root)
    for base in bases:
        target = base.joinpath(*parts)
        for candidate in (target.with_suffix(".py") if parts else None, target / "__init__.py"):
            if candidate is not None and candidate.is_file():
                return candidate.resolve()
    return None


def _defines(path: Path, name: str) -> bool:
    try:
        text = path.read_text("utf-8", "replace")
    except OSError:
        return False
    return (
        re.search(rf"^(?:async[ \t]+def|def|class)[ \t]+{re.escape(name)}\b", text, re.MULTILINE) is not None
    )


def _project_module(top: str, root: Path, file: Path) -> bool:
    return any(
        (base / top).is_dir() or (base / f"{top}.py").is_file() for base in _import_bases(file, root)
    ) or names_checkout(root, top)  # `from app.core import ...` in a checkout deployed as `app`


def _import_bases(file: Path, root: Path) -> list[Path]:
    """Where an absolute import of `file` may start in the project: the root and its `src`,
    and the folders from `file`'s own up to the root, the script folder Python puts on
    sys.path when the app is run from there (`cd backend && uvicorn main:app` with
    requirements.txt one level up: census 10 B3, HDAI654/Zap backend/main.py)."""
    bases = [root, root / "src"]
    folder = file.parent
    try:
        folder.relative_to(root)
    except ValueError:
        return bases
    while folder != root and folder.parent != folder:
        bases.append(folder)
        folder = folder.parent
    return bases
