// Differential truth for corslint's model of hand-written CORS headers in h3 handlers (Nuxt /
// Nitro server middleware, routes and utils), on h3 1.15.11 ("h3") and 2.0.8 ("h3-2").
//
// Reads {"cases": [...]} as JSON on stdin; each case is
//   {"kind": "h3-1" | "h3-2", "name", "preamble", "handlers": [{"source", "mount"}], "requests"}
// `preamble` (a util's functions) and each handler's `source` (an expression for the handler,
// `defineEventHandler(...)`) are evaluated with every h3 export in scope, as Nuxt and Nitro
// auto-import them. `mount` is "use" (server/middleware) or a route method ("all", "get",
// "post", ...: server/api files). After them, a last layer answers "ok" to every request (the
// rest of a Nitro app: Nuxt's renderer).
//   h3-1: createApp() served by Node's http server through toNodeListener (Node's own
//         ServerResponse, as Nitro's node preset runs it); routes on createRouter().
//   h3-2: new H3(), served through app.fetch; routes with app.on(method, "/**", handler), and
//         the last layer a catch-all route (2.x runs middleware before any route). A handler
//         mounted "app" is a module's own `new H3()` app, served as it is.

import http from 'node:http';
import { createRequire } from 'node:module';
import sendRequest from './send_request.js';

const { serveAndSend } = sendRequest;

const require = createRequire(import.meta.url);

function compile(exports, preamble, source) {
  const names = Object.keys(exports).filter((name) => /^[A-Za-z_$][\w$]*$/.test(name));
  // eslint-disable-next-line no-new-func
  const factory = new Function(...names, `${preamble || ''}\nreturn (${source});`);
  return factory(...names.map((name) => exports[name]));
}

function h3v1App(testCase) {
  const h3 = require('h3');
  const app = h3.createApp();
  const router = h3.createRouter();
  for (const handler of testCase.handlers) {
    const compiled = compile(h3, testCase.preamble, handler.source);
    if (handler.mount === 'use') app.use(compiled);
    else router.add('/**', compiled, handler.mount);
  }
  app.use(router);
  app.use(h3.defineEventHandler(() => 'ok'));
  return h3.toNodeListener(app);
}

async function h3v2App(testCase) {
  const h3 = await import('h3-2');
  if (testCase.handlers.length === 1 && testCase.handlers[0].mount === 'app') {
    // a module that builds its own `new H3()` app (`app.options(...)`, `app.post(...)`):
    // served as it is, unrouted requests answered by h3 itself (404)
    return compile(h3, testCase.preamble, testCase.handlers[0].source);
  }
  const app = new h3.H3();
  for (const handler of testCase.handlers) {
    const compiled = compile(h3, testCase.preamble, handler.source);
    if (handler.mount === 'use') app.use(compiled);
    else app.on(handler.mount === 'all' ? '' : handler.mount.toUpperCase(), '/**', compiled);
  }
  // 2.x runs every middleware before the route: the rest of the app is a catch-all route
  // (method routes of the same path come first)
  app.all('/**', () => 'ok');
  return app;
}


async function runNode(testCase) {
  return serveAndSend(h3v1App(testCase), testCase.requests);
}

async function runFetch(testCase) {
  const app = await h3v2App(testCase);
  const responses = [];
  for (const request of testCase.requests) {
    const response = await app.fetch(
      new Request(`http://localhost${request.path}`, { method: request.method, headers: request.headers }),
    );
    const headers = [];
    response.headers.forEach((value, name) => headers.push([name, value]));
    responses.push({ status: response.status, headers });
  }
  return responses;
}

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const results = [];
  for (const testCase of input.cases) {
    const responses = testCase.kind === 'h3-2' ? await runFetch(testCase) : await runNode(testCase);
    results.push({ name: testCase.name, responses });
  }
  await new Promise((resolve) => process.stdout.write(JSON.stringify(results), resolve));
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`h3 headers harness: ${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
  },
);
