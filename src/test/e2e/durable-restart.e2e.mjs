#!/usr/bin/env node
// The demo page across a crash of a server on the postgres store (PROTOCOL 14), in headless Debian
// Chromium (playwright-core):
//
//   node durable-restart.e2e.mjs <baseUrl> [--artifacts <dir>]
//
// alice's page connects, joins a room and sees bob's messages (bob is the caller's JSON client) and
// her own. The server is then killed (SIGKILL) while her page is connected; it reconnects by itself,
// but its attempts are refused (the test sits between the page and /ws/realtime, Playwright's
// routeWebSocket) until bob, on the restarted server, has published more with acks: so what she
// misses is known. Then her network is back and nothing else is done: the page must reconnect by
// itself, rejoin with `since`, and say "recovered N messages" for exactly bob's N, with no "history
// started over" (the epoch is the same), each message once, in order, all of one epoch.
//
// The caller (DemoPageDurableRestartIT) owns the server and bob's client; this script asks on stdout
// and waits for one answer line on stdin:
//   PUBLISH <room> <count> <label>  ->  PUBLISHED <JSON array of bob's acks: {text, epoch, offset}>
//   KILL_SERVER                     ->  KILLED      (SIGKILL of the server's own PID)
//   RESTART_SERVER                  ->  RESTARTED   (same port, same database)
// or FAILED <why>, which fails the step.
//
// Output: one `ok N - ...` line per check, then `PASS`/`FAIL` and `e2e: N passed, N failed`.
// Exit code 0 only when everything passed.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

const argv = process.argv.slice(2);
const option = (name) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };
const baseUrl = (argv.find((a) => /^https?:\/\//.test(a)) || '').replace(/\/?$/, '/');
if (baseUrl === '/') {
  console.error('usage: node durable-restart.e2e.mjs <baseUrl> [--artifacts <dir>]');
  process.exit(2);
}
const artifactDir = option('--artifacts') || fs.mkdtempSync(path.join(os.tmpdir(), 'roomcast-e2e-'));
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const STEP_TIMEOUT = 45_000;       // a freshly restarted JVM on a busy 2-core machine is slow
const RECONNECT_TIMEOUT = 120_000; // roomcast.js's backoff is capped at 5 s; the rest is a cold server
const CALLER_TIMEOUT = 300_000;    // a Payara Micro boot on 2 cores beside other tests
const room = 1000 + Math.floor(Math.random() * 9000);

// ---------------------------------------------------------------- reporting
let passed = 0;
let failed = 0;
const t0 = Date.now();
const say = (line) => console.log(`[e2e ${((Date.now() - t0) / 1000).toFixed(1)}s] ${line}`);

async function check(name, fn) {
  try {
    await fn();
    passed += 1;
    say(`ok ${passed} - ${name}`);
  } catch (err) {
    failed += 1;
    say(`not ok - ${name}`);
    throw Object.assign(err, { step: name });
  }
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

// ---------------------------------------------------------------- the caller, over stdio
const answers = [];
const waiting = [];
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const next = waiting.shift();
  if (next) next(line.trim());
  else answers.push(line.trim());
});

/** Prints a request and resolves with the caller's answer's rest after `word`. */
function ask(request, word) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer to ${request} within ${CALLER_TIMEOUT} ms`)), CALLER_TIMEOUT);
    const take = (line) => {
      clearTimeout(timer);
      if (line === word || line.startsWith(`${word} `)) resolve(line.slice(word.length).trim());
      else reject(new Error(`asked ${request}, the caller answered: ${line}`));
    };
    if (answers.length) take(answers.shift());
    else waiting.push(take);
    console.log(request);
  });
}

/** bob publishes `count` texts `<label> 1..count` and awaits each ack: [{text, epoch, offset}]. */
async function bobPublishes(count, label) {
  return JSON.parse(await ask(`PUBLISH ${room} ${count} ${label}`, 'PUBLISHED'));
}

// ---------------------------------------------------------------- the page
/**
 * Puts the test between the page and /ws/realtime: while `up` is false, new connections are refused
 * (closed with 1001) as an unreachable server's would be; open ones are left alone.
 */
async function controlNetwork(page) {
  const net = { up: true };
  await page.routeWebSocket(/\/ws\/realtime/, (ws) => {
    if (!net.up) { ws.close({ code: 1001, reason: 'test: network down' }); return; }
    ws.connectToServer(); // with no handlers, frames and closes pass through both ways
  });
  return net;
}

/** Tokens are credentials: keep them out of test logs. */
const redact = (text) => text.replace(/access_token=[^&'"\s]+/g, 'access_token=<redacted>');

async function openPage(browser, name) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const user = { name, page, pageErrors: [], problems: [] };
  user.net = await controlNetwork(page);
  page.on('pageerror', (err) => user.pageErrors.push(err.message));
  // Refused connections while the server is down are expected: summarised at the end.
  page.on('console', (msg) => { if (msg.type() === 'error') user.problems.push(redact(msg.text())); });
  await page.goto(baseUrl, { waitUntil: 'domcontentloaded' });
  return user;
}

const waitLive = (user, timeout = STEP_TIMEOUT) => user.page.locator('#conn[data-state="live"]').waitFor({ timeout });

async function sendText(user, text) {
  const box = user.page.getByLabel('Message', { exact: true });
  await box.fill(text);
  await box.press('Enter');
  await user.page.locator('#log li.message.mine[data-delivery="delivered"]', { hasText: text }).waitFor({ timeout: STEP_TIMEOUT });
}

/** The room's messages on the page, top to bottom: {from, text, epoch, offset}. */
function shownMessages(user) {
  return user.page.locator(`#log li.message[data-room="${room}"]`).evaluateAll((lis) => lis.map((li) => ({
    from: li.dataset.from,
    text: li.querySelector('.text').textContent,
    epoch: li.dataset.epoch,
    offset: li.dataset.offset === undefined ? null : Number(li.dataset.offset),
  })));
}

