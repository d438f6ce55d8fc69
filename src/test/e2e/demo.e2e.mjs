#!/usr/bin/env node
// End-to-end test of the Roomcast demo page in headless Debian Chromium (playwright-core).
//
//   node demo.e2e.mjs <baseUrl> [--no-restart] [--no-streams] [--screenshots <dir>] [--artifacts <dir>]
//
// Two pages (alice and bob) connect with the keyboard, join one room, see each
// other's presence and exchange messages both ways; protocol errors are shown in
// words. Then alice's network drops (the test sits between her page and the server,
// Playwright's routeWebSocket) while bob talks: on reconnecting her page rejoins with
// `since`, says "recovered 3 messages" and shows each of them once, although the test
// sends every message frame twice; after a longer absence (more than the server's
// history.size) it says "some messages may be missing" and its button loads the last
// messages from history. Then alice's network drops again and the server is restarted
// (a new epoch: the streams were in its memory); bob's page reconnects by itself and
// says messages may be missing, and bob talks while alice is still away. When alice
// comes back her page says the history started over, loads the new epoch's history by
// itself and shows bob's messages once each, in order, also when live ones follow.
// --no-streams (a server without room streams, e.g. mock-server.mjs) skips the recovery
// and history checks and expects "this server keeps no history" after the restart.
//
// Restart protocol (stdio): the script prints a line `RESTART_SERVER` and waits
// for a line `RESTARTED` on stdin; whoever runs it (DemoPageIT, or run-with-mock.mjs)
// restarts the server at the same address in between. --no-restart skips that phase.
//
// Output: one `ok N - ...` line per check, then `PASS`/`FAIL` and `e2e: N passed, N failed`.
// Exit code 0 only when everything passed.
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import {
  assert, createReport, executablePath, exitWith, finish, launchBrowser, parseArgs, redact, saveFailedPage,
  summariseConsoleErrors,
} from './lib/browser.mjs';

// ---------------------------------------------------------------- arguments
const { argv, option, baseUrl, artifactDir } = parseArgs(
  'node demo.e2e.mjs <baseUrl> [--no-restart] [--screenshots <dir>] [--artifacts <dir>]', 'roomcast-e2e-');
const doRestart = !argv.includes('--no-restart');
const streams = !argv.includes('--no-streams');
const screenshotDir = option('--screenshots');

const STEP_TIMEOUT = 45_000;             // generous: a freshly restarted JVM on a busy 2-core machine is slow
const RECONNECT_TIMEOUT = 120_000;         // roomcast.js's backoff is capped at 5 s; the rest is a cold server on a busy machine
const RESTART_TIMEOUT = 300_000;           // Payara Micro may take a while to boot on 2 cores
const room = 1000 + Math.floor(Math.random() * 9000);

// ---------------------------------------------------------------- reporting
const report = createReport('e2e');
const { say, check } = report;

// ---------------------------------------------------------------- the pages, seen as a user sees them
async function openUser(browser, name, viewport, { network } = {}) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const net = network ? await controlNetwork(page) : null;
  const problems = [];
  const pageErrors = [];
  // An uncaught exception in the page is a bug, whatever the checks say.
  page.on('pageerror', (err) => pageErrors.push(err.message));
  // Console errors are expected while the server is down (refused connections); they are summarised.
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(redact(msg.text())); });
  await page.goto(baseUrl, { waitUntil: 'domcontentloaded' });
  return { name, page, context, problems, pageErrors, net };
}

/**
 * Puts the test between the page and /ws/realtime: drop() closes the page's socket (and the
 * server's side of it) and refuses new ones until restore(); while duplicateMessages is on,
 * every `message` frame from the server reaches the page twice, as a replay overlapping what
 * the page saw would. Must be called before the page loads.
 */
