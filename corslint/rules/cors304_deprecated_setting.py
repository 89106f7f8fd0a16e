from collections.abc import Iterator

from corslint.findings import Finding, Level
from corslint.rules.base import DJANGO_WIRED, Example, PolicyProbe, Rule


class DeprecatedSetting(Rule):
    """
    ## What it does
    Finds deprecated setting names and options, such as django-cors-headers'
    `CORS_ORIGIN_WHITELIST`, `CORS_ORIGIN_ALLOW_ALL` and `CORS_ORIGIN_REGEX_WHITELIST`.

    ## Why is this bad?
    The old names still work today through aliases, which is exactly the trap: when both
    the old and the new name are set, only one of them takes effect, and a reader who
    edits the other changes nothing. Aliases are also removed in major releases, at which
    point the setting silently stops applying.

    ## Example
    ```python
    CORS_ORIGIN_WHITELIST = ["https://app.example.com"]
    ```

    ## Use instead
    ```python
    CORS_ALLOWED_ORIGINS = ["https://app.example.com"]
    ```

    **Fix:** Safe: `--fix` renames a deprecated django-cors-headers setting to its current name
    (`CORS_ORIGIN_WHITELIST` to `CORS_ALLOWED_ORIGINS`, `CORS_ORIGIN_ALLOW_ALL` to
    `CORS_ALLOW_ALL_ORIGINS`, ...), which the library reads the same way. There is no fix
    where the new name is also set (the old one is then ignored, and which was meant is
    the author's call) or where the file uses the old name again.

    ## References
    - django-cors-headers changelog (3.5.0 renames): https://github.com/adamchainz/django-cors-headers/blob/main/CHANGELOG.rst
    """

    id = "CORS304"
    name = "deprecated-setting"
    level = Level.NOTE
    summary = "A deprecated CORS setting name or option is used"
    tags = ("maintainability",)
    judges_inactive = True
    bad = (
        Example(
            "django",
            DJANGO_WIRED + 'CORS_ORIGIN_WHITELIST = ["https://app.example.com"]\n',
        ),
    )
    good = (
        Example(
            "django",
            DJANGO_WIRED + 'CORS_ALLOWED_ORIGINS = ["https://app.example.com"]\n',
        ),
    )

    def check(self, probe: PolicyProbe) -> Iterator[Finding]:
        for evidence in probe.policy.evidence:
            if evidence.kind == "deprecated-option":
                yield self.finding(probe, evidence.location, f"{probe.display}: {evidence.detail}")
