"""Repairs for findings that have one right answer (`corslint check --fix` / `--diff`).

`attach.py` finds each fixable finding's edits in the file it points at; `apply.py`
applies them (from the end of each file, never two that overlap) and renders diffs.
Python literals are re-rendered through libcst, imported only when a fix is made."""
