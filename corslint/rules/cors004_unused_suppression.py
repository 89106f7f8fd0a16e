from corslint.findings import Level
from corslint.rules.base import FASTAPI_APP, Example, Rule


class UnusedSuppression(Rule):
    """
    ## What it does
    Reports a suppression comment (`# corslint: ignore[...]`, or `# noqa: CORS...`) that
    names no corslint rule, or that suppressed nothing in a run that judged the rules it
    names: a misspelt id, a malformed list, or a comment left behind once the finding it
    hid was fixed or moved. A comment that names only rules the run did not judge
    (`--select`) is not reported.

    ## Why is this bad?
    A misspelt id (`ignore[CORS10l]`) hides nothing, so the finding it was meant for is
    still reported, and a stale comment waits to hide the next finding that lands on its
    line without anyone noticing.

    ## Example
    ```python
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["https://app.example.com"],  # corslint: ignore[CORS105]
    )
    ```

    ## Use instead
    Remove the comment, or correct the id it names. To keep a comment on purpose, add
    CORS004 to its list (`# corslint: ignore[CORS105, CORS004]`).

    ## References
    - ruff's `unused-noqa` (RUF100)
    """

    id = "CORS004"
    name = "unused-suppression"
    level = Level.NOTE
    summary = "A suppression comment names no corslint rule, or suppresses nothing"
    tags = ("diagnostic",)
    bad = (
        Example(
            "starlette",
            FASTAPI_APP + "app.add_middleware(\n    CORSMiddleware,\n"
            '    allow_origins=["https://app.example.com"],  # corslint: ignore[CORS105]\n)\n',
        ),
        Example(
            "starlette",
            FASTAPI_APP + 'app.add_middleware(CORSMiddleware, allow_origins=["*"])  # noqa: CORS10S\n',
        ),
    )
    good = (
        Example(
            "starlette",
            FASTAPI_APP + "app.add_middleware(\n    CORSMiddleware,\n"
            '    allow_origins=["*"],  # corslint: ignore[CORS105]\n)\n',
        ),
    )
