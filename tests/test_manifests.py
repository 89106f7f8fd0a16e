"""Which packages a project declares, read from its dependency manifests."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from corslint.extractors.context import ProjectContext
from corslint.extractors.manifests import declared_packages, normalised


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")


def declared(root: Path, module: str = "app/settings.py") -> frozenset[str]:
    (root / ".git").mkdir(exist_ok=True)  # the project root: the walk stops here
    return declared_packages(ProjectContext(), str(root / module)).packages


PYPROJECT = """
[project]
name = "orchard"
dependencies = ["Django>=5.0", "django_cors_headers[extra]~=4.4"]

[project.optional-dependencies]
docs = ["Sphinx"]

[dependency-groups]
dev = ["pytest>=8"]

[tool.poetry.dependencies]
python = "^3.11"
Flask = "^3.0"

[tool.poetry.group.test.dependencies]
responses = "*"
"""


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {
                "requirements.txt": "# pinned\nDjango==5.0.1  # web\n-e git+https://example.com/x.git#egg=Flask_CORS\n"
            },
            {"django", "flask-cors"},
        ),
        (
            {
                "requirements/base.txt": "django-environ\n",
                "requirements/production.txt": "-r base.txt\ngunicorn\n",
            },
            {"django-environ", "gunicorn"},
        ),
        (
            {"requirements-dev.txt": "-r requirements.txt\nruff\n", "requirements.txt": "quart\n"},
            {"quart", "ruff"},
        ),
        (
            {"pyproject.toml": PYPROJECT},
            {"django", "django-cors-headers", "sphinx", "pytest", "flask", "responses"},
        ),
        (
            {
                "setup.cfg": "[options]\ninstall_requires =\n    flask>=2\n    flask-cors\n[options.extras_require]\nx = redis\n"
            },
            {"flask", "flask-cors", "redis"},
        ),
        (
            {
                "setup.py": "from setuptools import setup\nsetup(name='x', install_requires=['Django', 'django-cors-headers>=3'],"
                " extras_require={'dev': ['pytest']})\n"
            },
            {"django", "django-cors-headers", "pytest"},
        ),
        (
            {"Pipfile": '[packages]\nflask = "*"\n"flask-cors" = "*"\n[dev-packages]\nblack = "*"\n'},
            {"flask", "flask-cors", "black"},
        ),
        ({"uv.lock": 'version = 1\n[[package]]\nname = "django"\nversion = "5.0"\n'}, {"django"}),
        # a lock counts only where nothing declares packages directly
        ({"poetry.lock": '[[package]]\nname = "flask"\n', "requirements.txt": "django\n"}, {"django"}),
    ],
)
def test_manifest_formats(tmp_path: Path, files: dict[str, str], expected: set[str]) -> None:
    write(tmp_path, files)
    assert declared(tmp_path) == expected


def test_nearest_folder_declaring_packages_wins(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "requirements.txt": "flask\n",
            "services/web/requirements.txt": "django\n",
            "services/web/app/settings.py": "",
        },
    )
    assert declared(tmp_path, "services/web/app/settings.py") == {"django"}
    assert declared(tmp_path, "services/other/app/settings.py") == {"flask"}


def test_the_walk_stops_at_the_project_root(tmp_path: Path) -> None:
    write(tmp_path, {"requirements.txt": "flask\n", "inner/app/settings.py": ""})
    (tmp_path / "inner" / ".git").mkdir()
    assert (
        declared_packages(ProjectContext(), str(tmp_path / "inner/app/settings.py")).packages == frozenset()
    )


def test_broken_manifests_are_skipped(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": "[project\n", "setup.py": "setup(", "requirements.txt": "django\n"})
    assert declared(tmp_path) == {"django"}


def test_big_files_are_not_read(tmp_path: Path) -> None:
    write(tmp_path, {"requirements.txt": "django\n" + "#" * 1_100_000})
    assert declared(tmp_path) == frozenset()


@dataclass
class TrackingContext(ProjectContext):
    touched: set[str] = field(default_factory=set)


def test_manifests_read_are_reported_on_every_lookup(tmp_path: Path) -> None:
    write(tmp_path, {"requirements.txt": "django\n"})
    (tmp_path / ".git").mkdir()
    context = TrackingContext()
    declared_packages(context, str(tmp_path / "a.py"))
    context.touched.clear()
    found = declared_packages(context, str(tmp_path / "b.py"))  # answered from the cache
    assert found.has("Django") and not found.has("flask")
    assert context.touched == {str(tmp_path / "requirements.txt")}


def test_names_are_normalised() -> None:
    assert normalised("Django_CORS.Headers") == "django-cors-headers"
