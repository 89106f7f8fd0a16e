'use strict';
// Differential truth for corslint's Express models.
//
// Reads {"cases": [...]} as JSON on stdin. Each case is either
//   {"kind": "cors", "options": <serialised options>, "requests": [...]}
//     the real `cors` middleware with the options corslint *extracted*, or
//   {"kind": "handler", "preamble": "...", "handlers": [{"mount": "use", "source": "(req, res, next) => {...}"}], "requests": [...]}
//     self-contained middlewares ("use") and route handlers ("get", "options" ...) from
//     corslint's own test fixtures, registered in that order, or
//   {"kind": "node", "preamble": "...", "source": "(req, res) => {...}", "requests": [...]}
//     a plain Node http server's request handler (no express): a request it leaves
//     unanswered gets status 599 from the harness after 50 ms, with the headers it set;
//     one that throws gets 500 without headers, or
//   {"kind": "koa", "preamble": "...", "source": "async (ctx, next) => {...}", "requests": [...]}
//     a Koa middleware, with a last middleware that answers 200 to whatever reaches it, or
//   {"kind": "koa-cors", "options": <serialised options>, "requests": [...]}
//     the real `@koa/cors` middleware with the options corslint extracted, on the same Koa
//     app; a {"$function": ...} origin is then `(ctx) => ...`, returning the request's
//     Origin when corslint's classification admits it and "" otherwise; "package":
//     "koa2-cors" mounts that package (same options, its own behaviour) instead, or
//   {"kind": "fastify-cors", "options": <serialised options>, "requests": [...]}
//     the real `@fastify/cors` registered on a fastify app with GET/POST/PUT/PATCH/DELETE
//     routes on every path; a {"$function": ...} origin is the same callback as for `cors`,
//     a {"$delegator": {"style": "callback"|"promise", "options": {...}}} delegator hands
//     over the same options for every request; "package" and "fastify" name an older
//     major's npm alias (fastify-cors-8 on fastify-4); "routesPluginFirst" puts the routes in
//     a plugin registered before the CORS plugin. A registration error (an invalid `hook`)
//     answers every request with status 0, or
//   {"kind": "hono-cors", "options": <serialised options>, "mount": "/api/*", "requests": [...]}
//     Hono's `cors` mounted with app.use(mount or "*") in front of JSON routes for every
//     method on every path; a {"$function": ...} origin is `(origin) => origin | null`, or
//   {"kind": "hono", "preamble": "...", "source": "async (c, next) => {...}", "requests": [...]}
//     a fixture's own Hono middleware in front of the same routes, or
//   {"kind": "nextjs-cors", "options": <serialised options>, "requests": [...]}
//     a Next.js-style API route on a plain Node server: `await NextCors(req, res, options)`
//     with the real `nextjs-cors`, then 200 for whatever gets past it; a rejected promise
//     (an origin callback's error) answers 500, as Next.js does for a route that throws, or
//   {"kind": "micro-cors", "options": <serialised options>, "requests": [...]}
//     the real `micro-cors` wrapping a handler that answers 200 to every request (OPTIONS
//     too); a wrapper that throws answers 500 with the headers already set, as micro and
//     Next.js do, or
//   {"kind": "hapi-cors", "options": <serialised cors option>, "requests": [...]}
//     a hapi server whose `routes.cors` is the option (`true` or an object), with
//     GET/POST/PUT/PATCH/DELETE routes on every path answering "ok"; hapi answers OPTIONS
//     itself. A server that refuses the option at startup answers every request with 0.
// A "cors" case may say "mounts": ["get", "put"]: the middleware is then mounted on those
// routes' own methods (`app.get(path, cors(), ok)`), as a fixture mounts it, not app.use.
// The app behind the middleware has GET/POST/PUT/PATCH/DELETE routes on every path and no
// OPTIONS route, so an OPTIONS request the middleware lets through gets express's
// automatic answer. Every request goes to 127.0.0.1 only; the process stops by itself
// after answering (or after a hard timeout).
//
// Serialised values: {"$regex": [pattern, flags]} is a RegExp, built afresh for every
// request unless the case says "fresh": false (the `g` flag keeps state between calls);
// {"$function": {"kind", "allowed", "no_origin", "on_reject"}} is an origin callback that
// behaves as corslint classified the original.

const http = require('node:http');
const express = require('express');
const cors = require('cors');

const HARD_TIMEOUT_MS = 120000;
const killer = setTimeout(() => {
  process.stderr.write('harness: timed out\n');
  process.exit(3);
}, HARD_TIMEOUT_MS);
killer.unref();

function revive(value) {
  if (Array.isArray(value)) return value.map(revive);
  if (value && typeof value === 'object') {
    if (Array.isArray(value.$regex)) return new RegExp(value.$regex[0], value.$regex[1]);
    if (value.$function) return originFunction(value.$function);
    const out = {};
    for (const [key, item] of Object.entries(value)) out[key] = revive(item);
    return out;
  }
  return value;
}

