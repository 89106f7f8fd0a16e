"""Which of a Strapi app's `config/<name>.js` / `config/<name>.ts` files Strapi really loads.

Strapi 4 and 5 read configuration from `<distDir>/config` (and `<distDir>/config/env/<NODE_ENV>`):
`distDir` is the app folder itself for a JavaScript project and the TypeScript `outDir` for a
TypeScript one, and a project is TypeScript when its folder holds a `tsconfig.json` (Strapi's
`isUsingTypeScript`). The loader takes `.js` and `.json` files only. So:

- a TypeScript project loads what `tsc` wrote: `config/<name>.ts` compiled; a `config/<name>.js`
  beside it is copied only under `allowJs` (then both would write the same output file, which
  `tsc` refuses: not judged here). Without `allowJs` the `.js` twin of a `.ts` file is a dead
  leftover (austinlevi/nexa-strapi config/middlewares.js beside middlewares.ts);
- a JavaScript project never loads a `config/<name>.ts` that has a `.js` twin.

Anything this module cannot settle (an `extends` it cannot read) keeps the file."""

from __future__ import annotations

from pathlib import Path

from corslint.extractors.js.import_aliases import read_jsonc

_MAX_EXTENDS = 3
# Strapi's own base configurations (@strapi/typescript-utils/tsconfigs/server) leave allowJs unset.
_STRAPI_BASES = ("@strapi/typescript-utils/",)


def shadowed_config_file(path: str) -> bool:
    """Whether Strapi loads a twin of this config file instead of it."""
    file = Path(path)
    suffix = file.suffix
    if suffix not in {".js", ".ts"}:
        return False
    twin = file.with_suffix(".ts" if suffix == ".js" else ".js")
    if not twin.is_file():
        return False
    app = _app_folder(file)
    if app is None:
        return False
    tsconfig = app / "tsconfig.json"
    if not tsconfig.is_file():
        return suffix == ".ts"  # a JavaScript project reads config/<name>.js only
    if suffix == ".ts":
        return False
    return _allow_js(tsconfig, app) is False


def _app_folder(file: Path) -> Path | None:
    """The Strapi app holding `config/<name>` or `config/env/<env>/<name>`."""
    parents = list(file.parents)
    if len(parents) > 1 and parents[0].name == "config":
        return parents[1]
    if len(parents) > 3 and parents[1].name == "env" and parents[2].name == "config":
        return parents[3]
    return None


def _allow_js(tsconfig: Path, app: Path) -> bool | None:
    """`compilerOptions.allowJs` through the `extends` chain; None when a link is unreadable."""
    file: Path | None = tsconfig
    for _ in range(_MAX_EXTENDS + 1):
        if file is None:
            return False
        data = read_jsonc(file)
        if not isinstance(data, dict):
            return None
        options = data.get("compilerOptions")
        if isinstance(options, dict) and "allowJs" in options:
            value = options["allowJs"]
            return value if isinstance(value, bool) else None
        extends = data.get("extends")
        if extends is None:
            return False
        if not isinstance(extends, str):
            return None  # a list of bases: not followed
        if extends.startswith(_STRAPI_BASES):
            return False
        file = _extended(file, extends, app)
        if file is None:
            return None
    return None


def _extended(file: Path, extends: str, app: Path) -> Path | None:
    local = extends.startswith(".")
    target = (file.parent / extends).resolve() if local else app / "node_modules" / extends
    for candidate in (target, target.with_name(target.name + ".json")):
        if candidate.is_file():
            return candidate
    return None
