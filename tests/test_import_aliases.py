"""Import specifiers mapped through a project's alias configuration (js/import_aliases.py)."""

from __future__ import annotations

from pathlib import Path

from corslint.extractors.js.import_aliases import aliased_specifiers, read_jsonc


def _project(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    return root


def test_babel_alias_key_matches_itself_or_a_folder_prefix(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {
            "package.json": '{"dependencies": {"cors": "2.8.5"}}',
            ".babelrc": '/* header */ {"plugins": [["module-resolver", {"alias": {"~": "./src", "*": "./lib"}}],]}',
        },
    )
    importer = root / "src" / "server.js"
    assert aliased_specifiers(importer, "~/config/cors", {}, frozenset()) == ["./config/cors"]
    assert aliased_specifiers(importer, "*/config/cors", {}, frozenset()) == ["../lib/config/cors"]
    assert aliased_specifiers(importer, "~config", {}, frozenset()) == []  # not `~` followed by `/`
    assert aliased_specifiers(importer, "./config/cors", {}, frozenset()) == []


def test_regular_expression_keys_and_package_aliases_are_not_followed(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {
            "package.json": "{}",
            ".babelrc": '{"plugins": [["module-resolver", {"alias": {"^@app/(.+)": "./src/\\\\1", "underscore": "lodash"}}]]}',
        },
    )
    importer = root / "index.js"
    assert aliased_specifiers(importer, "@app/cors", {}, frozenset()) == []
    assert aliased_specifiers(importer, "underscore", {}, frozenset()) == []


def test_tsconfig_paths_through_extends_longest_prefix_first(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {
            "package.json": "{}",
            "tsconfig.base.json": """{
              // shared
              "compilerOptions": {"baseUrl": "./src", "paths": {"@/*": ["*"], "@/config/*": ["settings/*"],},},
            }""",
            "tsconfig.json": '{"extends": "./tsconfig.base"}',
        },
    )
    importer = root / "src" / "main.ts"
    assert aliased_specifiers(importer, "@/config/cors", {}, frozenset()) == [
        "./settings/cors",
        "./config/cors",
        "./@/config/cors",  # baseUrl: a bare lookup, tried last
    ]


def test_a_dependency_is_not_looked_up_under_base_url_or_roots(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {
            "package.json": '{"dependencies": {"cors": "2.8.5"}}',
            "jsconfig.json": '{"compilerOptions": {"baseUrl": "src"}}',
            "babel.config.js": "module.exports = { plugins: [['module-resolver', { root: ['./src'] }]] };",
        },
    )
    importer = root / "src" / "app.js"
    assert aliased_specifiers(importer, "cors", {}, frozenset({"cors"})) == []
    assert aliased_specifiers(importer, "config/cors", {}, frozenset({"cors"})) == [
        "./config/cors",
        "./config/cors",
    ]


def test_jsonc_keeps_comment_like_text_inside_strings(tmp_path: Path) -> None:
    file = tmp_path / "tsconfig.json"
    file.write_text('{"a": "http://x/*y*/", // note\n "b": [1,],}', "utf-8")
    assert read_jsonc(file) == {"a": "http://x/*y*/", "b": [1]}


def test_package_imports_exact_key_first_then_longest_pattern(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {
            "package.json": """{"imports": {
                "#app/*": "./src/*",
                "#app/config/*": {"types": "./types/*", "node": "./src/settings/*"},
                "#routes": "./src/routes/index.js",
                "#vendor/*": "left-pad/*"
            }}""",
        },
    )
    importer = root / "src" / "index.js"
    assert aliased_specifiers(importer, "#app/config/cors.js", {}, frozenset()) == ["./settings/cors.js"]
    assert aliased_specifiers(importer, "#app/lib/cors.js", {}, frozenset()) == ["./lib/cors.js"]
    assert aliased_specifiers(importer, "#routes", {}, frozenset()) == ["./routes/index.js"]
    assert aliased_specifiers(importer, "#vendor/x", {}, frozenset()) == []  # a package target


def test_module_alias_keys_from_the_package_manifest(tmp_path: Path) -> None:
    root = _project(tmp_path, {"package.json": '{"_moduleAliases": {"@": "src/", "@db": "./lib/db.js"}}'})
    importer = root / "src" / "routes" / "index.js"
    assert aliased_specifiers(importer, "@/config/cors", {}, frozenset()) == ["../config/cors"]
    assert aliased_specifiers(importer, "@db", {}, frozenset()) == ["../../lib/db.js"]
    assert aliased_specifiers(importer, "@nestjs/core", {}, frozenset()) == []
