"""Node: the ``cors`` package's middleware, the wrappers that hand it their options, and
hand-written Access-Control-* headers.

Read with tree-sitter (see ``corslint.extractors.js``). For each ``cors(...)`` call the
extractor finds the options (a literal, a const object, an imported config module,
node-config), where the middleware is registered (``app.use``, ``app.use("/api", ...)``,
``router.use``, a route's own middleware, ``app.options``) and in which order relative to
the routes (`cors_layers`, `registrations`, `routes`). NestJS, Apollo Server, Socket.IO and
routing-controllers hand options to the same package (`wrappers`). Functions that write
``Access-Control-*`` headers themselves become policies of the server that runs them:
Express, Node's http server, Koa or Fastify (`handler_roles`, `handwritten`,
`handwritten_steps`, `request_inputs`).
"""