async function controlNetwork(page) {
  const net = { up: true, duplicateMessages: false, links: new Set() };
  await page.routeWebSocket(/\/ws\/realtime/, (ws) => {
    if (!net.up) { ws.close({ code: 1001, reason: 'test: network down' }); return; }
    const server = ws.connectToServer();
    const link = { ws, server };
    net.links.add(link);
    server.onMessage((data) => {
      ws.send(data);
      if (net.duplicateMessages && typeof data === 'string' && data.includes('"type":"message"')) ws.send(data);
    });
    // With no onClose handlers, a close on either side is passed on to the other.
  });
  net.drop = async () => {
    net.up = false;
    for (const { ws, server } of net.links) {
      await ws.close({ code: 1001, reason: 'test: network down' }).catch(() => {});
      await server.close().catch(() => {});
    }
    net.links.clear();
  };
  net.restore = () => { net.up = true; };
  return net;
}

/** Keyboard only: type in the labelled field, press Enter. */
async function connect(user) {
  const { page } = user;
  await page.getByLabel('Name', { exact: true }).fill(user.name);
  await page.getByLabel('Name', { exact: true }).press('Enter');
  await waitLive(user, STEP_TIMEOUT);
}

async function joinRoom(user, id) {
  const { page } = user;
  await page.getByLabel('Room number', { exact: true }).fill(String(id));
  await page.getByLabel('Room number', { exact: true }).press('Enter');
  await page.locator(`#rooms li[data-room="${id}"][data-joined="true"]`).waitFor({ timeout: STEP_TIMEOUT });
}

async function sendText(user, text) {
  const box = user.page.getByLabel('Message', { exact: true });
  await box.fill(text);
  await box.press('Enter');
}

const waitLive = (user, timeout) =>
  user.page.locator('#conn[data-state="live"]').waitFor({ timeout });

const messageEntry = (user, from, text) =>
  user.page.locator(`#log li.message[data-from="${from}"]`, { hasText: text });

async function seesMessage(user, from, text) {
  await messageEntry(user, from, text).first().waitFor({ timeout: STEP_TIMEOUT });
}

/** How many entries of the log show this message (the page must show each message once). */
const timesShown = (user, from, text) => messageEntry(user, from, text).count();

async function noOffsetShownTwice(user, id) {
  const keys = await user.page.locator(`#log li.message[data-room="${id}"][data-offset]`)
    .evaluateAll((lis) => lis.map((li) => `${li.dataset.epoch}/${li.dataset.offset}`));
  const twice = keys.filter((k, i) => keys.indexOf(k) !== i);
  assert(twice.length === 0, `${user.name}'s page shows these (epoch/offset) twice: ${twice.join(', ')}`);
}

async function membersText(user, id) {
  return user.page.locator(`#rooms li[data-room="${id}"] .room-members`).innerText();
}

async function waitMembers(user, id, count) {
  await user.page.waitForFunction(
    ({ id, want }) => document.querySelector(`#rooms li[data-room="${id}"] .room-members`)?.textContent === want,
    { id, want: count === 1 ? '1 member' : `${count} members` }, { timeout: STEP_TIMEOUT });
}

async function alertText(user) {
  return (await user.page.locator('#alert').innerText()).trim();
}

/** The server restart is done by our parent: ask, then wait for its answer on stdin. */
function requestRestart() {
  return new Promise((resolve, reject) => {
    const rl = readline.createInterface({ input: process.stdin });
    const timer = setTimeout(() => { rl.close(); reject(new Error('no RESTARTED line on stdin in time')); }, RESTART_TIMEOUT);
    rl.on('line', (line) => {
      if (line.trim() === 'RESTARTED') { clearTimeout(timer); resolve(); rl.close(); }
    });
    rl.on('close', () => { clearTimeout(timer); reject(new Error('stdin closed before RESTARTED')); });
    console.log('RESTART_SERVER');
  });
}

// ---------------------------------------------------------------- the scenario
async function scenario(browser, users) {
  const [alice, bob] = users;
  await scenarioSteps(users, alice, bob);
  await check('no uncaught errors in the pages', async () => {
    const errors = users.flatMap((u) => u.pageErrors.map((e) => `${u.name}: ${e}`));
    assert(errors.length === 0, errors.join('; '));
  });
}

