from collections.abc import Iterator

from corslint.findings import Finding, Level
from corslint.rules.base import EXPRESS_APP, Example, PolicyProbe, Rule


class StatefulOriginPattern(Rule):
    """
    ## What it does
    Finds origin patterns whose matching keeps state from one request to the next, so the
    same origin is allowed on one request and refused on the following one: a JavaScript
    `RegExp` with the `g` (global) or `y` (sticky) flag given to the `cors` package.

    ## Why is this bad?
    `cors` tests the request's Origin with `RegExp.prototype.test`. With `g` or `y`, a
    successful `test()` moves the pattern's `lastIndex` past the match, and the next call
    starts searching there: the next request from the same allowed origin finds nothing,
    gets no `Access-Control-Allow-Origin`, and the browser blocks it. The call after that
    succeeds again. The result is a front end whose API calls fail every other time, which
    no test with a single request catches.

    ## Example
    ```js
    app.use(cors({ origin: /^https:\\/\\/(app|admin)\\.example\\.com$/g }));
    ```

    ## Use instead
    ```js
    app.use(cors({ origin: /^https:\\/\\/(app|admin)\\.example\\.com$/ }));
    ```
    A pattern used only to test strings never needs `g` or `y`.

    ## References
    - MDN, RegExp.prototype.test() and lastIndex: https://developer.mozilla.org/docs/Web/JavaScript/Reference/Global_Objects/RegExp/test
    - cors package, configuring the origin: https://github.com/expressjs/cors#configuration-options
    """

    id = "CORS306"
    name = "stateful-origin-pattern"
    level = Level.WARNING
    summary = "The origin pattern keeps state between requests, so an allowed origin fails every other time"
    tags = ("correctness",)
    bad = (
        Example(
            "express",
            EXPRESS_APP + r"app.use(cors({ origin: /^https:\/\/(app|admin)\.example\.com$/g }));" + "\n",
        ),
    )
    good = (
        Example(
            "express",
            EXPRESS_APP + r"app.use(cors({ origin: /^https:\/\/(app|admin)\.example\.com$/ }));" + "\n",
        ),
    )

    def check(self, probe: PolicyProbe) -> Iterator[Finding]:
        for check in probe.framework.library_checks(probe.policy):
            if check.stateful:
                yield self.finding(probe, check.location, f"{probe.display} ({check.code}): {check.message}")
