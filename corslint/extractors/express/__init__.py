"""Express: the ``cors`` package's middleware and hand-written Access-Control-* headers.

Read with tree-sitter (see ``corslint.extractors.js``). For each ``cors(...)`` call the
extractor finds the options (a literal, a const object, an imported config module,
node-config), where the middleware is registered (``app.use``, ``app.use("/api", ...)``,
``router.use``, a route's own middleware, ``app.options``) and in which order relative to
the routes. Functions that write ``Access-Control-*`` headers themselves become
``express_headers`` policies.
"""