async function scenarioSteps(users, alice, bob) {

  await check('both pages load with labelled controls and show "Offline"', async () => {
    for (const u of users) {
      assert(await u.page.title() === 'Roomcast demo chat', `unexpected title on ${u.name}'s page`);
      assert(await u.page.locator('#conn-label').innerText() === 'Offline', 'indicator should start Offline');
    }
  });

  await check('status panel is fed by /ws/status', async () => {
    await alice.page.locator('#server-status[data-state="live"]').waitFor({ timeout: STEP_TIMEOUT });
    const connections = Number(await alice.page.locator('#status-connections').innerText());
    assert(connections >= 1, `connections should be a number >= 1, got ${connections}`);
  });

  await check('alice connects with the keyboard (Enter) and the indicator says Live', async () => {
    await connect(alice);
    assert(await alice.page.locator('#conn-label').innerText() === 'Live', 'label should read Live');
    const focused = await alice.page.evaluate(() => document.activeElement?.id);
    assert(focused === 'room', `focus should move to the room field, was on #${focused}`);
    const identity = await alice.page.locator('#identity').innerText();
    assert(identity.includes('alice'), `identity should name alice: "${identity}"`);
  });

  await check(`alice joins room ${room}; focus moves to the message box`, async () => {
    await joinRoom(alice, room);
    assert(await membersText(alice, room) === '1 member', 'alice should be alone at first');
    const focused = await alice.page.evaluate(() => document.activeElement?.id);
    assert(focused === 'message', `focus should be on the message box, was on #${focused}`);
  });

  await check('bob connects and joins the same room; both see 2 members', async () => {
    await connect(bob);
    await joinRoom(bob, room);
    await waitMembers(bob, room, 2);
    await waitMembers(alice, room, 2);
  });

  await check('alice sees bob\'s presence (joined) in the log and in the room list', async () => {
    await alice.page.locator('#log li.presence-join', { hasText: `bob joined room ${room}` }).waitFor({ timeout: STEP_TIMEOUT });
    const seen = await alice.page.locator(`#rooms li[data-room="${room}"] .room-seen`).innerText();
    assert(seen.includes('bob'), `room list should mention bob: "${seen}"`);
  });

  const logBox = await alice.page.locator('#log').boundingBox();

  await check('alice -> bob: a message typed and sent with Enter arrives', async () => {
    await sendText(alice, 'Hello Bob, it is Alice');
    await seesMessage(bob, 'alice', 'Hello Bob, it is Alice');
    // The sender's copy is confirmed by the server's echo.
    await alice.page.locator('#log li.message.mine[data-delivery="delivered"]', { hasText: 'Hello Bob' }).waitFor({ timeout: STEP_TIMEOUT });
    assert(await alice.page.getByLabel('Message', { exact: true }).inputValue() === '', 'message box should be cleared');
  });

  await check('bob -> alice: the reply arrives', async () => {
    await sendText(bob, 'Hi Alice! Bob here.');
    await seesMessage(alice, 'bob', 'Hi Alice! Bob here.');
  });

  await check('markup in messages is shown as text, not run', async () => {
    await sendText(bob, '<b>bold?</b> <img src=x onerror=alert(1)>');
    await seesMessage(alice, 'bob', '<b>bold?</b>');
    assert(await alice.page.locator('#log img').count() === 0, 'an <img> element was created from message text');
  });

  await check('more chat: the log scrolls inside a fixed box, nothing jumps', async () => {
    const conversation = [
      [alice, 'Did the deploy go out?'],
      [bob, 'Yes, Payara Micro came up in a few seconds.'],
      [alice, 'Nice. Are the heartbeats every 2 s on staging?'],
      [bob, 'They are. The dot next to "Live" shows the last one.'],
      [alice, 'And if I pull the plug?'],
      [bob, 'It says "Reconnecting", backs off, and rejoins your rooms.'],
      [alice, 'With a note that messages may have been missed?'],
      [bob, 'Exactly, and it replays what you missed.'],
      [alice, 'Good. Let us try a restart later.'],
      [bob, 'Deal.'],
    ];
    for (const [user, text] of conversation) await sendText(user, text);
    await seesMessage(alice, 'bob', 'Deal.');
    await seesMessage(bob, 'bob', 'Deal.');
    const after = await alice.page.locator('#log').boundingBox();
    assert(after.y === logBox.y && after.height === logBox.height,
      `log box moved or grew: ${JSON.stringify(logBox)} -> ${JSON.stringify(after)}`);
    const scrolled = await alice.page.evaluate(() => {
      const log = document.getElementById('log');
      return log.scrollHeight > log.clientHeight && log.scrollHeight - log.scrollTop - log.clientHeight < 40;
    });
    assert(scrolled, 'the log should scroll and follow the newest message');
  });

  await check('phone width: no horizontal scrolling on bob\'s 390 px page', async () => {
    const widths = await bob.page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    assert(widths[0] <= widths[1], `page is ${widths[0]} px wide in a ${widths[1]} px window`);
  });

  await check('status panel counts the live sessions', async () => {
    // 2 chat + 2 status sessions at least (other tests may add more).
    await alice.page.waitForFunction(() => Number(document.getElementById('status-connections').textContent) >= 4, null, { timeout: STEP_TIMEOUT });
    const rooms = Number(await alice.page.locator('#status-rooms').innerText());
    assert(rooms >= 1, `rooms should be >= 1, got ${rooms}`);
  });

  await check('protocol errors are shown in words (not_member, invalid_message, invalid_json)', async () => {
    const cases = [
      [{ type: 'message', room: room + 1, text: 'not in that room', ref: 'e1' }, 'not_member', 'not in that room'],
      [{ type: 'PING' }, 'invalid_message', 'malformed'],
    ];
    for (const [frame, code, words] of cases) {
      await alice.page.evaluate((f) => window.roomcast.send(f), frame);
      await alice.page.locator(`#log li.error[data-code="${code}"]`).first().waitFor({ timeout: STEP_TIMEOUT });
      const text = await alertText(alice);
      assert(text.toLowerCase().includes(words.toLowerCase()), `alert for ${code} should say "${words}": "${text}"`);
    }
    await alice.page.evaluate(() => window.roomcast.sendRaw('this is not JSON'));
    await alice.page.locator('#log li.error[data-code="invalid_json"]').first().waitFor({ timeout: STEP_TIMEOUT });
    assert((await alertText(alice)).includes('not JSON'), 'invalid_json should be explained');
    assert(await alice.page.locator('#conn-label').innerText() === 'Live', 'errors must not drop the connection');
  });

  await check('a blank message is not sent (checked before it reaches the server)', async () => {
    await bob.page.getByLabel('Message', { exact: true }).fill('   ');
    await bob.page.getByLabel('Message', { exact: true }).press('Enter');
    assert(await bob.page.locator('#log li.message.mine', { hasText: /^\s*$/ }).count() === 0, 'blank message was sent');
    await bob.page.getByLabel('Message', { exact: true }).fill('');
  });

  if (screenshotDir) {
    await check(`screenshots written to ${screenshotDir}`, async () => {
      fs.mkdirSync(screenshotDir, { recursive: true });
      await sendText(alice, 'Screenshots coming up: say cheese!');
      await seesMessage(bob, 'alice', 'say cheese');
      await alice.page.locator('#message').blur();
      await bob.page.locator('#message').blur();
      await alice.page.screenshot({ path: path.join(screenshotDir, 'desktop.png') });
      await bob.page.screenshot({ path: path.join(screenshotDir, 'phone.png') });
    });
  }

  if (streams) await recoverySteps(alice, bob);
  if (!doRestart) return;
  await restartSteps(users, alice, bob);
}

