#!/usr/bin/env node
// End-to-end test of the Roomcast admin page (/admin.html) in headless Debian Chromium (playwright-core).
//
//   node admin.e2e.mjs <baseUrl> [--screenshots <dir>] [--artifacts <dir>]
//
// Needs a fresh server of its own in dev mode with rates out of the way and a small send queue
// (AdminPageIT starts one), because it checks exact numbers. Without a token the page says an
// admin token is needed and shows no figures; a token without the admin claim and an invalid one
// are refused in words (403, 401); dev mode's button gets an admin token and the dashboard opens.
// Then real traffic: two roomcast.js clients in another page join a room and publish 10 messages,
// three handshakes are refused (no token, a bad token, room 0), and a member that never reads
// (a raw socket of this script) is flooded until the server closes it as a slow consumer. After
// each, the page shows the right numbers: connections, rooms with members and names, frames in,
// deliveries, their rates on the chart, refusals by code, slow-consumer closes, the instance.
// A second page at phone width opens with the token in its link (admin.html#token=...).
//
// Output: one `ok N - ...` line per check, then `PASS`/`FAIL` and `e2e: N passed, N failed`.
// Exit code 0 only when everything passed.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

// ---------------------------------------------------------------- arguments
const argv = process.argv.slice(2);
const option = (name) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };
const baseUrl = (argv.find((a) => /^https?:\/\//.test(a)) || process.env.ROOMCAST_BASE_URL || '').replace(/\/?$/, '/');
if (baseUrl === '/') {
  console.error('usage: node admin.e2e.mjs <baseUrl> [--screenshots <dir>] [--artifacts <dir>]');
  process.exit(2);
}
const screenshotDir = option('--screenshots');
const artifactDir = option('--artifacts') || fs.mkdtempSync(path.join(os.tmpdir(), 'roomcast-admin-e2e-'));
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const wsBase = baseUrl.replace(/^http/, 'ws');

const STEP_TIMEOUT = 45_000;   // generous: a busy 2-core machine
const ROOM = 4242;
const SLOW_ROOM = 4243;
const MESSAGES = 10;
/** Lines of 16 KB: the small send queue and the socket buffers of a member that reads nothing fill within a few hundred. */
const PADDING = 'p'.repeat(16_000);
const MAX_FLOOD_LINES = 20_000;

// ---------------------------------------------------------------- reporting
let passed = 0;
let failed = 0;
const t0 = Date.now();
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
const say = (line) => console.log(`[admin-e2e ${elapsed()}] ${line}`);

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

/** Tokens are credentials: keep them out of test logs. */
const redact = (text) => text.replace(/(access_token=|#token=)[^&'"\s]+/g, '$1<redacted>');

// ---------------------------------------------------------------- helpers

async function devToken(body) {
  const response = await fetch(`${baseUrl}api/dev/tokens`, { method: 'POST', body: JSON.stringify(body) });
  assert(response.ok, `POST /api/dev/tokens ${JSON.stringify(body)} answered ${response.status}`);
  return (await response.json()).token;
}

async function openPage(browser, name, viewport, url) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const pageErrors = [];
  const consoleErrors = [];
  // An uncaught exception in the page is a bug, whatever the checks say.
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => { if (msg.type() === 'error') consoleErrors.push(redact(msg.text())); });
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  return { name, page, context, pageErrors, consoleErrors };
}

/** Waits until the element's text is exactly `want`; the message names what it showed instead. */
async function waitText(page, selector, want, timeout = STEP_TIMEOUT) {
  try {
    await page.waitForFunction(({ selector, want }) => document.querySelector(selector)?.textContent.trim() === want,
      { selector, want }, { timeout, polling: 100 });
  } catch (err) {
    const shown = await page.locator(selector).textContent().catch(() => '(missing)');
    throw new Error(`${selector} shows "${shown}", expected "${want}"`);
  }
}

/** Waits until a numeric attribute compares to `want` (op: 'eq', 'gt' or 'ge'); the page's CSP allows no eval. */
async function waitAttr(page, selector, name, op, want, timeout = STEP_TIMEOUT) {
  try {
    await page.waitForFunction(({ selector, name, op, want }) => {
      const raw = document.querySelector(selector)?.getAttribute(name);
      if (raw === null || raw === undefined || raw === '') return false;
      const v = Number(raw);
      return op === 'eq' ? v === want : (op === 'gt' ? v > want : v >= want);
    }, { selector, name, op, want }, { timeout, polling: 100 });
  } catch {
    const shown = await page.locator(selector).getAttribute(name).catch(() => '(missing)');
    throw new Error(`${selector}[${name}] is "${shown}", expected ${op} ${want}`);
  }
}

/** The page's row for a key (data-room, data-code, data-instance), as its cells' texts. */
async function rowCells(page, tbody, attr, key) {
  return page.locator(`#${tbody} tr[data-${attr}="${key}"] td`).allTextContents();
}

/** A refused handshake from the traffic page's browser: resolves when the socket has closed. */
function refusedHandshake(traffic, url) {
  return traffic.page.evaluate((url) => new Promise((resolve) => {
    const ws = new WebSocket(url);
    ws.onopen = () => resolve('opened');
    ws.onclose = () => resolve('closed');
  }), url);
}

/**
 * A chat member on a raw TCP socket that completes its handshake and then reads nothing: the server
 * fills its send queue and closes it as a slow consumer.
 */
function silentChatMember(room) {
  const url = new URL(`${baseUrl}ws/chat/${room}`);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname);
    socket.on('error', () => {}); // the server resets it in the end: that is the point
    let head = '';
    socket.on('data', function onHead(chunk) {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onHead);
      socket.pause(); // from now on nothing is read: the kernel's buffers fill, then the server's queue
      if (head.startsWith('HTTP/1.1 101')) resolve(socket); else reject(new Error(`handshake: ${head.split('\r\n')[0]}`));
    });
    socket.write(`GET ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n`
      + 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n');
  });
}

