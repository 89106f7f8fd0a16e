"""Where `app.config.from_pyfile(name)` looks: Flask opens `name` under the app's root path
(the app module's folder) unless the app is made with `Flask(__name__,
instance_relative_config=True)`; then under its instance folder, which for a project run
from source is `instance/` beside the top package (beside the module when it is in no
package): Flask's `auto_find_instance_path`. The instance folder usually stays out of
version control (secrets, per-deployment settings): a file corslint does not find there
is left unknown, and a module-level file of the same name beside the app is not it.
An explicit `instance_path=` is not followed (None: the folder is not known)."""

from __future__ import annotations

import ast
from pathlib import Path

from corslint.extractors.python import PythonModule

_FLASK = frozenset({"flask.Flask", "flask.app.Flask", "quart.Quart", "Flask"})


def pyfile_folder(module: PythonModule) -> Path | None:
    """The folder `from_pyfile` reads from in `module`'s app; None when it is not known."""
    here = Path(module.path).parent
    relative = False
    for node in ast.walk(module.tree):
        if not (isinstance(node, ast.Call) and (module.qualified_name(node.func) or "") in _FLASK):
            continue
        for keyword in node.keywords:
            if keyword.arg is None or keyword.arg == "instance_path":
                return None
            if keyword.arg == "instance_relative_config":
                chosen = module.resolve(keyword.value)
                if not chosen.known:
                    return None
                relative = relative or bool(chosen.raw)
    if not relative:
        return here
    folder = here.resolve()
    while (folder / "__init__.py").is_file() and folder.parent != folder:
        folder = folder.parent
    return folder / "instance"