// ---------------------------------------------------------------- alice away, bob talking

/** Her network drops (the test cuts her page's socket): her page says so. */
async function dropsOff(user) {
  const before = await user.page.locator('#log li.notice.disconnected').count();
  await user.net.drop();
  await user.page.locator('#log li.notice.disconnected').nth(before).waitFor({ timeout: STEP_TIMEOUT });
}

/** ...and the others see her leave the room. */
async function dropsOffSeenBy(user, other) {
  const leaves = other.page.locator('#log li.presence-leave', { hasText: `${user.name} left room ${room}` });
  const before = await leaves.count();
  await dropsOff(user);
  await leaves.nth(before).waitFor({ timeout: STEP_TIMEOUT });
}

/** Sends each text, then waits until the last one is confirmed by the server. */
async function says(user, texts) {
  for (const text of texts) await sendText(user, text);
  const last = texts[texts.length - 1];
  await user.page.locator('#log li.message.mine[data-delivery="delivered"]', { hasText: last }).waitFor({ timeout: STEP_TIMEOUT });
}

/** Back online; the "Retry now" button skips what is left of the backoff. */
async function comesBack(user, timeout = RECONNECT_TIMEOUT) {
  user.net.restore();
  const retry = user.page.locator('#retry-now');
  // The button shows only during a wait of a second or more: it may be gone by the time of the click.
  if (await retry.isVisible()) await retry.click({ timeout: 2000 }).catch(() => {});
  await waitLive(user, timeout);
  await user.page.locator(`#rooms li[data-room="${room}"][data-joined="true"]`).waitFor({ timeout: STEP_TIMEOUT });
}