// ---------------------------------------------------------------- the scenario
async function scenario(browser, pages) {
  const admin = await openPage(browser, 'admin', { width: 1280, height: 1000 }, `${baseUrl}admin.html`);
  pages.push(admin);
  const { page } = admin;

  await check('without a token the page says an admin token is needed and shows no figures', async () => {
    await page.locator('#gate-message', { hasText: 'administrators only' }).waitFor({ timeout: STEP_TIMEOUT });
    assert(await page.locator('#dashboard').isHidden(), 'the dashboard is shown without a token');
    assert(await page.locator('#gate-message').getAttribute('data-kind') === 'none', 'the gate should say "none"');
    await waitText(page, '#feed-label', 'Not connected');
  });

  await check('a valid token without the admin claim is refused in words (403), still no figures', async () => {
    await page.getByLabel('Admin token (JWT)').fill(await devToken({ user: 'alice' }));
    await page.getByLabel('Admin token (JWT)').press('Enter');
    await page.locator('#gate-message[data-kind="refused"]', { hasText: 'not an administrator' }).waitFor({ timeout: STEP_TIMEOUT });
    const text = await page.locator('#gate-message').textContent();
    assert(text.includes('403') && text.includes('roomcast_admin'), `the message should name 403 and the claim: ${text}`);
    assert(await page.locator('#dashboard').isHidden(), 'the dashboard is shown for a non-admin token');
    await waitText(page, '#feed-label', 'No admin access');
  });

  await check('an invalid token is refused in words (401)', async () => {
    await page.getByLabel('Admin token (JWT)').fill('not-a-jwt');
    await page.getByLabel('Admin token (JWT)').press('Enter');
    await page.locator('#gate-message[data-kind="refused"]', { hasText: 'did not accept this token' }).waitFor({ timeout: STEP_TIMEOUT });
    assert((await page.locator('#gate-message').textContent()).includes('401'), 'the message should name 401');
    assert(await page.locator('#dashboard').isHidden(), 'the dashboard is shown for an invalid token');
  });

  let instance;
  await check('dev mode\'s button gets an admin token: the dashboard opens on a quiet server', async () => {
    await page.getByRole('button', { name: 'Get a dev admin token' }).click();
    await page.locator('#dashboard').waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
    await page.locator('#feed[data-state="live"]').waitFor({ timeout: STEP_TIMEOUT });
    assert(await page.locator('#gate').isHidden(), 'the gate is still shown beside the dashboard');
    await waitText(page, '#fig-connections', '1');   // the page's own /ws/status
    await waitText(page, '#fig-rooms', '0');
    await waitText(page, '#fig-slow', '0');
    await waitText(page, '#fig-refusals', '0');
    await waitText(page, '#fig-deliveries', '0');
    assert(await page.locator('#rooms-empty').isVisible(), '"No room has members." should show');
    const status = await (await fetch(`${baseUrl}api/status`)).json();
    instance = status.instance;
    const cells = await rowCells(page, 'instances', 'instance', instance);
    assert(cells.length === 2 && cells[1] === '1', `instances table: ${cells}`);
    assert(await page.locator(`#instances tr[data-instance="${instance}"]`).getAttribute('data-self') === 'true',
      'the answering instance should be marked');
    await waitText(page, '#answering', instance);
  });

  const traffic = await openPage(browser, 'traffic', { width: 800, height: 600 }, `${baseUrl}admin.html`);
  pages.push(traffic);

  await check(`two roomcast.js clients join room ${ROOM} and publish ${MESSAGES} messages: the page shows them`, async () => {
    const acks = await traffic.page.evaluate(async ({ baseUrl, wsBase, room, messages }) => {
      const { connect } = await import(`${baseUrl}roomcast.js`);
      const token = async (user) => (await (await fetch(`${baseUrl}api/dev/tokens`,
        { method: 'POST', body: JSON.stringify({ user }) })).json()).token;
      window.alice = connect(`${wsBase}ws/auth`, { tokenProvider: () => token('alice') });
      window.bob = connect(`${wsBase}ws/auth`, { tokenProvider: () => token('bob') });
      await window.alice.join(room);
      await window.bob.join(room);
      let n = 0;
      for (let i = 0; i < messages; i++) {
        await window.alice.publish(room, `hello ${i}`);
        n += 1;
      }
      return n;
    }, { baseUrl, wsBase, room: ROOM, messages: MESSAGES });
    assert(acks === MESSAGES, `${acks} acks`);

    await waitText(page, '#fig-connections', '3');   // + alice and bob
    await waitText(page, '#fig-rooms', '1');
    await page.locator(`#rooms tr[data-room="${ROOM}"]`).waitFor({ timeout: STEP_TIMEOUT });
    await waitText(page, `#rooms tr[data-room="${ROOM}"] td.num`, '2');
    await waitText(page, `#rooms tr[data-room="${ROOM}"] td.names`, 'alice, bob');
    await waitText(page, '#fig-deliveries', String(MESSAGES * 2));       // each message to both members
    await waitText(page, '#fig-messages-in', String(2 + MESSAGES));      // two joins and the publishes
    assert(await page.locator('#rooms-empty').isHidden(), '"No room has members." still shows');
  });

  await check('the charts drew the traffic: deliveries per second above zero, 3 connections at the peak', async () => {
    await waitAttr(page, '#chart-rates', 'data-peak', 'gt', 0);
    await waitAttr(page, '#chart-connections', 'data-peak', 'eq', 3);
    await waitAttr(page, '#chart-rates', 'data-points', 'ge', 2);
  });

  await check('three refused handshakes show by code: missing_credentials, invalid_credentials, invalid_parameter', async () => {
    assert(await refusedHandshake(traffic, `${wsBase}ws/auth`) === 'closed', 'ws/auth without a token opened');
    assert(await refusedHandshake(traffic, `${wsBase}ws/auth?access_token=garbage`) === 'closed', 'a bad token opened');
    assert(await refusedHandshake(traffic, `${wsBase}ws/chat/0`) === 'closed', 'room 0 opened');
    await waitText(page, '#fig-refusals', '3');
    for (const code of ['missing_credentials', 'invalid_credentials', 'invalid_parameter']) {
      await waitText(page, `#refusals tr[data-code="${code}"] td.num`, '1');
    }
    await waitText(page, '#refusals tr[data-code="forbidden_origin"] td.num', '0');
    await waitText(page, '#fig-connections', '3');
  });

  await check('steady traffic shows as live rates: frames in and deliveries per second above zero', async () => {
    // Alice publishes 10 a second for 12 s (each to alice and bob): the rate tiles and the chart follow it.
    const pointsBefore = Number(await page.locator('#chart-rates').getAttribute('data-points'));
    await traffic.page.evaluate(({ room }) => {
      window.steady = (async () => {
        const until = Date.now() + 12_000;
        for (let i = 0; Date.now() < until; i++) {
          await window.alice.publish(room, `steady ${i}`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      })();
    }, { room: ROOM });
    for (const tile of ['#fig-in-rate', '#fig-out-rate']) {
      await page.waitForFunction((tile) => Number(document.querySelector(tile)?.textContent) > 0, tile,
        { timeout: STEP_TIMEOUT, polling: 100 });
    }
    await waitAttr(page, '#chart-rates', 'data-points', 'ge', pointsBefore + 16); // 8 s of it, both series
    if (screenshotDir) {
      fs.mkdirSync(screenshotDir, { recursive: true });
      await page.screenshot({ path: path.join(screenshotDir, 'admin-desktop.png'), fullPage: true });
      say(`    screenshot: ${path.join(screenshotDir, 'admin-desktop.png')}`);
    }
    await traffic.page.evaluate(() => window.steady);
  });

  await check('a member that reads nothing is closed as a slow consumer: the page counts it', async () => {
    const silent = await silentChatMember(SLOW_ROOM);
    try {
      await waitText(page, `#rooms tr[data-room="${SLOW_ROOM}"] td.num`, '1');
      await traffic.page.evaluate(({ url }) => new Promise((resolve, reject) => {
        const ws = new WebSocket(url);
        window.flooder = ws;
        ws.onopen = resolve;
        ws.onerror = () => reject(new Error('the flooder could not connect'));
      }), { url: `${wsBase}ws/chat/${SLOW_ROOM}` });
      await waitText(page, `#rooms tr[data-room="${SLOW_ROOM}"] td.num`, '2');
      // The flooder reads each line back before the next: it is never slow itself.
      let sent = 0;
      while (sent < MAX_FLOOD_LINES && (await page.locator('#fig-slow').textContent()) === '0') {
        sent += await traffic.page.evaluate(({ padding, batch }) => new Promise((resolve, reject) => {
          const ws = window.flooder;
          let i = 0;
          ws.onmessage = () => { i += 1; if (i === batch) resolve(batch); else ws.send(`${i} ${padding}`); };
          ws.onclose = (e) => reject(new Error(`the flooder was closed: ${e.code} ${e.reason}`));
          ws.send(`0 ${padding}`);
        }), { padding: PADDING, batch: 50 });
      }
      say(`    ${sent} lines of 16 KB until the slow consumer was closed`);
      await waitText(page, '#fig-slow', '1');
      assert(await page.locator('#fig-slow').getAttribute('data-alert') === 'true', 'slow-consumer closes should be marked');
      await waitText(page, `#rooms tr[data-room="${SLOW_ROOM}"] td.num`, '1');
    } finally {
      silent.destroy();
    }
  });

  await check('at phone width, a link with the token opens the dashboard and leaves no token in the address', async () => {
    const token = await devToken({ user: 'ops', admin: true });
    const phone = await openPage(browser, 'phone', { width: 390, height: 844 }, `${baseUrl}admin.html#token=${encodeURIComponent(token)}`);
    pages.push(phone);
    await phone.page.locator('#dashboard').waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
    await phone.page.locator('#feed[data-state="live"]').waitFor({ timeout: STEP_TIMEOUT });
    assert(!phone.page.url().includes('token='), 'the token is still in the address bar');
    await waitText(phone.page, '#fig-slow', '1');
    await waitText(phone.page, '#fig-refusals', '3');
    await phone.page.locator(`#rooms tr[data-room="${ROOM}"]`).waitFor({ timeout: STEP_TIMEOUT });
    await waitAttr(phone.page, '#chart-connections', 'data-points', 'ge', 5);
    if (screenshotDir) await phone.page.screenshot({ path: path.join(screenshotDir, 'admin-phone.png') });
  });

  await check('forgetting the token goes back to the gate, with no figures left on the page', async () => {
    await page.getByRole('button', { name: 'Forget the token' }).click();
    await page.locator('#gate-message', { hasText: 'token is forgotten' }).waitFor({ timeout: STEP_TIMEOUT });
    assert(await page.locator('#dashboard').isHidden(), 'the dashboard is still shown');
    await page.reload({ waitUntil: 'domcontentloaded' });
    await page.locator('#gate-message[data-kind="none"]').waitFor({ timeout: STEP_TIMEOUT });
  });

  await check('no uncaught error in any page', async () => {
    for (const p of pages) assert(p.pageErrors.length === 0, `${p.name}: ${p.pageErrors.join('; ')}`);
  });
}

// ---------------------------------------------------------------- main
async function main() {
  say(`base URL ${baseUrl}, chromium ${executablePath}`);
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
  const pages = [];
  try {
    await scenario(browser, pages);
  } catch (err) {
    say(`FAILED at "${err.step || 'setup'}": ${redact(err.message.split('\n')[0])}`);
    fs.mkdirSync(artifactDir, { recursive: true });
    for (const p of pages) {
      const file = path.join(artifactDir, `admin-failure-${p.name}.png`);
      await p.page.screenshot({ path: file, fullPage: true }).catch(() => {});
      say(`${p.name}'s screenshot: ${file}`);
    }
    if (!err.step) failed += 1;
  } finally {
    for (const p of pages) {
      if (p.consoleErrors.length) say(`${p.name}'s console errors (refused handshakes are expected): ${p.consoleErrors.length}`);
      for (const e of p.consoleErrors.slice(0, 10)) say(`    ${e}`);
    }
    await browser.close();
  }
  console.log(failed === 0 ? `PASS: admin page end-to-end (${passed} checks)` : 'FAIL: admin page end-to-end');
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

main().then((code) => process.exit(code), (err) => {
  console.log(`FAIL: ${redact(String(err.stack || err))}`);
  console.log(`e2e: ${passed} passed, ${failed + 1} failed`);
  process.exit(1);
});
