"""Module-level functions of an entry script that write CORS headers but that nothing
uses: never called, decorated, registered, exported or named anywhere else in the
project. Their headers are never sent, so nothing in them is judged (Shifu8/
PracticaMetodos index.py: an `after_request_func(response)` that reflects the Origin with
credentials, written beside `app = create_app()` and `app.run(...)` under `if __name__ ==
"__main__":`, and never handed to `app.after_request`). Only in a script (a module with
a `__main__` guard): a helper module's functions may be its callers' to use, so one that
no file names stays judged as a helper whose callers are not known. A name another file
of the project mentions, in any way, keeps the function judged, and so does a project
too large for the search to be complete."""

from __future__ import annotations

import ast

from corslint.extractors.context import ProjectContext
from corslint.extractors.python import PythonModule
from corslint.extractors.python.project_files import project_root
from corslint.extractors.python_headers.project_scan import LEVELS, MAX_FILES, listing, modules_mentioning

Function = ast.FunctionDef | ast.AsyncFunctionDef


def never_used(module: PythonModule, function: Function, context: ProjectContext | None) -> bool:
    """Whether `function`, a module-level function of `module`, is named nowhere but in
    its own definition (see the module's docstring)."""
    if context is None or module.project is None or function.decorator_list:
        return False
    if "__main__" not in module.text:
        return False  # not a script: a helper module's callers may be elsewhere
    if function not in module.tree.body:
        return False
    name = function.name
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Name) and node.id == name:
            return False
        if isinstance(node, ast.Attribute) and node.attr == name:
            return False
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and name in node.value:
            return False  # `__all__`, `getattr(module, "name")`, a dotted path in settings
    top = project_root(module.path, LEVELS)
    if len(listing(top, context)) >= MAX_FILES:
        return False  # the search would not be complete
    return not modules_mentioning(module, context, name.encode())
