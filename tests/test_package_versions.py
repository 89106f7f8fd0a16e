"""The installed npm major, read from package.json ranges and lock files (never installed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corslint.extractors.js.package_versions import installed_major, range_major

PACKAGE = "@fastify/cors"


def _project(root: Path, files: dict[str, str]) -> Path:
    (root / ".git").mkdir(exist_ok=True)
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def _manifest(range_: str, package: str = PACKAGE) -> str:
    return json.dumps({"name": "api", "dependencies": {package: range_, "fastify": "^5.0.0"}})


@pytest.mark.parametrize(
    ("specifier", "major"),
    [
        ("^8.5.0", 8),
        ("~11.1.0", 11),
        ("8.x", 8),
        ("4.29.1", 4),
        ("=10.0.1", 10),
        ("npm:@fastify/cors@9.0.1", 9),
        (">=8", None),
        ("8 || 9", None),
        ("*", None),
        ("latest", None),
        ("workspace:*", None),
    ],
)
def test_a_range_names_one_major_or_none(specifier: str, major: int | None) -> None:
    assert range_major(specifier) == major


def test_the_declared_range_when_there_is_no_lock(tmp_path: Path) -> None:
    root = _project(tmp_path, {"package.json": _manifest("^8.5.0"), "src/server.js": ""})
    assert installed_major(root / "src/server.js", PACKAGE) == 8


def test_an_open_range_without_a_lock_tells_nothing(tmp_path: Path) -> None:
    root = _project(tmp_path, {"package.json": _manifest(">=8.0.0"), "server.js": ""})
    assert installed_major(root / "server.js", PACKAGE) is None


def test_nothing_declared_tells_nothing(tmp_path: Path) -> None:
    root = _project(tmp_path, {"server.js": ""})
    assert installed_major(root / "server.js", PACKAGE) is None


def test_an_npm_lock_of_a_workspace_root_resolves_an_open_range(tmp_path: Path) -> None:
    lock = {
        "lockfileVersion": 3,
        "packages": {
            "": {"workspaces": ["services/*"]},
            "node_modules/@fastify/cors": {"version": "11.2.0"},
            "services/legacy/node_modules/@fastify/cors": {"version": "8.5.0"},
        },
    }
    root = _project(
        tmp_path,
        {
            "package.json": json.dumps({"workspaces": ["services/*"]}),
            "package-lock.json": json.dumps(lock),
            "services/api/package.json": _manifest("*"),
            "services/api/index.js": "",
            "services/legacy/package.json": _manifest("^8.4.0"),
            "services/legacy/index.js": "",
        },
    )
    assert installed_major(root / "services/legacy/index.js", PACKAGE) == 8  # the range picks
    assert installed_major(root / "services/api/index.js", PACKAGE) is None  # two majors, `*`


@pytest.mark.parametrize(
    "lock",
    [
        "lockfileVersion: '9.0'\n\npackages:\n\n  '@fastify/cors@10.0.2':\n    resolution: {integrity: x}\n",
        "lockfileVersion: 5.4\n\npackages:\n\n  /@fastify/cors/10.0.2:\n    resolution: {integrity: x}\n",
    ],
)
def test_a_pnpm_lock(tmp_path: Path, lock: str) -> None:
    root = _project(tmp_path, {"package.json": _manifest("latest"), "pnpm-lock.yaml": lock, "app.js": ""})
    assert installed_major(root / "app.js", PACKAGE) == 10


@pytest.mark.parametrize(
    "lock",
    [
        '"@fastify/cors@^9.0.0":\n  version "9.0.1"\n  resolved "https://x"\n\n"fastify@^4.0.0":\n  version "4.29.1"\n',
        '"@fastify/cors@npm:^9.0.0":\n  version: 9.0.1\n  resolution: "@fastify/cors@npm:9.0.1"\n',
    ],
)
def test_a_yarn_lock(tmp_path: Path, lock: str) -> None:
    root = _project(tmp_path, {"package.json": _manifest("*"), "yarn.lock": lock, "app.js": ""})
    assert installed_major(root / "app.js", PACKAGE) == 9


def test_a_dependency_of_a_declared_package_is_read_from_the_lock(tmp_path: Path) -> None:
    """NestJS's Fastify adapter brings @fastify/cors: the project declares only the adapter."""
    lock = '"@fastify/cors@npm:11.2.0":\n  version: 11.2.0\n'
    manifest = json.dumps({"dependencies": {"@nestjs/platform-fastify": "11.1.16"}})
    root = _project(tmp_path, {"package.json": manifest, "yarn.lock": lock, "src/main.ts": ""})
    assert installed_major(root / "src/main.ts", PACKAGE, via="@nestjs/platform-fastify") == 11
    assert installed_major(root / "src/main.ts", PACKAGE) is None  # not declared itself
