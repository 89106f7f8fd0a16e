// Differential truth for headers written in hosting configuration: which rules apply to a
// path and which headers a response for it gets, computed by the platforms' own code.
//
// stdin: {"cases": [{"name", "platform": "next"|"vercel"|"netlify", "dir"? (next: the
//   project), "file"? (vercel: vercel.json), "files"? (netlify: {"netlify.toml"?, "_headers"?}),
//   "paths": [...], "origins"? (next: [origin or null, ...])}]}
// stdout: [{"name", "error"?, "output"? (next), "rules": [source...], "paths": [{"path", "origin"? (next), "matched": [rule index...],
//   "conditional": [rule index...], "headers": [[name, value]...]}]}]
//
// next: next.config loaded by next's loadConfig + loadCustomRoutes; matched with next's
//   getPathMatch + modifyRouteRegex (as its router-server builds header routes) and its
//   matchHas on a request with each of "origins" (null: none); headers applied in order as resolve-routes applies them (compileNonPath when the
//   source has parameters); rules with has/missing are also listed as conditional.
// vercel: @vercel/routing-utils getTransformedRoutes (vercel.json `headers` -> routes with `src`),
//   matched as the `vercel dev` router matches them (case-insensitive, lower-cased names,
//   later values replacing earlier ones).
// netlify: @netlify/headers-parser parseAllHeaders (`_headers`, then netlify.toml), and
//   netlify-cli's headersForPath (every rule whose forRegExp matches, Object.assign).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseAllHeaders } from '@netlify/headers-parser';

const require = createRequire(import.meta.url);
const { getPathMatch } = require('next/dist/shared/lib/router/utils/path-match');
const { modifyRouteRegex } = require('next/dist/lib/redirect-status');
const { compileNonPath, matchHas } = require('next/dist/shared/lib/router/utils/prepare-destination');
const { getTransformedRoutes } = require('@vercel/routing-utils');
const loadConfig = require('next/dist/server/config').default;
const loadCustomRoutes = require('next/dist/lib/load-custom-routes').default;

// next.config.{js,mjs,ts} loaded and its headers() validated as `next build` does
async function nextRules(dir) {
  const config = await loadConfig('phase-production-server', dir, { silent: true });
  return { rules: (await loadCustomRoutes(config)).headers, output: config.output ?? null };
}

function nextCase(rules, paths, origins) {
  const routes = rules.map((rule) => ({
    rule,
    match: getPathMatch(rule.source, {
      strict: true,
      removeUnnamedParams: true,
      regexModifier: (regex) => modifyRouteRegex(regex, undefined),
      sensitive: false,
    }),
  }));
  return paths.flatMap((path) => origins.map((origin) => nextAnswer(routes, path, origin)));
}

// as resolve-routes: the path's params, then `has` / `missing` on the request (an Origin header)
function nextAnswer(routes, path, origin) {
  const req = { headers: origin === null ? {} : { origin } };
  const matched = [];
  const conditional = [];
  const headers = {};
  routes.forEach(({ rule, match }, index) => {
    let params = match(path);
    if (!params) return;
    if (rule.has || rule.missing) {
      conditional.push(index);
      const hasParams = matchHas(req, {}, rule.has, rule.missing);
      if (!hasParams) return;
      params = Object.assign(params, hasParams);
    }
    matched.push(index);
    const hasParams = Object.keys(params).length > 0;
    for (const header of rule.headers) {
      let { key, value } = header;
      if (hasParams) {
        key = compileNonPath(key, params);
        value = compileNonPath(value, params);
      }
      headers[key] = value;
    }
  });
  return { path, origin, matched, conditional, headers: setInOrder(headers) };
}

// res.setHeader for each key in order: names compared without regard to case, the last wins
function setInOrder(object) {
  const byName = new Map();
  for (const [key, value] of Object.entries(object)) {
    byName.delete(key.toLowerCase());
    byName.set(key.toLowerCase(), [key, value]);
  }
  return [...byName.values()];
}

