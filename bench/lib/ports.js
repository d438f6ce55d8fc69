'use strict';
// Free loopback ports for the servers the bench starts (run-all.js, cluster.sh).

const net = require('net');

function portFree(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, host, () => s.close(() => resolve(true)));
  });
}

/** The first `count` free ports from `start` upward, within `span` ports, skipping `avoid`; null if fewer. */
async function freePorts(start, count, { span = 200, avoid = [], host = '127.0.0.1' } = {}) {
  const got = [];
  for (let p = start; p < start + span && got.length < count; p++) {
    if (!avoid.includes(p) && (await portFree(p, host))) got.push(p);
  }
  return got.length === count ? got : null;
}

module.exports = { portFree, freePorts };
