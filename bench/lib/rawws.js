'use strict';
// A minimal WebSocket client (RFC 6455, client side, no extensions) that counts what it receives
// instead of keeping it: abuse.js reads history answers of hundreds of megabytes, which the `ws`
// package would assemble in memory before handing them over. A message's bytes are counted as they
// arrive; only its first `keep` bytes (so small messages can be parsed) and its last 512 are kept.

const net = require('net');
const crypto = require('crypto');
const { EventEmitter } = require('events');

const TAIL = 512;

class RawWs extends EventEmitter {
  constructor(sock, keep, leftover) {
    super();
    this.sock = sock;
    this.keep = keep;
    this.hdr = Buffer.alloc(0);
    this.remaining = 0; // payload bytes of the current frame still to come
    this.frame = null; // { opcode, fin, control: [] }
    this.msg = null; // { opcode, bytes, head: [], headLen, tail }
    this.closeCode = null;
    this.closed = new Promise((resolve) => sock.once('close', () => resolve(this.closeCode)));
    // What came with the 101 (a welcome frame) and right after it, once the caller has had a chance
    // to listen; in order.
    const early = leftover && leftover.length ? [leftover] : [];
    let ready = false;
    sock.on('data', (d) => (ready ? this._data(d) : early.push(d)));
    sock.on('error', () => {});
    setImmediate(() => {
      ready = true;
      for (const d of early) this._data(d);
    });
  }

  /** Sends one text frame, masked as a client must. */
  sendText(text) {
    const payload = Buffer.from(text, 'utf8');
    const len = payload.length;
    const head = len < 126 ? Buffer.alloc(2) : len < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
    head[0] = 0x81;
    if (len < 126) head[1] = 0x80 | len;
    else if (len < 65536) {
      head[1] = 0x80 | 126;
      head.writeUInt16BE(len, 2);
    } else {
      head[1] = 0x80 | 127;
      head.writeBigUInt64BE(BigInt(len), 2);
    }
    this._write(head, payload, 0x81);
  }

  _write(head, payload, first) {
    head[0] = first;
    const mask = crypto.randomBytes(4);
    const masked = Buffer.alloc(payload.length);
    for (let i = 0; i < payload.length; i++) masked[i] = payload[i] ^ mask[i & 3];
    this.sock.write(Buffer.concat([head, mask, masked]));
  }

  _control(opcode, payload) {
    if (opcode === 0x9) {
      // ping: answer with a pong carrying the same payload (control payloads are < 126 bytes)
      this._write(Buffer.from([0x8a, 0x80 | payload.length]), payload, 0x8a);
    } else if (opcode === 0x8) {
      this.closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
      this.closeReason = payload.length > 2 ? payload.subarray(2).toString() : '';
      try {
        this._write(Buffer.from([0x88, 0x80 | Math.min(2, payload.length)]), payload.subarray(0, 2), 0x88);
      } catch (e) {
        /* gone */
      }
      this.sock.end();
    }
  }

  _data(chunk) {
    let off = 0;
    while (off < chunk.length) {
      if (this.frame && this.remaining > 0) {
        const n = Math.min(this.remaining, chunk.length - off);
        this._payload(chunk.subarray(off, off + n));
        off += n;
        this.remaining -= n;
        if (this.remaining === 0) this._frameEnd();
        continue;
      }
      const need = () => {
        if (this.hdr.length < 2) return 2;
        const l = this.hdr[1] & 0x7f;
        return 2 + (l === 126 ? 2 : l === 127 ? 8 : 0) + (this.hdr[1] & 0x80 ? 4 : 0);
      };
      while (off < chunk.length && this.hdr.length < need()) this.hdr = Buffer.concat([this.hdr, chunk.subarray(off, ++off)]);
      if (this.hdr.length < need()) return;
      const h = this.hdr;
      this.hdr = Buffer.alloc(0);
      const l7 = h[1] & 0x7f;
      const len = l7 === 126 ? h.readUInt16BE(2) : l7 === 127 ? Number(h.readBigUInt64BE(2)) : l7;
      this.frame = { fin: (h[0] & 0x80) !== 0, opcode: h[0] & 0x0f, control: [] };
      this.remaining = len;
      if (this.frame.opcode < 8) {
        if (this.frame.opcode !== 0) this.msg = { opcode: this.frame.opcode, bytes: 0, head: [], headLen: 0, tail: Buffer.alloc(0), firstByteAt: null };
      }
      if (len === 0) this._frameEnd();
    }
  }

