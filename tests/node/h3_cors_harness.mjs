// Differential truth for corslint's model of h3's handleCors (h3 1.15.11 as "h3", 2.0.8 as
// "h3-2", pinned in package.json).
//
// Reads {"cases": [...]} as JSON on stdin; each case is
//   {"kind": "h3-1" | "h3-2", "name", "options", "preflightOnly", "requests"}
// and is answered by an app built with the real package, wired as real Nuxt/Nitro servers
// write it, in front of a handler answering "ok" to every method and path:
//   h3-1: createApp(); app.use(defineEventHandler((event) => { if (handleCors(event, options)) return; }))
//   h3-2: new H3(); app.use((event) => { const answer = handleCors(event, options); if (answer !== false) return answer; })
//   preflightOnly: `if (isPreflightRequest(event)) return handleCors(event, options)` instead.
// Requests go to the app's Fetch handler (toWebHandler for 1.x, app.fetch for 2.x).
// Serialised values: {"$regex": [pattern, flags]} is a RegExp made once per case;
// {"$function": {"kind", "allowed"}} an origin function of the Origin returning a boolean.

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function matches(origin, allowed) {
  if (Array.isArray(allowed)) return allowed.some((item) => matches(origin, item));
  if (typeof allowed === 'string') return origin === allowed;
  if (allowed && allowed.$regex) return new RegExp(allowed.$regex[0], allowed.$regex[1]).test(origin);
  return !!allowed;
}

function revive(value) {
  if (Array.isArray(value)) return value.map(revive);
  if (value && typeof value === 'object') {
    if (Array.isArray(value.$regex)) return new RegExp(value.$regex[0], value.$regex[1]);
    if (value.$function) {
      const spec = value.$function;
      if (spec.kind === 'reflect-all') return () => true;
      if (spec.kind === 'deny-all') return () => false;
      return (origin) => !!origin && matches(origin, spec.allowed || []);
    }
    const out = {};
    for (const [key, item] of Object.entries(value)) out[key] = revive(item);
    return out;
  }
  return value;
}

function h3v1App(options, preflightOnly) {
  const { createApp, defineEventHandler, handleCors, isPreflightRequest, toWebHandler } = require('h3');
  const app = createApp();
  app.use(
    defineEventHandler((event) => {
      if (preflightOnly) {
        if (isPreflightRequest(event)) return handleCors(event, options);
        return;
      }
      if (handleCors(event, options)) return;
    }),
  );
  app.use(defineEventHandler(() => 'ok'));
  return toWebHandler(app);
}

async function h3v2App(options, preflightOnly) {
  const { H3, handleCors, isPreflightRequest } = await import('h3-2');
  const app = new H3();
  app.use((event) => {
    if (preflightOnly && !isPreflightRequest(event)) return;
    const answer = handleCors(event, options);
    if (answer !== false) return answer;
  });
  app.all('/**', () => 'ok');
  return (request) => app.fetch(request);
}

async function buildApp(testCase) {
  const options = testCase.options === undefined ? undefined : revive(testCase.options);
  if (testCase.kind === 'h3-1') return h3v1App(options, testCase.preflightOnly);
  if (testCase.kind === 'h3-2') return h3v2App(options, testCase.preflightOnly);
  throw new Error(`unknown kind ${testCase.kind}`);
}

async function runCase(testCase) {
  const app = await buildApp(testCase);
  const responses = [];
  for (const request of testCase.requests) {
    const url = `http://localhost${request.path}`;
    let response;
    try {
      response = await app(new Request(url, { method: request.method, headers: request.headers }));
    } catch (error) {
      responses.push({ status: 500, headers: [] });
      continue;
    }
    const headers = [];
    response.headers.forEach((value, name) => headers.push([name, value]));
    responses.push({ status: response.status, headers });
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
