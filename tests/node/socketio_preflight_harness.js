// Differential truth for corslint's reading of socket.io's `handlePreflightRequest` option
// (corslint/extractors/express/socketio_preflight_hooks.py) on the real socket.io 2.4.1
// (engine.io 3) and 4.8.1 (engine.io 6).
//
// Reads {"cases": [...]} as JSON on stdin; each case is {"name", "major" (2 or 4), "hook"
// (the absolute path of a module, and "export", the name of the hook it exports),
// "requests"}. A plain Node server gets a socket.io server of that major with
// `{ handlePreflightRequest: hook }`; requests to paths outside /socket.io/ reach the
// server's own handler (404).

const http = require('node:http');
const { serveAndSend } = require('./send_request.js');

function listener(testCase) {
  const hook = require(testCase.hook)[testCase.export];
  const server = http.createServer((req, res) => {
    res.writeHead(404);
    res.end('app');
  });
  const options = { handlePreflightRequest: hook };
  if (testCase.major === 2) require('socket.io-2')(server, options);
  else new (require('socket.io-4').Server)(server, options);
  // engine.io attaches its own `request` listener in front of the server's
  const listeners = server.listeners('request');
  return (req, res) => listeners.forEach((l) => l(req, res));
}

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const results = [];
  for (const testCase of input.cases) {
    results.push({ name: testCase.name, responses: await serveAndSend(listener(testCase), testCase.requests) });
  }
  await new Promise((resolve) => process.stdout.write(JSON.stringify(results), resolve));
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`socket.io preflight harness: ${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
  },
);
