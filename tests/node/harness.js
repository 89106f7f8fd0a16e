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
//     a Koa middleware, with a last middleware that answers 200 to whatever reaches it.
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
  const Koa = require('koa');
  const app = new Koa();
  // eslint-disable-next-line no-new-func
  app.use(new Function('require', `${testCase.preamble || ''}\nreturn (${testCase.source});`)(require));
  app.use((ctx) => {
    ctx.status = 200; // the routes: every request that gets here is answered
    ctx.body = 'ok';
  });
  return app.callback();
}

function buildApp(testCase) {
  if (testCase.kind === 'node') return nodeHandler(testCase);
  if (testCase.kind === 'koa') return koaApp(testCase);
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

function send(port, request) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: request.method, path: request.path, headers: request.headers },
      (res) => {
        const headers = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) headers.push([res.rawHeaders[i], res.rawHeaders[i + 1]]);
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode, headers }));
      },
    );
    req.setTimeout(10000, () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end();
  });
}

async function runCase(testCase) {
  const app = buildApp(testCase);
  const server = http.createServer(app);
  server.keepAliveTimeout = 1;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  const responses = [];
  try {
    for (const request of testCase.requests) responses.push(await send(port, request));
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
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
