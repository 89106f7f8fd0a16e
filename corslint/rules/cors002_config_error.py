from corslint.findings import Level
from corslint.rules.base import Example, Rule


class ConfigError(Rule):
    """
    ## What it does
    Reports a rule id or prefix in corslint's own configuration (`[tool.corslint]` in
    `pyproject.toml`, or `.corslint.toml`) that does not exist. It stays on when `select`
    leaves it out: only `ignore` turns it off. A configuration that cannot be used at all
    (an unknown key, a value of the wrong kind, an empty rule id, a file that is not
    valid TOML) stops the run with exit code 2 instead, as ruff does.

    ## Why is this bad?
    A misspelt `ignore = ["CORS15"]` silently does nothing, so the run checks something
    other than what you think.

    ## Example
    ```toml
    [tool.corslint]
    ignore = ["CORS999"]
    ```

    ## Use instead
    ```toml
    [tool.corslint]
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
    bad = (Example("corslint", '[tool.corslint]\nignore = ["CORS999"]\n', "pyproject.toml"),)
    good = (Example("corslint", '[tool.corslint]\nignore = ["CORS105"]\n', "pyproject.toml"),)