function matches(origin, allowed) {
  if (Array.isArray(allowed)) return allowed.some((item) => matches(origin, item));
  if (typeof allowed === 'string') return origin === allowed;
  if (allowed instanceof RegExp) return allowed.test(origin);
  return !!allowed;
}

function originFunction(spec) {
  const allowed = revive(spec.allowed || []);
  return function origin(requestOrigin, callback) {
    if (spec.kind === 'reflect-all') return callback(null, true);
    if (spec.kind === 'deny-all') return callback(null, false);
    const ok = requestOrigin ? matches(requestOrigin, allowed) : spec.no_origin === 'allow';
    if (ok) return callback(null, true);
    if (spec.on_reject === 'error') return callback(new Error('Not allowed by CORS'));
    return callback(null, false);
  };
}

function nodeHandler(testCase) {
  // eslint-disable-next-line no-new-func
  const handler = new Function('require', `${testCase.preamble || ''}\nreturn (${testCase.source});`)(require);
  return (req, res) => {
    setTimeout(() => {
      if (!res.writableEnded) {
        if (!res.headersSent) res.statusCode = 599;
        res.end();
      }
    }, 50);
    try {
      handler(req, res);
    } catch (error) {
      // a real server process would crash here (no answer at all); the model says 500,
      // a failed request either way, and the harness lives on to answer the next one
      if (!res.headersSent) {
        for (const name of res.getHeaderNames()) res.removeHeader(name);
        res.statusCode = 500;
      }
      res.end();
    }
  };
}

function koaApp(testCase) {
  const Koa = require(testCase.package || 'koa');
  const app = new Koa();
  // eslint-disable-next-line no-new-func
  app.use(new Function('require', `${testCase.preamble || ''}\nreturn (${testCase.source});`)(require));
  app.use((ctx) => {
    ctx.status = 200; // the routes: every request that gets here is answered
    ctx.body = 'ok';
  });
  return app.callback();
}

function koaOriginFunction(spec) {
  const allowed = revive(spec.allowed || []);
  return function origin(ctx) {
    if (spec.kind === 'deny-all') return '';
    const requestOrigin = ctx.get('Origin');
    if (spec.kind === 'reflect-all') return requestOrigin;
    return requestOrigin && matches(requestOrigin, allowed) ? requestOrigin : '';
  };
}

function koaCorsApp(testCase) {
  const Koa = require('koa');
  const koaCors = require(testCase.package || '@koa/cors');
  const options = revive(testCase.options);
  const spec = testCase.options.origin && testCase.options.origin.$function;
  if (spec) options.origin = koaOriginFunction(spec);
  const app = new Koa();
  app.use(koaCors(options));
  app.use((ctx) => {
    ctx.status = 200; // the routes: every request that gets here is answered
    ctx.body = 'ok';
  });
  return app.callback();
}

function delegatorFunction(spec) {
  // the options are the same for every request; `style` is how the delegator hands them over
  const options = revive(spec.options);
  if (spec.style === 'promise') return async (req) => options;
  return (req, callback) => callback(null, options);
}

async function fastifyCorsApp(testCase) {
  // "package"/"fastify": an older major, installed under an npm alias (fastify-cors-8 ...)
  const Fastify = require(testCase.fastify || 'fastify');
  const fastifyCors = require(testCase.package || '@fastify/cors');
  let handler = null;
  const app = Fastify({
    serverFactory: (listener) => {
      handler = listener;
      return http.createServer(listener);
    },
  });
  const options = revive(testCase.options);
  if (testCase.options.delegator && testCase.options.delegator.$delegator) {
    options.delegator = delegatorFunction(testCase.options.delegator.$delegator);
  }
  const ok = async () => ({ ok: true }); // a JSON payload, as APIs send: the preSerialization hook runs for it
  const addRoutes = (instance) => {
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) instance.route({ method, url: '/*', handler: ok });
  };
  // "routesPluginFirst": the routes live in an encapsulated plugin registered before the CORS plugin
  if (testCase.routesPluginFirst) app.register(async (plugin) => addRoutes(plugin));
  app.register(fastifyCors, options);
  if (!testCase.routesPluginFirst) addRoutes(app);
  try {
    await app.ready();
  } catch (error) {
    return null; // a registration error: the server never starts
  }
  return handler;
}

function honoOriginFunction(spec) {
  const allowed = revive(spec.allowed || []);
  return (origin) => {
    if (spec.kind === 'deny-all') return null;
    if (spec.kind === 'reflect-all') return origin;
    return origin && matches(origin, allowed) ? origin : null;
  };
}

