from corslint.findings import Level
from corslint.rules.base import Example, Rule


class ParseError(Rule):
    """
    ## What it does
    Reports a file that corslint was asked to read but could not: invalid syntax, a
    binary file with a source extension, bytes that are not UTF-8, a file over the size
    limit, or nesting too deep to analyse; also a path named on the command line that
    does not exist. The rest of the run goes on.

    It stays on when `select` leaves it out: only `ignore` turns it off.

    ## Why is this bad?
    A file corslint could not read is a file whose CORS configuration was not checked.
    A linter that skipped it silently would turn a run green without saying so.

    ## Example
    ```python
    app.add_middleware(CORSMiddleware, allow_origins=["https://app.example"]
    ```

    ## Use instead
    Fix the syntax error, or exclude the file (`exclude = ["generated/**"]` in
    `[tool.corslint]`) if it is not source code. A missing path is usually a typo in
    the command line or the CI job.

    ## References
    - corslint documentation: configuration, `exclude`
    """

    id = "CORS001"
    name = "parse-error"
    level = Level.WARNING
    summary = "A file in scope could not be parsed; its CORS configuration was not checked"
    tags = ("diagnostic",)
    bad = (
        Example(
            "starlette",
            "from fastapi.middleware.cors import CORSMiddleware\napp.add_middleware(CORSMiddleware, allow_origins=[\n",
        ),
    )
    good = (
        Example(
            "starlette",
            "from fastapi.middleware.cors import CORSMiddleware\n"
            'app.add_middleware(CORSMiddleware, allow_origins=["https://app.example"])\n',
        ),
    )
