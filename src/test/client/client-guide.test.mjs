// docs/CLIENT.md's Node example, run as it stands against the server under test: the
// block is taken from docs/CLIENT.md, only its `server` and `tokens` lines are pointed at this run's server
// and at a token issuer of the test's own (the server under test has no dev mode: it has a production
// key), roomcast.js is downloaded from the server as the block's first line says, and `node` runs it.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BASE, token } from './support.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const GUIDE = path.resolve(HERE, '../../../docs/CLIENT.md');
const SERVER_LINE = "const server = 'http://localhost:8080';";
const TOKENS_LINE = /^const tokens = .*$/m;

/** The client guide's Node block: the js block whose first line installs ws. */
function nodeExample() {
  const blocks = [...fs.readFileSync(GUIDE, 'utf8').matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
  const block = blocks.find((b) => b.startsWith('// npm install ws'));
  assert.ok(block, 'docs/CLIENT.md has a js block starting "// npm install ws"');
  return block;
}

/** An identity provider of the test's own: POST {"user":...} answers {"token":...}, as /api/dev/tokens does. */
async function tokenIssuer() {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ token: token(JSON.parse(body).user) }));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

function run(file, cwd) {
  return new Promise((resolve) => {
    execFile(process.execPath, [file], { cwd, timeout: 60000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (error.code ?? 'killed') : 0, stdout, stderr }));
  });
}

test('the client guide Node example publishes with absolute URLs and ws', async () => {
  const example = nodeExample();
  assert.ok(example.includes(SERVER_LINE), `the block sets ${SERVER_LINE}`);
  assert.match(example, TOKENS_LINE);
  const issuer = await tokenIssuer();
  // Inside src/test/client, so that the block's `import ... from 'ws'` finds this directory's ws.
  const dir = fs.mkdtempSync(path.join(HERE, '.readme-'));
  try {
    const module = await fetch(new URL('roomcast.js', BASE));
    assert.equal(module.status, 200);
    fs.writeFileSync(path.join(dir, 'roomcast.mjs'), await module.text());
    const server = BASE.replace(/\/$/, '');
    const script = example
      .replace(SERVER_LINE, `const server = '${server}';`)
      .replace(TOKENS_LINE, `const tokens = 'http://127.0.0.1:${issuer.address().port}/tokens';`);
    fs.writeFileSync(path.join(dir, 'example.mjs'), script);

    const result = await run('example.mjs', dir);

    assert.equal(result.code, 0, `node example.mjs failed:\n${result.stdout}\n${result.stderr}`);
    assert.match(result.stdout, /^published at offset \d+$/m);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    issuer.close();
  }
});
