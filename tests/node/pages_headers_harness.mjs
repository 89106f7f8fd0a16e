// Differential truth for corslint's reading of a `_headers` file written for Cloudflare Pages:
// the real Pages asset server (@cloudflare/pages-shared 0.13.189, `dist/asset-server/handler.js`,
// its `generateHandler`) answers each request for a static asset with the header rules applied.
//
// Reads {"cases": [...]} as JSON on stdin; each case is {"name", "rules", "requests"}, `rules`
// the metadata Pages builds from `_headers` ({pattern: {"set": {name: value}}}, file order).
// Every requested path is an asset (a JSON file). The package comes from
// node_modules/@cloudflare/pages-shared, or the folder the PAGES_SHARED_DIR variable names
// (an unpacked `npm pack @cloudflare/pages-shared@0.13.189`: its handler imports nothing
// but node:path, so its miniflare dependency is not needed here).

import path from 'node:path';
import { pathToFileURL } from 'node:url';

const base = process.env.PAGES_SHARED_DIR
  || path.join(path.dirname(new URL(import.meta.url).pathname), 'node_modules', '@cloudflare', 'pages-shared');
const { generateHandler } = await import(pathToFileURL(path.join(base, 'dist', 'asset-server', 'handler.js')).href);

async function answer(rules, request) {
  const response = await generateHandler({
    request: new Request(`https://tides.pages.dev${request.path}`, { method: request.method, headers: request.headers }),
    metadata: { headers: { version: 2, rules } },
    findAssetEntryForPath: async (asset) => asset,
    getAssetKey: (entry) => entry,
    negotiateContent: () => ({ encoding: null }),
    fetchAsset: async () => ({ body: '{}', contentType: 'application/json' }),
    logError: () => {},
  });
  const headers = [];
  response.headers.forEach((value, name) => headers.push([name, value]));
  return { status: response.status, headers };
}

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const results = [];
  for (const testCase of input.cases) {
    const responses = [];
    for (const request of testCase.requests) responses.push(await answer(testCase.rules, request));
    results.push({ name: testCase.name, responses });
  }
  await new Promise((resolve) => process.stdout.write(JSON.stringify(results), resolve));
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`pages headers harness: ${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
  },
);
