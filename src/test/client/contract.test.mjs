// The checker the client tests rely on passes the contract's frames and fails the others.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { violations } from './contract.mjs';

test('a frame of the contract passes the checker', () => {
  assert.deepEqual(violations('{"type":"ack","ref":"r1","room":7,"id":"m-1","epoch":"k3","offset":4}'), []);
  assert.deepEqual(violations('{"type":"heartbeat","timestamp":1}'), []);
});

test('a deliberately wrong frame fails the checker', () => {
  assert.notDeepEqual(violations('{"type":"ack","ref":"r1","room":7,"id":"m-1","epoch":"k3"}'), []); // offset missing
  assert.notDeepEqual(violations('{"type":"heartbeat","timestamp":"soon"}'), []);
  assert.notDeepEqual(violations('{"type":"gossip"}'), []);
  assert.notDeepEqual(violations('not json'), []);
});
