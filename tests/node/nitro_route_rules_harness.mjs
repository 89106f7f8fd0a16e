// Differential truth for corslint's model of Nitro / Nuxt `routeRules` headers
// (`nitro_route_rules`), on the real h3 1.15.11, radix3 1.1.2 and defu 6.1.7 that
// nitropack 2.13.6 runs them with.
//
// Reads {"cases": [...]} as JSON on stdin; each case is {"name", "config", "requests"}:
// `config` is the text of a nitro.config.* / nuxt.config.* file, evaluated with
// `defineNitroConfig` / `defineNuxtConfig` returning their argument (imports dropped, the
// default export returned). Its `routeRules` (a Nuxt config's top level, then `nitro.routeRules`)
// are normalised as nitropack's `normalizeRouteRules` does for headers (written out here: that
// function is not exported by nitropack): a leading slash on each key, and a truthy `cors`
// puts `access-control-allow-origin: *`, `-allow-methods: *`, `-allow-headers: *` and
// `-max-age: 0` before the rule's own `headers`. The app is then Nitro's route-rules
// handler: the first layer of an h3 app, matching the path with radix3's
// `toRouteMatcher(createRouter({routes})).matchAll`, merging with
// `defu({}, ...matches.reverse())` and calling h3's `setHeaders`; a last layer answers "ok"
// to every request (the routes behind it).

import { createRequire } from 'node:module';
import sendRequest from './send_request.js';

const { serveAndSend } = sendRequest;
const require = createRequire(import.meta.url);

function evaluate(text) {
  const body = text
    .replace(/^import [^\n]*\n/gm, '')
    .replace(/export default /, 'return ')
    .replace(/: string \| undefined/g, '');
  // eslint-disable-next-line no-new-func
  return new Function('defineNitroConfig', 'defineNuxtConfig', '__dirname', 'process', body)(
    (config) => config,
    (config) => config,
    '/app',
    { env: {} },
  );
}

function normalise(routeRules) {
  const normalised = {};
  for (const [key, rule] of Object.entries(routeRules || {})) {
    const path = key.startsWith('/') ? key : `/${key}`;
    const copy = { ...rule };
    if (rule.cors) {
      copy.headers = {
        'access-control-allow-origin': '*',
        'access-control-allow-methods': '*',
        'access-control-allow-headers': '*',
        'access-control-max-age': '0',
        ...copy.headers,
      };
    }
    normalised[path] = copy;
  }
  return normalised;
}

// A case's optional `middleware`: texts of server/middleware files (plain JS), each default
// export registered after the route-rules layer, as nitropack's createNitroApp does.
function middlewareHandler(text) {
  const h3 = require('h3');
  const body = text.replace(/^import [^\n]*\n/gm, '').replace(/export default /, 'return ');
  const names = Object.keys(h3).filter((name) => /^[A-Za-z_$][\w$]*$/.test(name));
  // eslint-disable-next-line no-new-func
  return new Function(...names, body)(...names.map((name) => h3[name]));
}

function app(config, middleware = []) {
  const h3 = require('h3');
  const { createRouter, toRouteMatcher } = require('radix3');
  const defu = require('defu').defu;
  const rules = { ...(config.nitro && config.nitro.routeRules), ...config.routeRules };
  const matcher = toRouteMatcher(createRouter({ routes: normalise(rules) }));
  const application = h3.createApp();
  application.use(
    h3.eventHandler((event) => {
      const merged = defu({}, ...matcher.matchAll(event.path.split('?')[0]).reverse());
      if (merged.headers) h3.setHeaders(event, merged.headers);
    }),
  );
  for (const text of middleware) application.use(middlewareHandler(text));
  application.use(h3.eventHandler(() => 'ok'));
  return h3.toNodeListener(application);
}

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const results = [];
  for (const testCase of input.cases) {
    results.push({ name: testCase.name, responses: await serveAndSend(app(evaluate(testCase.config), testCase.middleware), testCase.requests) });
  }
  await new Promise((resolve) => process.stdout.write(JSON.stringify(results), resolve));
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`nitro route rules harness: ${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
  },
);
