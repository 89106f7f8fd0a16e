'use strict';
// One request to a harness server on 127.0.0.1: its status and raw header pairs, in order.
const http = require('http');

function send(port, request) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: request.method, path: request.path, headers: request.headers },
      (res) => {
        const headers = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) headers.push([res.rawHeaders[i], res.rawHeaders[i + 1]]);
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode, headers }));
      },
    );
    req.setTimeout(10000, () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end();
  });
}

// Each request to `listener` served on a fresh port, in order; the server closed after.
async function serveAndSend(listener, requests) {
  const server = http.createServer(listener);
  server.keepAliveTimeout = 1;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  const responses = [];
  try {
    for (const request of requests) responses.push(await send(port, request));
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  return responses;
}

module.exports = { send, serveAndSend };