async function waitShown(user, from, text) {
  await user.page.locator(`#log li.message[data-room="${room}"][data-from="${from}"]`, { hasText: text })
    .first().waitFor({ timeout: STEP_TIMEOUT });
}

const recoveryNotices = (user, recovered) =>
  user.page.locator(`#log li.notice.recovery[data-room="${room}"][data-recovered="${recovered}"]`);

// ---------------------------------------------------------------- the scenario
async function scenario(alice) {
  const expected = [];  // what alice's page must show, in order: {from, text, epoch, offset}
  const fromBob = (acks) => acks.map((a) => ({ from: 'bob', text: a.text, epoch: a.epoch, offset: a.offset }));

  await check(`alice connects and joins room ${room}`, async () => {
    await alice.page.getByLabel('Name', { exact: true }).fill('alice');
    await alice.page.getByLabel('Name', { exact: true }).press('Enter');
    await waitLive(alice);
    await alice.page.getByLabel('Room number', { exact: true }).fill(String(room));
    await alice.page.getByLabel('Room number', { exact: true }).press('Enter');
    await alice.page.locator(`#rooms li[data-room="${room}"][data-joined="true"]`).waitFor({ timeout: STEP_TIMEOUT });
  });

  let epoch;
  await check('bob publishes 3 messages (acked); alice\'s page shows them, and she replies', async () => {
    const acks = await bobPublishes(3, 'Before the crash');
    epoch = acks[0].epoch;
    assert(acks.every((a, i) => a.epoch === epoch && a.offset === i + 1), `unexpected acks: ${JSON.stringify(acks)}`);
    for (const a of acks) await waitShown(alice, 'bob', a.text);
    expected.push(...fromBob(acks));
    await sendText(alice, 'Alice, before the crash');
    expected.push({ from: 'alice', text: 'Alice, before the crash', epoch, offset: 4 });
  });

  await check('the server is killed (SIGKILL); alice\'s page says it was disconnected and keeps trying', async () => {
    alice.net.up = false; // her page's next attempts are refused until bob has published after the restart
    const before = await alice.page.locator('#log li.notice.disconnected').count();
    await ask('KILL_SERVER', 'KILLED');
    await alice.page.locator('#log li.notice.disconnected').nth(before).waitFor({ timeout: RECONNECT_TIMEOUT });
    say(`  alice: "${(await alice.page.locator('#log li.notice.disconnected').nth(before).innerText()).trim()}"`);
    await alice.page.locator('#conn[data-state="reconnecting"]').waitFor({ timeout: STEP_TIMEOUT });
  });

  await check('restarted on the same port and database, bob publishes 4 messages with the same epoch, acked, while alice\'s page is reconnecting', async () => {
    await ask('RESTART_SERVER', 'RESTARTED');
    const acks = await bobPublishes(4, 'While alice was away');
    assert(acks.every((a, i) => a.epoch === epoch && a.offset === 5 + i),
      `the acks after the restart should continue epoch ${epoch} at offset 5: ${JSON.stringify(acks)}`);
    expected.push(...fromBob(acks));
    const state = await alice.page.locator('#conn').getAttribute('data-state');
    assert(state === 'reconnecting', `alice's page should still be reconnecting, is ${state}`);
  });

  await check('alice\'s network is back: her page reconnects by itself and says "recovered 4 messages"', async () => {
    alice.net.up = true; // no click on "Retry now": the page's own backoff brings it back
    await waitLive(alice, RECONNECT_TIMEOUT);
    const notice = recoveryNotices(alice, true).filter({ hasText: 'recovered 4 messages' });
    await notice.waitFor({ timeout: STEP_TIMEOUT });
    say(`  alice: "${(await notice.innerText()).trim()}"`);
  });

  await check('live messages follow: bob publishes one more, alice answers', async () => {
    const acks = await bobPublishes(1, 'Live after the recovery');
    assert(acks[0].epoch === epoch && acks[0].offset === 9, `unexpected ack: ${JSON.stringify(acks)}`);
    await waitShown(alice, 'bob', acks[0].text);
    expected.push(...fromBob(acks));
    await sendText(alice, 'Alice, back'); // also a fence: every frame before its echo has been handled
    expected.push({ from: 'alice', text: 'Alice, back', epoch, offset: 10 });
  });

  await check('no "history started over", no notice of missing messages, no problem shown', async () => {
    assert(await recoveryNotices(alice, false).count() === 0,
      `a notice of missing messages: ${await recoveryNotices(alice, false).allInnerTexts()}`);
    const log = await alice.page.locator('#log').innerText();
    assert(!log.includes('started over'), 'the log says the history started over');
    assert(await alice.page.locator('#log li.error').count() === 0,
      `errors in the log: ${await alice.page.locator('#log li.error').allInnerTexts()}`);
  });

  await check('every message shown exactly once, in order, all of one epoch, offsets 1..10', async () => {
    const shown = await shownMessages(alice);
    const line = (m) => `${m.from}: ${m.text} @${m.epoch}/${m.offset}`;
    assert(JSON.stringify(shown.map(line)) === JSON.stringify(expected.map(line)),
      `alice's page shows\n    ${shown.map(line).join('\n    ')}\nexpected\n    ${expected.map(line).join('\n    ')}`);
  });

  await check('the recovery notice sits between what came before the crash and the recovered messages', async () => {
    const lines = await alice.page.locator('#log li.entry').evaluateAll((lis) => lis.map((li) => li.textContent));
    const at = (text) => lines.findIndex((l) => l.includes(text));
    const notice = at('recovered 4 messages');
    assert(at('Alice, before the crash') < notice && notice < at('While alice was away 1'),
      'the notice should follow what was seen before the crash and precede the recovered messages');
  });

  await check('no uncaught errors in the page', async () => {
    assert(alice.pageErrors.length === 0, alice.pageErrors.join('; '));
  });
}