  _payload(piece) {
    if (this.frame.opcode >= 8) {
      this.frame.control.push(Buffer.from(piece));
      return;
    }
    const m = this.msg;
    if (!m) return;
    if (m.firstByteAt === null) m.firstByteAt = Date.now();
    m.bytes += piece.length;
    if (m.headLen < this.keep) {
      const take = piece.subarray(0, this.keep - m.headLen);
      m.head.push(Buffer.from(take));
      m.headLen += take.length;
    }
    m.tail = Buffer.concat([m.tail, piece.length > TAIL ? piece.subarray(piece.length - TAIL) : piece]);
    if (m.tail.length > TAIL) m.tail = m.tail.subarray(m.tail.length - TAIL);
    this.emit('progress', m.bytes);
  }

  _frameEnd() {
    const f = this.frame;
    this.frame = null;
    if (f.opcode >= 8) {
      this._control(f.opcode, Buffer.concat(f.control));
      return;
    }
    if (!f.fin || !this.msg) return;
    const m = this.msg;
    this.msg = null;
    const head = Buffer.concat(m.head);
    this.emit('message', {
      opcode: m.opcode,
      bytes: m.bytes,
      whole: m.bytes <= this.keep ? head.toString('utf8') : null,
      head: head.subarray(0, TAIL).toString('utf8'),
      tail: m.tail.toString('utf8'),
      firstByteAt: m.firstByteAt,
      at: Date.now(),
    });
  }

  destroy() {
    this.sock.destroy();
  }
}

/**
 * Opens a WebSocket: resolves { ws } after the 101, or { status, body, headers } for a refused
 * handshake, or { err } for a socket error or timeout. `keep`: bytes of each message kept (default 1 MiB).
 */
function rawConnect({ host, port, path, headers = {}, localAddress, timeoutMs = 15000, keep = 1 << 20 }) {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port, localAddress });
    let buf = Buffer.alloc(0);
    let done = false;
    const finish = (r) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(r);
    };
    const timer = setTimeout(() => {
      sock.destroy();
      finish({ err: 'timeout' });
    }, timeoutMs);
    sock.once('error', (e) => finish({ err: e.code || e.message }));
    sock.once('connect', () => {
      const key = crypto.randomBytes(16).toString('base64');
      const lines = [`GET ${path} HTTP/1.1`, `Host: ${host}:${port}`, 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Key: ${key}`, 'Sec-WebSocket-Version: 13'];
      for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
      sock.write(lines.join('\r\n') + '\r\n\r\n');
    });
    const onData = (d) => {
      buf = Buffer.concat([buf, d]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buf.subarray(0, end).toString('latin1').split('\r\n');
      const status = Number(head[0].split(' ')[1]);
      const hdrs = {};
      for (const line of head.slice(1)) {
        const i = line.indexOf(':');
        if (i > 0) hdrs[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      const rest = buf.subarray(end + 4);
      sock.removeListener('data', onData);
      if (status === 101) {
        finish({ ws: new RawWs(sock, keep, rest) });
        return;
      }
      // a refusal: its small JSON body (Content-Length, or whatever comes within 2 s)
      let body = rest;
      const want = Number(hdrs['content-length'] || 4096);
      const settle = () => {
        sock.destroy();
        finish({ status, headers: hdrs, body: body.toString('utf8') });
      };
      if (body.length >= want) return settle();
      sock.on('data', (x) => {
        body = Buffer.concat([body, x]);
        if (body.length >= want) settle();
      });
      sock.once('end', settle);
      setTimeout(settle, 2000);
    };
    sock.on('data', onData);
  });
}

module.exports = { rawConnect };
