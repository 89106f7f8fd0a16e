// Differential truth for a Fastify project's own app module (tests/test_differential_fastify_encapsulated_cors.py):
// the module (a copy of a fixture placed inside tests/node, so that `fastify` and `@fastify/cors`
// resolve to the pinned ones) default-exports a function building the app; the harness builds it,
// waits for its plugins, and asks each request through `app.inject` (no port is opened).
//
// Reads {"cases": [...]} as JSON on stdin; each case is {"name", "entry" (an absolute path),
// "requests": [{"method", "path", "headers"}]}. Prints [{"name", "responses": [{"status",
// "headers": [[name, value], ...]}]}].

import { pathToFileURL } from 'node:url';

async function answers(entry, requests) {
  const build = (await import(pathToFileURL(entry).href)).default;
  const app = await build();
  await app.ready();
  const responses = [];
  for (const request of requests) {
    const reply = await app.inject({ method: request.method, url: request.path, headers: request.headers });
    const headers = [];
    for (const [name, value] of Object.entries(reply.headers)) {
      for (const line of Array.isArray(value) ? value : [value]) headers.push([name, String(line)]);
    }
    responses.push({ status: reply.statusCode, headers });
  }
  await app.close();
  return responses;
}

async function main() {
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  const { cases } = JSON.parse(input);
  const results = [];
  for (const testCase of cases) {
    results.push({ name: testCase.name, responses: await answers(testCase.entry, testCase.requests) });
  }
  await new Promise((resolve) => process.stdout.write(JSON.stringify(results), resolve));
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`fastify app harness: ${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
  },
);
