"""Node: the ``cors`` package's middleware, the wrappers that hand it their options, the
other frameworks' CORS middleware, and hand-written Access-Control-* headers.

Read with tree-sitter (see ``corslint.extractors.js``). For each ``cors(...)`` call the
extractor finds the options (a literal, a const object, an imported config module,
node-config), where the middleware is registered (``app.use``, ``app.use("/api", ...)``,
``router.use``, a route's own middleware, ``app.options``) and in which order relative to
the routes (`cors_layers`, `registrations`, `routes`). NestJS, Apollo Server, Socket.IO and
routing-controllers hand options to the same package (`wrappers`). Functions that write
``Access-Control-*`` headers themselves become policies of the server that runs them:
Express, Node's http server, Koa, Fastify or Hono (`handler_roles`, `handwritten`,
`handwritten_steps`, `request_inputs`).

The other frameworks' middleware, read the same way: ``@koa/cors`` (`koa_cors`),
``@fastify/cors`` and NestJS on its Fastify adapter (`fastify_cors`, `wrappers`), Hono's
``cors`` (`hono_cors`); origin functions judged from what they return
(`returned_origins`). Headers written in configuration: Next.js ``headers()``
(`config_headers`) and ``vercel.json`` / ``netlify.toml`` / ``_headers``
(`static_headers`, its own entry in the registry).
"""
