"""The app key of an Express app another module of the project built and exported:

    // app.ts                                   // server.ts
    const app = express();                      import app from './app';
    app.use(cors({ origin: list, credentials }));   app.use('/', cors(), graphql);
    export default app;

`app` in server.ts is app.ts's app, so a `cors()` it `.use`s there is a second layer of
that app (CORS302), keyed as the layers app.ts registers are (`app.ts::app`). The
imported module's top level runs first, so its layers come before the importer's.
Measured with express and cors (tests/test_differential_imported_app_layers.py): the
first `cors()` answers every preflight; on other requests the second's Allow-Origin
replaces the first's while the first's Allow-Credentials stays.

Only for a name imported from a relative module that plainly exports an `express()` app
(`imported_app_order.exported_app`) and is not bound again in the importer."""

from __future__ import annotations

from corslint.extractors.express.imported_app_order import exported_app
from corslint.extractors.js.module import JsModule

_DATA_SUFFIXES = frozenset({".json", ".yaml", ".yml", ".toml"})


def imported_app_key(module: JsModule, receiver: str) -> str | None:
    """`<app module>::<its local name>` when `receiver` is such an imported app, else None."""
    project = module.project
    if project is None or not receiver.isidentifier():
        return None
    imported = module.imports.get(receiver)
    if imported is None or not imported[0].startswith("."):
        return None
    if len(module.declarators.get(receiver, [])) > 1:
        return None  # rebound: not certainly the imported app
    target = project.resolve_specifier(module, imported[0])
    if target is None or target.suffix.lower() in _DATA_SUFFIXES:
        return None
    display = project.display(module, target)
    if display == module.path:
        return None
    loaded = project.load(target, display)
    if loaded is None:
        return None
    local = exported_app(loaded, imported[1])
    return f"{display}::{local}" if local is not None else None