// ---------------------------------------------------------------- main
async function main() {
  say(`base URL ${baseUrl}, room ${room}, chromium ${executablePath}`);
  if (!fs.existsSync(executablePath)) {
    console.log(`FAIL: ${executablePath} not found (run src/test/e2e/setup.sh)`);
    console.log('e2e: 0 passed, 1 failed');
    return 1;
  }
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  let alice;
  try {
    alice = await openPage(browser, 'alice');
    await scenario(alice);
  } catch (err) {
    say(`FAILED at "${err.step || 'setup'}": ${err.message}`);
    if (alice) {
      fs.mkdirSync(artifactDir, { recursive: true });
      const file = path.join(artifactDir, 'durable-restart-alice.png');
      await alice.page.screenshot({ path: file }).catch(() => {});
      const log = await alice.page.locator('#log').innerText().catch(() => '(no log)');
      say(`alice's page log:\n${log.split('\n').map((l) => `    ${l}`).join('\n')}`);
      say(`alice's screenshot: ${file}`);
    }
    if (!err.step) failed += 1;
  } finally {
    if (alice) {
      const counts = new Map();
      for (const p of alice.problems) counts.set(p, (counts.get(p) || 0) + 1);
      if (counts.size) say('alice\'s browser console errors (expected while the server is down):');
      for (const [text, n] of counts) say(`    ${n}x ${text}`);
    }
    await browser.close();
  }
  console.log(failed === 0 ? `PASS: demo page across a restart on the postgres store (${passed} checks)` : 'FAIL: demo page across a restart on the postgres store');
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

main().then((code) => process.exit(code), (err) => {
  console.log(`FAIL: ${err.stack || err}`);
  console.log(`e2e: ${passed} passed, ${failed + 1} failed`);
  process.exit(1);
});
