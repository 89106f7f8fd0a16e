"""A settings entry point: a module Django may be told to load, and for a settings package
that picks its environment (`if ENV == "production": from .production import *`), which
of its branches runs. Each entry point is judged as its own policy."""

from __future__ import annotations

import ast
import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from corslint.extractors.django.module_paths import display_path
from corslint.extractors.python import PythonModule, is_development_path

MAX_VARIANTS = 8
# `class Dev(Common)`, `class LocalConfiguration(Base)`: a configuration for development or tests
_DEVELOPMENT_CLASS = re.compile(
    r"(Dev|Develop|Development|Local|Test|Testing|Tests|Debug|CI)(Configuration|Config|Settings)?", re.I
)  # branch combinations judged for one selecting module
Choice = tuple[tuple[str, int, int], int]  # ((module path, line, column) of an `if`, branch)


@dataclass(frozen=True)
class EntryPoint:
    """A settings module as Django would load it, with the branches forced to get there."""

    module: PythonModule
    choices: tuple[Choice, ...] = ()
    selected: PythonModule | None = None  # what the forced branches star-import, if anything
    # django-configurations: the `Configuration` class of `module` DJANGO_CONFIGURATION names
    configuration: str = ""

    @property
    def development_only(self) -> bool:
        if _DEVELOPMENT_CLASS.fullmatch(self.configuration):
            return True
        return is_development_path((self.selected or self.module).path)

    def choice_map(self) -> dict[tuple[str, int, int], int]:
        return dict(self.choices)


def variants(module: PythonModule) -> list[EntryPoint]:
    """One entry point per way through the module's selecting `if`s (those whose branches
    star-import other settings modules), or the module itself when it has none."""
    selectors = [
        list(_paths(module, statement))
        for statement in module.tree.body
        if isinstance(statement, ast.If) and _selects(statement)
    ]
    if not selectors:
        return [EntryPoint(module)]
    found: list[EntryPoint] = []
    for combination in itertools.islice(itertools.product(*selectors), MAX_VARIANTS):
        choices = tuple(choice for path, _ in combination for choice in path)
        stars = [star for _, imported in combination for star in imported]
        found.append(EntryPoint(module, choices, _target(module, stars[-1]) if stars else None))
    return found


def conditional_star_imports(module: PythonModule) -> list[ast.ImportFrom]:
    """`from .production import *` inside a module-level `if`'s branches."""
    return [
        star
        for statement in module.tree.body
        if isinstance(statement, ast.If)
        for star in _stars_within(statement)
    ]


def _is_star(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.ImportFrom) and any(alias.name == "*" for alias in statement.names)


def _stars_within(statement: ast.If) -> Iterator[ast.ImportFrom]:
    for body in (statement.body, statement.orelse):
        for inner in body:
            if isinstance(inner, ast.ImportFrom) and _is_star(inner):
                yield inner
            elif isinstance(inner, ast.If):
                yield from _stars_within(inner)


def _selects(statement: ast.If) -> bool:
    return next(_stars_within(statement), None) is not None


def _paths(
    module: PythonModule, statement: ast.If
) -> Iterator[tuple[tuple[Choice, ...], list[ast.ImportFrom]]]:
    """Each way through an `if` (and the `if`s nested in its branches, `elif`s included):
    the branches taken and the star imports met on the way."""
    key = (module.path, statement.lineno, statement.col_offset)
    for index, body in enumerate((statement.body, statement.orelse)):
        for choices, stars in _body_paths(module, body):
            yield ((key, index), *choices), stars


def _body_paths(
    module: PythonModule, body: Sequence[ast.stmt]
) -> Iterator[tuple[tuple[Choice, ...], list[ast.ImportFrom]]]:
    here: list[ast.ImportFrom] = [s for s in body if isinstance(s, ast.ImportFrom) and _is_star(s)]
    nested = [list(_paths(module, s)) for s in body if isinstance(s, ast.If) and _selects(s)]
    if not nested:
        yield (), here
        return
    for combination in itertools.islice(itertools.product(*nested), MAX_VARIANTS):
        yield (
            tuple(choice for path, _ in combination for choice in path),
            here + [star for _, stars in combination for star in stars],
        )


def _target(module: PythonModule, star: ast.ImportFrom) -> PythonModule | None:
    if module.project is None:
        return None
    path = module.project.find_module(module, "." * star.level + (star.module or ""))
    return module.project.module_at(path, display_path(module, path)) if path is not None else None
