// Differential truth for corslint's model of a project's Fetch-API port of the `cors`
// package (frameworks/nextjs_cors.py, `fetch_cors_port`): the fixture's own port module is
// imported and called as its route handlers call it, `cors(request, response, options)`,
// with a handler response of 200 "ok".
//
// Reads {"cases": [...]} as JSON on stdin; each case is {"name", "module" (an absolute path
// to the port), "options", "requests"}; a {"$regex": [pattern, flags]} value is a RegExp.
// Prints [{"name", "responses": [{"status", "headers": [[name, value], ...]}]}].

import { pathToFileURL } from 'node:url';

function revive(value) {
  if (Array.isArray(value)) return value.map(revive);
  if (value && typeof value === 'object') {
    if (Array.isArray(value.$regex)) return new RegExp(value.$regex[0], value.$regex[1]);
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, revive(item)]));
  }
  return value;
}

async function main() {
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  const { cases } = JSON.parse(input);
  const results = [];
  for (const testCase of cases) {
    const { default: cors } = await import(pathToFileURL(testCase.module).href);
    const responses = [];
    for (const request of testCase.requests) {
      const sent = await cors(
        new Request(`http://localhost${request.path}`, { method: request.method, headers: request.headers }),
        new Response('ok', { status: 200 }),
        revive(testCase.options),
      );
      responses.push({ status: sent.status, headers: [...sent.headers.entries()] });
    }
    results.push({ name: testCase.name, responses });
  }
  process.stdout.write(JSON.stringify(results));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
