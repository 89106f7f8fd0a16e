// Differential truth for corslint's models of the Fetch-API CORS packages: Elysia's
// @elysiajs/cors and itty-router's createCors (v4) / cors (v5).
//
// Reads {"cases": [...]} as JSON on stdin; each case is
//   {"kind": "elysia-cors" | "itty-cors-v4" | "itty-cors-v5" | "itty-cors" | "graphql-yoga", "name", "options", "requests"}
// and is answered by an app built with the real package and the options corslint
// extracted, in front of routes answering "ok" to GET/POST/PUT/PATCH/DELETE on every path
// (no OPTIONS route). Requests go straight to the app's fetch handler (`app.handle`,
// `router.fetch`), as Bun and Cloudflare Workers call it, so only the headers a request
// names are sent. Wiring, as the packages' docs and real apps write it:
//   elysia-cors:  new Elysia().use(cors(options)).get('/*', ok) ...
//   itty-cors-v4: Router(); router.all('*', preflight); routes; router.handle(req).then(corsify)
//   itty-cors:    the same, with createCors from the itty-cors package
//   graphql-yoga: createYoga({ schema, cors: options }) (its endpoint /graphql: other paths are 404)
//   itty-cors-v5: Router({ before: [preflight], finally: [corsify] }); routes
// Serialised values: {"$regex": [pattern, flags]} is a RegExp made once per case;
// {"$function": {"kind", "allowed"}} an origin function behaving as corslint classified the
// original (Elysia's gets the Request and returns true to admit it; itty-router v4's gets
// the Origin and returns a boolean; v5's returns the origin to send, or undefined).

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function matches(origin, allowed) {
  if (Array.isArray(allowed)) return allowed.some((item) => matches(origin, item));
  if (typeof allowed === 'string') return origin === allowed;
  if (allowed && allowed.$regex) return new RegExp(allowed.$regex[0], allowed.$regex[1]).test(origin);
  return !!allowed;
}

function admits(spec, origin) {
  if (spec.kind === 'reflect-all') return true;
  if (spec.kind === 'deny-all') return false;
  return !!origin && matches(origin, spec.allowed || []);
}

function revive(value, kind) {
  if (Array.isArray(value)) return value.map((item) => revive(item, kind));
  if (value && typeof value === 'object') {
    if (Array.isArray(value.$regex)) return new RegExp(value.$regex[0], value.$regex[1]);
    if (value.$function) {
      const spec = value.$function;
      if (kind === 'elysia-cors') return (request) => admits(spec, request.headers.get('origin'));
      if (kind === 'itty-cors-v4' || kind === 'itty-cors') return (origin) => admits(spec, origin);
      return (origin) => (admits(spec, origin) ? origin : undefined);
    }
    const out = {};
    for (const [key, item] of Object.entries(value)) out[key] = revive(item, kind);
    return out;
  }
  return value;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

async function elysiaApp(options) {
  const { Elysia } = await import('elysia');
  const { cors } = await import('@elysiajs/cors');
  const app = new Elysia().use(cors(options));
  for (const method of METHODS) app[method]('/*', () => 'ok');
  return (request) => app.handle(request);
}

function ittyV4App(options, packageName) {
  const { Router } = require('itty-router-4');
  const { createCors } = require(packageName);
  const { preflight, corsify } = createCors(options);
  const router = Router();
  router.all('*', preflight);
  for (const method of METHODS) router[method]('*', () => new Response('ok'));
  return (request) => router.handle(request).then(corsify);
}

function ittyV5App(options) {
  const { Router, cors } = require('itty-router');
  const { preflight, corsify } = cors(options);
  const router = Router({ before: [preflight], finally: [corsify] });
  for (const method of METHODS) router[method]('*', () => new Response('ok'));
  return (request) => router.fetch(request);
}

function yogaApp(options) {
  const { createYoga, createSchema } = require('graphql-yoga');
  const schema = createSchema({ typeDefs: 'type Query { ok: Boolean }', resolvers: { Query: { ok: () => true } } });
  const yoga = createYoga({ schema, cors: options, logging: false });
  return (request) => yoga.fetch(request);
}

async function buildApp(testCase) {
  const options = testCase.options === undefined ? undefined : revive(testCase.options, testCase.kind);
  if (testCase.kind === 'elysia-cors') return elysiaApp(options);
  if (testCase.kind === 'itty-cors-v4') return ittyV4App(options, 'itty-router-4');
  if (testCase.kind === 'itty-cors') return ittyV4App(options, 'itty-cors');
  if (testCase.kind === 'graphql-yoga') return yogaApp(options);
  if (testCase.kind === 'itty-cors-v5') return ittyV5App(options);
  throw new Error(`unknown kind ${testCase.kind}`);
}

async function runCase(testCase) {
  let app;
  try {
    app = await buildApp(testCase);
  } catch (error) {
    return { name: testCase.name, responses: testCase.requests.map(() => ({ status: 0, headers: [] })) };
  }
  const responses = [];
  for (const request of testCase.requests) {
    const url = `http://localhost${request.path}`;
    let response;
    try {
      response = await app(new Request(url, { method: request.method, headers: request.headers }));
    } catch (error) {
      responses.push({ status: 500, headers: [] }); // the runtime's answer to a handler that throws
      continue;
    }
    const headers = [];
    response.headers.forEach((value, name) => headers.push([name, value]));
    responses.push({ status: response ? response.status : 0, headers });
  }
  return { name: testCase.name, responses };
}

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const results = [];
for (const testCase of input.cases) results.push(await runCase(testCase));
await new Promise((resolve) => process.stdout.write(JSON.stringify(results), resolve));
process.exit(0);
