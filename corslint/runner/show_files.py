"""`corslint --show-files`: the files the prefilter lets through to a parser, with their
kind and size, so a user can see what a cold run spends its time on (issue 15: on real
repositories, data files that mention an origin were 80% of what was parsed)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from corslint.runner.discovery import walk_folders
from corslint.runner.prefilter import SOURCE_NAMES, SOURCE_SUFFIXES, screen_file
from corslint.runner.settings import Settings


@dataclass(frozen=True)
class LetThrough:
    """A file the prefilter hands to parsers: what costs a cold run its time."""

    display: str
    size: int
    extractors: tuple[str, ...]

    @property
    def kind(self) -> str:
        name = self.display.rpartition("/")[2]
        dot = name.rfind(".")
        return name[dot:] if dot > 0 else name


def let_through(paths: Sequence[Path], settings: Settings) -> Iterator[LetThrough]:
    """The files under `paths` that the prefilter would hand to a parser, in walk order:
    the same walk and screen as a run, in this process, without the cache."""
    for group in walk_folders(
        paths,
        settings.exclude,
        SOURCE_SUFFIXES + SOURCE_NAMES,
        respect_gitignore=settings.respect_gitignore,
        force_exclude=settings.force_exclude,
        exclude_anchor=settings.exclude_anchor() if settings.exclude else "",
    ):
        for candidate in group:
            size, _, screened = screen_file(
                candidate.file, candidate.display, False, max_bytes=settings.max_file_size
            )
            if isinstance(screened, tuple):
                yield LetThrough(candidate.display, size, tuple(e.name for e in screened[1]))


def show_files(paths: Sequence[Path], settings: Settings) -> str:
    """One line per file let through to a parser (its size, kind and extractors), then
    the totals by kind, largest first."""
    lines: list[str] = []
    totals: dict[str, list[int]] = {}
    for item in let_through(paths, settings):
        lines.append(f"{item.size:>12,}  {item.kind:<8} {','.join(item.extractors):<24} {item.display}\n")
        total = totals.setdefault(item.kind, [0, 0])
        total[0] += 1
        total[1] += item.size
    count = sum(n for n, _ in totals.values())
    size = sum(b for _, b in totals.values())
    by_kind = ", ".join(
        f"{kind} {n} ({b / 1e6:.1f} MB)" for kind, (n, b) in sorted(totals.items(), key=lambda t: -t[1][1])
    )
    lines.append(
        f"{count:,} file{'s' * (count != 1)} let through to a parser, {size / 1e6:.1f} MB"
        + (f": {by_kind}" if by_kind else "")
        + "\n"
    )
    return "".join(lines)