function honoApp(testCase) {
  // Hono's `cors` with the extracted options ("hono-cors"), or a fixture's own middleware
  // ("hono"), in front of JSON routes for every method but OPTIONS
  const { Hono } = require('hono');
  const app = new Hono();
  app.onError((error, c) => c.text('Internal Server Error', 500)); // Hono's own answer, without the log
  if (testCase.kind === 'hono') {
    // eslint-disable-next-line no-new-func
    app.use('*', new Function('require', `${testCase.preamble || ''}\nreturn (${testCase.source});`)(require));
  } else {
    const { cors: honoCors } = require('hono/cors');
    const options = revive(testCase.options);
    const spec = testCase.options.origin && testCase.options.origin.$function;
    if (spec) options.origin = honoOriginFunction(spec);
    app.use(testCase.mount || '*', honoCors(options));
  }
  for (const method of ['get', 'post', 'put', 'patch', 'delete']) app[method]('*', (c) => c.json({ ok: true }));
  // Hono answers Fetch Requests: a small bridge from node's http server to app.fetch
  return (req, res) => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) headers.set(name, value);
    const url = `http://${req.headers.host || '127.0.0.1'}${req.url}`;
    Promise.resolve(app.fetch(new Request(url, { method: req.method, headers })))
      .then(async (response) => {
        res.statusCode = response.status;
        response.headers.forEach((value, name) => res.setHeader(name, value));
        res.end(Buffer.from(await response.arrayBuffer()));
      })
      .catch(() => {
        res.statusCode = 597; // the bridge failed: never a status the model predicts
        res.end();
      });
  };
}

function nextCorsRoute(testCase) {
  const NextCors = require('nextjs-cors');
  // options written in the route are made afresh for every request (a RegExp's lastIndex too)
  return (req, res) => {
    NextCors(req, res, revive(testCase.options)).then(
      () => {
        res.statusCode = 200; // the route's own answer, for whatever nextjs-cors passes on
        res.end('ok');
      },
      () => {
        if (!res.headersSent) res.statusCode = 500;
        res.end();
      },
    );
  };
}

function microCorsHandler(testCase) {
  const cors = require('micro-cors')(revive(testCase.options));
  const handler = cors((req, res) => {
    res.statusCode = 200; // the wrapped handler answers every request, OPTIONS included
    res.end('ok');
  });
  return (req, res) => {
    try {
      handler(req, res);
    } catch (error) {
      res.statusCode = 500;
      res.end();
    }
  };
}

async function hapiApp(testCase) {
  const Hapi = require('@hapi/hapi');
  const listener = http.createServer();
  let server;
  try {
    server = Hapi.server({ listener, autoListen: false, routes: { cors: revive(testCase.options) } });
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
      server.route({ method, path: '/{p*}', handler: () => 'ok' });
    }
    await server.initialize();
  } catch (error) {
    return null; // hapi refused the options: the server never starts
  }
  return (req, res) => listener.emit('request', req, res);
}

function buildApp(testCase) {
  if (testCase.kind === 'hapi-cors') return hapiApp(testCase);
  if (testCase.kind === 'nextjs-cors') return nextCorsRoute(testCase);
  if (testCase.kind === 'micro-cors') return microCorsHandler(testCase);
  if (testCase.kind === 'hono-cors' || testCase.kind === 'hono') return honoApp(testCase);
  if (testCase.kind === 'fastify-cors') return fastifyCorsApp(testCase);
  if (testCase.kind === 'node') return nodeHandler(testCase);
  if (testCase.kind === 'koa') return koaApp(testCase);
  if (testCase.kind === 'koa-cors') return koaCorsApp(testCase);
  const app = express();
  if (testCase.kind === 'cors' && testCase.mounts) {
    for (const method of testCase.mounts) app[method](/.*/, cors(revive(testCase.options)), (req, res) => res.status(200).send('ok'));
  } else if (testCase.kind === 'cors') {
    if (testCase.fresh === false) {
      app.use(cors(revive(testCase.options)));
    } else {
      app.use((req, res, next) => cors(revive(testCase.options))(req, res, next));
    }
  } else {
    // eslint-disable-next-line no-new-func
    // "use" for middleware; a route handler is registered for its own method, as in the fixture
    for (const handler of testCase.handlers) {
      const middleware = new Function(`${testCase.preamble || ''}\nreturn (${handler.source});`)();
      if (handler.mount === 'use') app.use(middleware);
      else app[handler.mount](/.*/, middleware);
    }
  }
  const ok = (req, res) => res.status(200).send('ok');
  for (const verb of ['get', 'post', 'put', 'patch', 'delete']) app[verb](/.*/, ok);
  return app;
}

const { serveAndSend } = require('./send_request');

async function runCase(testCase) {
  const app = await buildApp(testCase);
  if (app === null) {
    return { name: testCase.name, responses: testCase.requests.map(() => ({ status: 0, headers: [] })) };
  }
  const responses = await serveAndSend(app, testCase.requests);
  return { name: testCase.name, responses };
}

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const results = [];
  for (const testCase of input.cases) results.push(await runCase(testCase));
  // exit only once the (piped, possibly large) output is flushed
  await new Promise((resolve) => process.stdout.write(JSON.stringify(results), resolve));
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`harness: ${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
  },
);
