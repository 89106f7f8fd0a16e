from corslint.findings import Level
from corslint.rules.base import Example, Rule


class ConfigError(Rule):
    """
    ## What it does
    Reports a problem in corslint's own configuration (`[tool.corslint]` in
    `pyproject.toml`, or `.corslint.toml`): an unknown key, a rule id or prefix that does
    not exist, or a value of the wrong kind. It stays on when `select` leaves it out:
    only `ignore` turns it off.

    ## Why is this bad?
    A misspelt `ignore = ["CORS15"]` or `exlude = [...]` silently does nothing, so the
    run checks something other than what you think.

    ## Example
    ```toml
    [tool.corslint]
    exlude = ["migrations/**"]
    ignore = ["CORS999"]
    ```

    ## Use instead
    ```toml
    [tool.corslint]
    exclude = ["migrations/**"]
    ignore = ["CORS105"]
    ```

    ## References
    - `corslint rules` lists every rule id
    """

    id = "CORS002"
    name = "config-error"
    level = Level.ERROR
    summary = "corslint's own configuration is invalid"
    tags = ("diagnostic",)
    bad = (Example("corslint", '[tool.corslint]\nexlude = ["migrations/**"]\n', "pyproject.toml"),)
    good = (Example("corslint", '[tool.corslint]\nexclude = ["migrations/**"]\n', "pyproject.toml"),)
