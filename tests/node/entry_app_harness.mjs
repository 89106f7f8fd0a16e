// Differential truth for a project's own Express or Koa entry module run as `node <entry>`
// runs it (tests/test_differential_imported_app_order.py): the entry module (a copy of a
// fixture placed inside tests/node, so that `express`, `koa` and the CORS packages resolve
// to the pinned ones) is imported with express's and Koa's `app.listen` replaced by one
// that keeps the app instead of opening a port; the app is then served on a free port and
// asked each request.
//
// Reads {"cases": [...]} as JSON on stdin; each case is {"name", "entry" (an absolute path),
// "requests"}. Prints [{"name", "responses": [{"status", "headers": [[name, value], ...]}]}].

import http from 'node:http';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import sendRequest from './send_request.js';

const { serveAndSend } = sendRequest;

const require = createRequire(import.meta.url);
const express = require('express');
const Koa = require('koa');

async function entryApp(entry) {
  const listens = [express.application.listen, Koa.prototype.listen];
  let kept = null;
  const server = { close() {}, on() { return this; }, address() { return null; } };
  express.application.listen = function keep() {
    kept = this;
    return server;
  };
  Koa.prototype.listen = function keep() {
    kept = this.callback();
    return server;
  };
  try {
    await import(pathToFileURL(entry).href);
  } finally {
    [express.application.listen, Koa.prototype.listen] = listens;
  }
  if (kept === null) throw new Error(`${entry} never called app.listen`);
  return kept;
}


async function main() {
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  const { cases } = JSON.parse(input);
  const results = [];
  for (const testCase of cases) {
    const responses = await serveAndSend(await entryApp(testCase.entry), testCase.requests);
    results.push({ name: testCase.name, responses });
  }
  await new Promise((resolve) => process.stdout.write(JSON.stringify(results), resolve));
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`entry harness: ${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
  },
);
