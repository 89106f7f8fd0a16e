from corslint.findings import Level
from corslint.rules.base import Example, Rule


class UnsupportedCorsLibrary(Rule):
    """
    ## What it does
    Reports a CORS library or middleware that the code imports or registers but that
    corslint does not model yet, such as `@tinyhttp/cors`, `@fastify/cors` (NestJS on the
    Fastify adapter included), Hono's `cors` or cherrypy-cors. Its configuration was not checked.

    It stays on when `select` leaves it out: only `ignore` turns it off.

    ## Why is this bad?
    "No CORS problems found" should mean that the CORS configuration was read and judged.
    For a library corslint cannot read, nothing was judged: the note says so, so that a
    clean run is never mistaken for a clean bill of health.

    ## Example
    ```js
    const { App } = require("@tinyhttp/app");
    const cors = require("@tinyhttp/cors");

    const app = new App();
    app.use(cors({ credentials: true }));
    ```

    ## Use instead
    Review that configuration by hand (which origins may read responses, with or without
    credentials), and ignore the note on that line once reviewed
    (`// corslint: ignore[CORS003]`).

    ## References
    - corslint documentation: supported frameworks (README)
    """

    id = "CORS003"
    name = "unsupported-cors-library"
    level = Level.NOTE
    summary = "A CORS library corslint does not model is used, so its configuration was not checked"
    tags = ("diagnostic",)
    bad = (
        Example(
            "express",
            'const { App } = require("@tinyhttp/app");\nconst cors = require("@tinyhttp/cors");\n\n'
            "const app = new App();\napp.use(cors({ credentials: true }));\n",
            "server.js",
        ),
        Example(
            "starlette",
            "import cherrypy\nimport cherrypy_cors\n\ncherrypy_cors.install()\n"
            'cherrypy.config.update({"cors.expose.on": True})\n',
            "server.py",
        ),
    )
    good = (
        Example(
            "express",
            'const express = require("express");\nconst cors = require("cors");\n\n'
            'const app = express();\napp.use(cors({ origin: "https://app.example.com" }));\n',
            "server.js",
        ),
    )