/** Her own message, seen back: every frame sent to her page before it has been handled. */
async function fence(user, text) {
  await sendText(user, text);
  await user.page.locator('#log li.message.mine[data-delivery="delivered"]', { hasText: text }).waitFor({ timeout: STEP_TIMEOUT });
}

/** The texts of the log's entries, top to bottom, and where the first one containing `text` is. */
async function logOrder(user) {
  const lines = await user.page.locator('#log li.entry').evaluateAll((lis) => lis.map((li) => li.textContent));
  return (text) => lines.findIndex((line) => line.includes(text));
}

async function recoverySteps(alice, bob) {
  const net = alice.net;
  const recoveryNotice = (recovered) =>
    alice.page.locator(`#log li.notice.recovery[data-room="${room}"][data-recovered="${recovered}"]`);
  const aliceDropsOff = () => dropsOffSeenBy(alice, bob);
  const bobSays = (texts) => says(bob, texts);
  const aliceComesBack = () => comesBack(alice);

  const away = ['While you were away: one', 'While you were away: two', 'While you were away: three'];

  await check('alice\'s network drops; her page says so and bob sees her leave', async () => {
    await aliceDropsOff();
  });

  await check('bob says three things while alice is away', async () => {
    await bobSays(away);
  });

  await check('alice reconnects, rejoins with since and says "recovered 3 messages"', async () => {
    net.duplicateMessages = true;  // from here every message frame reaches alice's page twice
    await aliceComesBack();
    const notice = recoveryNotice(true).filter({ hasText: 'recovered 3 messages' });
    await notice.waitFor({ timeout: STEP_TIMEOUT });
    say(`  alice: "${(await notice.innerText()).trim()}"`);
  });

  await check('each missed message is shown once (sent twice on the wire), in order, after the notice', async () => {
    for (const text of away) await seesMessage(alice, 'bob', text);
    await sendText(bob, 'Welcome back, Alice');
    await seesMessage(alice, 'bob', 'Welcome back, Alice');
    await fence(alice, 'Thanks, I am back');
    for (const text of [...away, 'Welcome back, Alice']) {
      const n = await timesShown(alice, 'bob', text);
      assert(n === 1, `"${text}" is shown ${n} times on alice's page`);
    }
    assert(await timesShown(alice, 'alice', 'Thanks, I am back') === 1, 'alice\'s own message is shown twice');
    await noOffsetShownTwice(alice, room);
    const at = await logOrder(alice);
    const noticeAt = at('recovered 3 messages');
    assert(noticeAt < at(away[0]) && at(away[0]) < at(away[1]) && at(away[1]) < at(away[2]) && at(away[2]) < at('Welcome back, Alice'),
      'the recovered messages should follow the notice, in order, before the live ones');
    net.duplicateMessages = false;
  });

  // The server keeps 5 messages per room here (DemoPageIT: ROOMCAST_HISTORY_SIZE=5).
  const tooMany = Array.from({ length: 8 }, (_, i) => `Long absence, message ${i + 1}`);

  await check('alice drops off again; bob says 8 things, more than the server keeps for a rejoin', async () => {
    await aliceDropsOff();
    await bobSays(tooMany);
  });

  await check('alice rejoins: "some messages may be missing", with a button to load recent messages', async () => {
    await aliceComesBack();
    const notice = recoveryNotice(false).filter({ hasText: 'some messages may be missing' });
    await notice.waitFor({ timeout: STEP_TIMEOUT });
    say(`  alice: "${(await notice.innerText()).trim()}"`);
    await alice.page.getByRole('button', { name: `Load recent messages of room ${room}` }).waitFor({ timeout: STEP_TIMEOUT });
  });

  await check('the button loads the last 5 messages from history, once each, under the notice', async () => {
    // "Loaded 5" also proves none of them had been shown before: a message shown already is not counted.
    await alice.page.getByRole('button', { name: `Load recent messages of room ${room}` }).press('Enter');
    const notice = recoveryNotice(false).filter({ hasText: 'Loaded 5 messages from history' });
    await notice.waitFor({ timeout: STEP_TIMEOUT });
    say(`  alice: "${(await notice.innerText()).trim()}"`);
    await fence(alice, 'Did I miss anything?');
    for (const [i, text] of tooMany.entries()) {
      const want = i < 3 ? 0 : 1;  // the first 3 are no longer kept
      const n = await timesShown(alice, 'bob', text);
      assert(n === want, `"${text}" is shown ${n} times on alice's page, expected ${want}`);
    }
    await noOffsetShownTwice(alice, room);
    const at = await logOrder(alice);
    const loaded = tooMany.slice(3).map(at);
    assert(at('Loaded 5 messages') < loaded[0] && loaded.every((x, i) => i === 0 || loaded[i - 1] < x)
      && loaded[loaded.length - 1] < at('Did I miss anything?'),
      'the loaded messages should sit under the notice, in order, before what came after the rejoin');
  });
}

