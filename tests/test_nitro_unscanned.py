"""Census 9 row C4 (Nuxt): an h3 handler in a server folder Nitro never scans
(`server/middlewares/`, plural) never runs, so its headers are reported once, as CORS303,
and never as a live policy. Nitro's scanned folders are read from nitropack's `scan.ts`
(`scanMiddleware` -> `scanFiles(nitro, "middleware")`, `scanServerRoutes(nitro, "api")`,
`scanServerRoutes(nitro, "routes")`, `scanPlugins`, `scanTasks`, `scanModules`); nitropack
itself is not installed here, so these cases pin the folder rule and every way the file
stays live: the scanned folder, a config entry naming it, an import from a server file, and
a config that moves the directories."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from corslint.extractors.express.nitro_unscanned import SCANNED
from tests.conftest import FIXTURES, run_lint

PROJECT = FIXTURES / "h3" / "nuxt_plural_middlewares_folder_never_scanned"
HANDLER = Path("server/middlewares/cross-site.ts")


def _rules(project: Path) -> list[tuple[str, str]]:
    return sorted((f.rule_id, Path(f.location.path).name) for f in run_lint(project).findings)


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    target = tmp_path / PROJECT.name
    shutil.copytree(PROJECT, target)
    return target


def test_nitro_scanned_folders() -> None:
    assert {"middleware", "api", "routes", "plugins"} <= SCANNED
    assert "middlewares" not in SCANNED


def test_a_handler_in_an_unscanned_folder_is_only_cors303() -> None:
    assert _rules(PROJECT) == [("CORS303", "cross-site.ts")]


def test_the_scanned_folder_is_live(copy: Path) -> None:
    (copy / "server" / "middleware").mkdir()
    (copy / HANDLER).rename(copy / "server" / "middleware" / "cross-site.ts")
    found = {rule for rule, _ in _rules(copy)}
    assert "CORS303" not in found and {"CORS105", "CORS201"} <= found


@pytest.mark.parametrize(
    ("where", "text"),
    [
        (
            "nuxt.config.ts",
            "export default defineNuxtConfig({\n"
            "  serverHandlers: [{ middleware: true, handler: '~~/server/middlewares/cross-site.ts' }],\n"
            "})\n",
        ),
        (
            "server/middleware/all.ts",
            "import crossSite from '../middlewares/cross-site'\nexport default crossSite\n",
        ),
        (
            "modules/cross-site.ts",
            "export default defineNuxtModule({ setup() {\n"
            "  addServerHandler({ middleware: true, handler: '~/server/middlewares/cross-site' })\n"
            "} })\n",
        ),
        ("nuxt.config.ts", "export default defineNuxtConfig({ serverDir: 'server' })\n"),
    ],
)
def test_a_named_file_stays_live(copy: Path, where: str, text: str) -> None:
    (copy / where).parent.mkdir(parents=True, exist_ok=True)
    (copy / where).write_text(text)
    found = {rule for rule, name in _rules(copy) if name == "cross-site.ts"}
    assert "CORS303" not in found and {"CORS105", "CORS201"} <= found


def test_a_nuxt2_key_naming_another_path_does_not_make_it_live(copy: Path) -> None:
    # `~/middlewares/cors.js` is the source directory's middlewares/, not server/middlewares/
    (copy / "nuxt.config.ts").write_text(
        "export default defineNuxtConfig({\n"
        "  serverMiddleware: [{ path: '/api', handler: '~/middlewares/cross-site.ts' }],\n"
        "})\n"
    )
    assert _rules(copy) == [("CORS303", "cross-site.ts")]