function vercelCase(rules, paths) {
  const { routes, error } = getTransformedRoutes({ headers: structuredClone(rules) });
  if (error) throw new Error(error.message);
  return paths.map((path) => {
    const matched = [];
    const conditional = [];
    const combined = {};
    routes.forEach((route, index) => {
      const matcher = new RegExp(route.src, 'i');
      const match = matcher.exec(path) || matcher.exec(path.substring(1));
      if (!match) return;
      if (route.has || route.missing) {
        conditional.push(index);
        return;
      }
      matched.push(index);
      for (const [key, value] of Object.entries(route.headers)) {
        // the dev router's resolveRouteParameters: `$1` / `$name` from the match
        combined[key.toLowerCase()] = value.replace(/\$([1-9a-zA-Z]+)/g, (_, param) => {
          const named = match.groups && param in match.groups ? match.groups[param] : undefined;
          return named ?? match[parseInt(param, 10)] ?? '';
        });
      }
    });
    return { path, matched, conditional, headers: Object.entries(combined) };
  });
}

// vercel.json's legacy `routes`: normalised by getTransformedRoutes (`src` anchored), then
// matched in order as the `vercel dev` router does: a matching route adds its `headers`,
// and routing stops at the first matching route without `continue: true`. A rule is named
// by its `src` without anchors; phase markers (`handle`) are skipped.
function vercelLegacyCase(legacy, paths) {
  const { routes, error } = getTransformedRoutes({ routes: structuredClone(legacy) });
  if (error) throw new Error(error.message);
  const named = routes.filter((route) => route.src && route.headers);
  const rules = named.map((route) => route.src.replace(/^\^/, '').replace(/\$$/, ''));
  return {
    rules,
    paths: paths.map((path) => {
      const matched = [];
      const combined = {};
      for (const route of routes) {
        if (!route.src) continue;
        if (!new RegExp(route.src, 'i').test(path)) continue;
        if (route.headers) {
          matched.push(named.indexOf(route));
          for (const [key, value] of Object.entries(route.headers)) combined[key.toLowerCase()] = String(value);
        }
        if (!route.continue) break;
      }
      return { path, matched, conditional: [], headers: Object.entries(combined) };
    }),
  };
}

async function netlifyCase(files, paths) {
  const { headers, errors } = await parseAllHeaders({
    headersFiles: files._headers ? [files._headers] : [],
    netlifyConfigPath: files['netlify.toml'],
    minimal: false,
  });
  return {
    errors: errors.map((error) => error.message),
    rules: headers.map((rule) => rule.for),
    paths: paths.map((path) => {
      const matched = [];
      headers.forEach((rule, index) => {
        if (rule.forRegExp.test(path)) matched.push(index);
      });
      const applied = Object.assign({}, ...matched.map((index) => headers[index].values));
      return { path, matched, conditional: [], headers: setInOrder(applied) };
    }),
  };
}

async function main() {
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  const { cases } = JSON.parse(input);
  const results = [];
  for (const item of cases) {
    try {
      if (item.platform === 'next') {
        // `output: "export"`: next build applies no headers(), the paths are still reported
        const { rules, output } = await nextRules(item.dir);
        results.push({ name: item.name, output, rules: rules.map((rule) => rule.source), paths: nextCase(rules, item.paths, item.origins) });
      } else if (item.platform === 'vercel') {
        const { headers: rules = [], routes: legacy } = JSON.parse(readFileSync(item.file, 'utf8'));
        if (legacy) {
          results.push({ name: item.name, ...vercelLegacyCase(legacy, item.paths) });
        } else {
          results.push({ name: item.name, rules: rules.map((rule) => rule.source), paths: vercelCase(rules, item.paths) });
        }
      } else {
        results.push({ name: item.name, ...(await netlifyCase(item.files, item.paths)) });
      }
    } catch (error) {
      results.push({ name: item.name, error: String(error && error.message) });
    }
  }
  process.stdout.write(JSON.stringify(results));
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack));
  process.exit(1);
});
