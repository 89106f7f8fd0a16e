"""Renderers: findings in, text out. Each format is one module with a `render` function;
`renderer` imports only the one a run asks for."""

from __future__ import annotations

from collections.abc import Callable

from corslint.report.context import ReportContext

FORMATS = ("text", "json", "sarif", "github", "gitlab")
__all__ = ["FORMATS", "ReportContext", "renderer"]


def renderer(name: str) -> Callable[[ReportContext], str]:
    if name == "text":
        from corslint.report.text import render

        return render
    if name == "json":
        from corslint.report.json_report import render

        return render
    if name == "sarif":
        from corslint.report.sarif import render

        return render
    if name == "github":
        from corslint.report.github import render

        return render
    if name == "gitlab":
        from corslint.report.gitlab import render

        return render
    raise ValueError(name)
