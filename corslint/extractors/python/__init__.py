"""Python source read with the standard library's `ast`: positions, imports, and static
value resolution.

`ast` rather than a concrete syntax tree: corslint never rewrites code, only reads
it, and CPython's own parser is twenty to forty times faster than any Python-level
one (the libcst it replaced: 10-15 ms per file, against under 1 ms). Parsing compiles
nothing and runs nothing. A value is resolved only when it is certain, the way the code
would compute it: a name reads the binding it sees where it is used (`flow`), in-place
changes included (`mutations`); the project's own functions are followed along the path
their `if`s take (`functions`), with parameters taken from their callers (`callers`);
objects of the project's classes give their fields, properties and defaults (`classes`,
`instances`); data files read by a literal path keep their lines (`data_files`);
environment reads and command-line options give their defaults (`environment`,
`cli_arguments`). Anything else becomes an UNKNOWN `Value` that carries the source text
(or the reason), so CORS305 can name it.
"""

from __future__ import annotations

from corslint.extractors.python.dynaconf_fallbacks import dynaconf_fallback_hook

# environment registers its call hooks with the resolver on import: importing any part
# of this package runs this file first, so the hooks are always in place
from corslint.extractors.python.environment import (
    DECOUPLE_CALLABLES,
    DECOUPLE_CLASSES,
    ENVIRON_CLASSES,
    decouple_hook,
    environ_hook,
)
from corslint.extractors.python.ini_readers import ini_default_hook
from corslint.extractors.python.module import (
    CALL_HOOKS,
    ENV_GETTERS,
    CallHook,
    ModuleLoader,
    PythonModule,
    seen_from,
)
from corslint.extractors.python.project import PythonProject, is_development_path
from corslint.extractors.python.scope import EMPTY_SCOPE, MAX_DEPTH, Scope
from corslint.extractors.python.setting_accessors import setting_accessor_hook
from corslint.extractors.python.starlette_config import starlette_config_hook
from corslint.extractors.python.syntax import (
    LEAVES,
    UNCERTAIN_BLOCKS,
    PythonParseError,
    bound_names,
    call_argument,
    child_nodes,
    dotted_name,
    iter_calls,
    parse_python,
    target_names,
    walk,
)

__all__ = [
    "CALL_HOOKS",
    "DECOUPLE_CALLABLES",
    "DECOUPLE_CLASSES",
    "EMPTY_SCOPE",
    "ENVIRON_CLASSES",
    "ENV_GETTERS",
    "LEAVES",
    "MAX_DEPTH",
    "UNCERTAIN_BLOCKS",
    "CallHook",
    "ModuleLoader",
    "PythonModule",
    "PythonParseError",
    "PythonProject",
    "Scope",
    "bound_names",
    "call_argument",
    "child_nodes",
    "decouple_hook",
    "dotted_name",
    "dynaconf_fallback_hook",
    "environ_hook",
    "ini_default_hook",
    "is_development_path",
    "iter_calls",
    "parse_python",
    "seen_from",
    "setting_accessor_hook",
    "starlette_config_hook",
    "target_names",
    "walk",
]
