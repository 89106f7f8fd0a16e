// Differential truth for corslint's models of Node frameworks that configure CORS in a
// settings file of their own (tests/test_differential_node_frameworks.py).
//
// Reads {"cases": [...]} as JSON on stdin. Each case is
//   {"kind": "adonis", "config": {...}, "defineConfig": true|false, "requests": [...]}
//     a real AdonisJS 6 HTTP server (@adonisjs/core's Server, booted with a router that
//     answers "ok" to every method on every path) running the real @adonisjs/cors
//     middleware built from the config, passed through `defineConfig` when the fixture
//     wraps it so (its defaults fill in what is left out), or
//   {"kind": "strapi", "config": {...}, "legacy": true|false, "requests": [...]}
//     a Koa app running the real @koa/cors with the options Strapi's `strapi::cors`
//     middleware hands it (Strapi 5's defaults and its origin function, restated below
//     from packages/core/core/src/middlewares/cors.ts: Strapi itself is not installed).
//   {"kind": "sails", "config": {...}, "requests": [...]}
//     a real Sails 1.x app lifted with `security.cors` set to the config (models, sockets,
//     views and sessions off) and a route answering "ok" to every method on every path.
//   {"kind": "moleculer", "path": "/api", "cors": {...}, "requests": [...]}
//     a moleculer broker (no transporter) running a moleculer-web gateway on 127.0.0.1
//     with one route at the path whose `cors` is the (merged) options; no action exists,
//     so what gets past CORS is answered 404 by the gateway.
// Each request is {"method", "path", "headers"}; the answer {"status", "headers"}. A case
// whose server cannot start answers every request with status 0. Requests go to
// 127.0.0.1 only; the process stops by itself.

import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);
const HARD_TIMEOUT_MS = 120000;
setTimeout(() => process.exit(2), HARD_TIMEOUT_MS).unref();

async function adonisHandler(testCase) {
  const { AppFactory } = await import('@adonisjs/application/factories');
  const { ServerFactory } = await import('@adonisjs/core/factories/http');
  const { defineConfig } = await import('@adonisjs/cors');
  const { default: CorsMiddleware } = await import('@adonisjs/cors/cors_middleware');
  const config = testCase.defineConfig ? defineConfig(testCase.config) : { ...testCase.config };
  const cors = new CorsMiddleware(config);
  const app = new AppFactory().create(new URL('./', import.meta.url), () => {});
  await app.init();
  const server = new ServerFactory().merge({ app }).create();
  server.use([
    async () => ({
      default: class {
        handle(ctx, next) {
          return cors.handle(ctx, next);
        }
      },
    }),
  ]);
  server.getRouter().any('*', ({ response }) => response.send('ok'));
  await server.boot();
  return (req, res) => server.handle(req, res);
}

// Strapi's `strapi::cors`: its defaults under the configured values, then @koa/cors with
// an origin function that answers "*" without an Origin. Before 5.20 ("legacy": true) it
// matches an array or a comma-separated string exactly and otherwise returns the
// configured string as it is; since 5.20 (`matchOrigin`) a "*" anywhere, or no origin
// at all, echoes the Origin, and anything else is an exact match.
const STRAPI_DEFAULTS = {
  origin: '*',
  maxAge: 31536000,
  credentials: true,
  methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'],
  headers: ['Content-Type', 'Authorization', 'Origin', 'Accept'],
  keepHeadersOnError: false,
};

function strapiHandler(testCase) {
  const Koa = require('koa');
  // Strapi 4.0-4.3.6 installs @koa/cors 3.1.0, which sends "*" as written beside credentials
  const koaCors = require(testCase.koaCors31 ? 'koa-cors-3-1' : '@koa/cors');
  const settings = { ...STRAPI_DEFAULTS, ...testCase.config };
  const app = new Koa();
  app.use(
    koaCors({
      async origin(ctx) {
        const requested = ctx.get('Origin');
        if (!requested) return '*';
        const configured = settings.origin;
        if (!testCase.legacy) {
          let listed;
          if (Array.isArray(configured)) listed = configured;
          else if (configured === undefined || configured === null) listed = ['*'];
          else listed = configured.split(',').map((part) => part.trim());
          if (listed.includes('*')) return requested;
          return listed.includes(requested) ? requested : '';
        }
        if (Array.isArray(configured)) return configured.includes(requested) ? requested : '';
        const parts = configured.split(',').map((part) => part.trim());
        if (parts.length > 1) return parts.includes(requested) ? requested : '';
        return configured;
      },
      exposeHeaders: settings.expose,
      maxAge: settings.maxAge,
      credentials: settings.credentials,
      allowMethods: settings.methods,
      allowHeaders: settings.headers,
      keepHeadersOnError: settings.keepHeadersOnError,
    }),
  );
  app.use((ctx) => {
    ctx.body = 'ok';
  });
  return app.callback();
}

