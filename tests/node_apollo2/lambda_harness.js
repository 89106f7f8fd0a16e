// Runs handlers made by apollo-server-lambda's `createHandler` (exported by fixture files,
// whose `require('apollo-server-lambda')` resolves through NODE_PATH: this folder's
// node_modules for version 2, tests/node_apollo3's for version 3) on API Gateway proxy
// events, and prints the status and the CORS headers of each answer.
// Reads {"cases": [{"name", "file", "export", "requests": [{"method", "origin", "headers"}]}]}
// on stdin; prints {name: [{"status", "headers": {lower-case name: value}}, ...]}.
const path = require('path');

function call(handler, event) {
  // version 2 answers through the callback, version 3 through the promise it returns
  return new Promise((resolve, reject) => {
    const context = { functionName: 'harness' };
    const returned = handler(event, context, (error, result) => (error ? reject(error) : resolve(result)));
    if (returned && typeof returned.then === 'function') returned.then(resolve, reject);
  });
}

function corsHeaders(headers, multiValueHeaders) {
  const found = {};
  const pairs = [
    ...Object.entries(headers).map(([k, v]) => [k, String(v)]),
    ...Object.entries(multiValueHeaders).map(([k, v]) => [k, v.join(', ')]),
  ];
  for (const [key, value] of pairs) {
    const name = key.toLowerCase();
    if (name.startsWith('access-control-') || name === 'vary') found[name] = value;
  }
  return found;
}

async function main(input) {
  const out = {};
  for (const item of input.cases) {
    const handler = require(path.resolve(item.file))[item.export];
    const answers = [];
    for (const request of item.requests) {
      const headers = { ...request.headers };
      if (request.origin !== null) headers.Origin = request.origin;
      const post = request.method === 'POST';
      if (post) headers['Content-Type'] = 'application/json';
      const query = request.method === 'GET' ? { query: '{ __typename }' } : null;
      const result = await call(handler, {
        resource: '/graphql',
        path: '/graphql',
        httpMethod: request.method,
        headers,
        multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
        queryStringParameters: query,
        multiValueQueryStringParameters: query && { query: [query.query] },
        pathParameters: null,
        stageVariables: null,
        requestContext: { resourcePath: '/graphql', httpMethod: request.method, path: '/graphql', stage: 'dev', requestId: 'harness', identity: { sourceIp: '192.0.2.1' } },
        body: post ? JSON.stringify({ query: '{ __typename }' }) : null,
        isBase64Encoded: false,
      });
      answers.push({ status: result.statusCode, headers: corsHeaders(result.headers || {}, result.multiValueHeaders || {}) });
    }
    out[item.name] = answers;
  }
  return out;
}

let text = '';
process.stdin.on('data', (chunk) => { text += chunk; });
process.stdin.on('end', () => {
  main(JSON.parse(text))
    .then((out) => console.log(JSON.stringify(out)))
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
});