async function restartSteps(users, alice, bob) {
  const net = alice.net;
  const why = streams ? 'started over' : 'keeps no history';
  const restartNotice = (user) =>
    user.page.locator(`#log li.notice.recovery[data-room="${room}"][data-recovered="false"]`, { hasText: why });
  const whileAway = ['Said after the restart: one', 'Said after the restart: two', 'Said after the restart: three'];

  // ------------------------------------------------------------ alice away across a server restart
  await check('alice\'s network drops before the restart; her page says so and bob sees her leave', async () => {
    await dropsOffSeenBy(alice, bob);
  });

  await check('server restart requested and done (RESTART_SERVER / RESTARTED)', async () => {
    await requestRestart();
  });

  await check('bob\'s page noticed the outage and said so in plain words', async () => {
    const notice = bob.page.locator('#log li.notice.disconnected').first();
    await notice.waitFor({ timeout: RECONNECT_TIMEOUT });
    say(`  bob: "${(await notice.innerText()).trim()}"`);
  });

  await check('bob\'s page reconnects by itself and is Live again; alice\'s is still away', async () => {
    await waitLive(bob, RECONNECT_TIMEOUT);
    const aliceState = await alice.page.locator('#conn').getAttribute('data-state');
    assert(aliceState === 'reconnecting', `alice's page should still be reconnecting, is ${aliceState}`);
  });

  await check(`bob rejoined room ${room} alone; his notice says some messages may be missing: ${streams ? 'the history started over (new epoch)' : 'the server keeps no history'}`, async () => {
    await restartNotice(bob).first().waitFor({ timeout: STEP_TIMEOUT });
    assert((await restartNotice(bob).first().innerText()).includes('some messages may be missing'), 'bob\'s notice should say messages may be missing');
    await waitMembers(bob, room, 1);
  });

  await check('bob says three things while alice is away', async () => {
    await says(bob, whileAway);
  });

  await check(`alice comes back: her page reconnects by itself, rejoins, and says ${streams ? 'the history started over' : 'the server keeps no history'}`, async () => {
    if (streams) net.duplicateMessages = true;  // from here every message frame reaches alice's page twice
    await comesBack(alice);
    await restartNotice(alice).first().waitFor({ timeout: STEP_TIMEOUT });
    const text = (await restartNotice(alice).first().innerText()).trim();
    say(`  alice: "${text}"`);
    assert(text.includes('some messages may be missing'), 'alice\'s notice should say messages may be missing');
  });

  if (streams) {
    await check('alice\'s page loads the new history by itself: bob\'s three messages, once each, in order, under the notice', async () => {
      const loaded = restartNotice(alice).filter({ hasText: 'Loaded 3 messages from history' });
      await loaded.waitFor({ timeout: STEP_TIMEOUT });
      say(`  alice: "${(await loaded.innerText()).trim()}"`);
      for (const text of whileAway) {
        const n = await timesShown(alice, 'bob', text);
        assert(n === 1, `"${text}" is shown ${n} times on alice's page`);
      }
      const at = await logOrder(alice);
      assert(at('Loaded 3 messages from history') < at(whileAway[0]) && at(whileAway[0]) < at(whileAway[1]) && at(whileAway[1]) < at(whileAway[2]),
        'the loaded messages should sit under the notice, in order');
    });
  }

  await check(`both pages in room ${room} again (2 members each)`, async () => {
    await waitMembers(alice, room, 2);
    await waitMembers(bob, room, 2);
  });

  await check('messages flow again both ways after the restart', async () => {
    await sendText(alice, 'Still there, Bob? (after restart)');
    await seesMessage(bob, 'alice', 'Still there, Bob? (after restart)');
    await sendText(bob, 'Yes! Back again.');
    await seesMessage(alice, 'bob', 'Yes! Back again.');
  });

  if (streams) {
    await check('no message shown twice on alice\'s page when live ones follow the loaded history (sent twice on the wire)', async () => {
      await fence(alice, 'Good to have the history back');
      for (const text of [...whileAway, 'Yes! Back again.']) {
        const n = await timesShown(alice, 'bob', text);
        assert(n === 1, `"${text}" is shown ${n} times on alice's page`);
      }
      assert(await timesShown(alice, 'alice', 'Still there, Bob?') === 1, 'alice\'s own message is shown twice');
      await noOffsetShownTwice(alice, room);
      const at = await logOrder(alice);
      assert(at(whileAway[2]) < at('Yes! Back again.'), 'the live message should follow the loaded history');
      net.duplicateMessages = false;
    });
  }

  await check('status panel came back too', async () => {
    await alice.page.locator('#server-status[data-state="live"]').waitFor({ timeout: RECONNECT_TIMEOUT });
  });

  await check('presence after the restart: bob leaves, alice sees it', async () => {
    await bob.page.getByRole('button', { name: `Leave room ${room}` }).press('Enter');
    await alice.page.locator('#log li.presence-leave', { hasText: `bob left room ${room}` }).waitFor({ timeout: STEP_TIMEOUT });
    await waitMembers(alice, room, 1);
    await bob.page.locator(`#rooms li[data-room="${room}"]`).waitFor({ state: 'detached', timeout: STEP_TIMEOUT });
  });
}

// ---------------------------------------------------------------- main
async function main() {
  say(`base URL ${baseUrl}, room ${room}, chromium ${executablePath}, restart ${doRestart ? 'on' : 'off'}`);
  const browser = await launchBrowser();
  if (!browser) return 1;
  let users = [];
  try {
    users = [
      await openUser(browser, 'alice', { width: 1280, height: 800 }, { network: true }),
      await openUser(browser, 'bob', { width: 390, height: 844 }),
    ];
    await scenario(browser, users);
  } catch (err) {
    say(`FAILED at "${err.step || 'setup'}": ${err.message.split('\n')[0]}`);
    for (const u of users) await saveFailedPage(report, path.join(artifactDir, `failure-${u.name}.png`), u);
    if (!err.step) report.failed += 1;
  } finally {
    summariseConsoleErrors(report, users);
    await browser.close();
  }
  return finish(report, 'demo page end-to-end');
}

exitWith(main, report);