async function sailsServer(testCase) {
  // a lifted Sails app listens by itself: its port, and how to stop it
  const Sails = require('sails').constructor;
  const app = new Sails();
  const appPath = fs.mkdtempSync(path.join(os.tmpdir(), 'corslint-sails-'));
  const off = { grunt: false, orm: false, sockets: false, pubsub: false, views: false, session: false };
  await new Promise((resolve, reject) => {
    app.lift(
      {
        port: 0,
        appPath,
        environment: 'development',
        log: { level: 'silent' },
        globals: false,
        hooks: { ...off, i18n: false, blueprints: false, policies: false },
        security: { cors: testCase.config, csrf: false },
        routes: { '/*': (req, res) => res.send('ok') },
      },
      (error) => (error ? reject(error) : resolve()),
    );
  });
  const { port } = app.hooks.http.server.address();
  const stop = () =>
    new Promise((resolve) =>
      app.lower(() => {
        fs.rmSync(appPath, { recursive: true, force: true });
        resolve();
      }),
    );
  return { port, stop };
}

async function moleculerServer(testCase) {
  const { ServiceBroker } = require('moleculer');
  const ApiGateway = require('moleculer-web');
  const broker = new ServiceBroker({ logger: false, transporter: null });
  const gateway = broker.createService({
    name: 'api',
    mixins: [ApiGateway],
    settings: { port: 0, ip: '127.0.0.1', routes: [{ path: testCase.path, cors: testCase.cors }] },
  });
  await broker.start();
  return { port: gateway.server.address().port, stop: () => broker.stop() };
}

async function handlerFor(testCase) {
  if (testCase.kind === 'adonis') return adonisHandler(testCase);
  if (testCase.kind === 'strapi') return strapiHandler(testCase);
  throw new Error(`unknown kind ${testCase.kind}`);
}

function answer(port, request) {
  // a fresh connection per request: servers of earlier cases may have had the same port
  return new Promise((resolve, reject) => {
    const outgoing = http.request(
      { host: '127.0.0.1', port, method: request.method, path: request.path, headers: request.headers, agent: false },
      (response) => {
        response.resume();
        response.on('end', () => {
          const headers = Object.entries(response.headers)
            .filter(([name]) => name.startsWith('access-control-') || name === 'vary')
            .map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : value]);
          resolve({ status: response.statusCode, headers });
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end();
  });
}

async function runListeningCase(testCase, start) {
  // frameworks that open their own server (Sails, moleculer-web)
  let server;
  try {
    server = await start(testCase);
  } catch (error) {
    process.stderr.write(`${testCase.name}: ${error}\n`);
    return testCase.requests.map(() => ({ status: 0, headers: [] }));
  }
  const responses = [];
  try {
    for (const request of testCase.requests) responses.push(await answer(server.port, request));
  } finally {
    await server.stop();
  }
  return responses;
}

async function runCase(testCase) {
  if (testCase.kind === 'sails') return runListeningCase(testCase, sailsServer);
  if (testCase.kind === 'moleculer') return runListeningCase(testCase, moleculerServer);
  let handler;
  try {
    handler = await handlerFor(testCase);
  } catch (error) {
    process.stderr.write(`${testCase.name}: ${error}\n`);
    return testCase.requests.map(() => ({ status: 0, headers: [] }));
  }
  const server = http.createServer(handler);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  const responses = [];
  try {
    for (const request of testCase.requests) responses.push(await answer(port, request));
  } finally {
    server.close();
  }
  return responses;
}

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const { cases } = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const results = [];
  for (const testCase of cases) results.push({ name: testCase.name, responses: await runCase(testCase) });
  // exit once the whole answer is written (a pipe takes 64 KiB at a time)
  process.stdout.write(JSON.stringify(results), () => process.exit(0));
}

main();
