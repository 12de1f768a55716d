import test from 'node:test';
import assert from 'node:assert/strict';
import { StandingsWatch, watchUrl } from '../static/watch.js';
import { FakeClock, settle } from './helpers.mjs';

// A WebSocket double: the test opens, sends and closes it by hand.
function fakeSockets() {
  const sockets = [];
  class FakeSocket {
    constructor(url) {
      this.url = url;
      this.closed = null;
      sockets.push(this);
    }

    open() {
      this.onopen && this.onopen();
    }

    send(obj) {
      this.onmessage && this.onmessage({ data: JSON.stringify(obj) });
    }

    drop(code = 1006, reason = '') {
      this.onclose && this.onclose({ code, reason });
    }

    close(code, reason) {
      this.closed = { code, reason };
    }
  }
  return { sockets, FakeSocket };
}

function setup(extra = {}) {
  const clock = new FakeClock();
  const { sockets, FakeSocket } = fakeSockets();
  const seen = { snapshots: [], deltas: [], states: [] };
  const watch = new StandingsWatch({
    url: (after) => `ws://screen/api/v1/watch?token=d&after_version=${after}`,
    WebSocket: FakeSocket,
    onSnapshot: (s) => seen.snapshots.push(s),
    onDelta: (d) => {
      seen.deltas.push(d);
      return extra.deltaOk ?? true;
    },
    onState: (s) => seen.states.push(s),
    setTimer: clock.setTimer,
    clearTimer: clock.clearTimer,
    random: () => 1,
    heartbeatTimeoutMs: 25000,
  });
  return { clock, sockets, seen, watch };
}

test('watchUrl builds the documented query', () => {
  const url = watchUrl({ protocol: 'http:', host: 'venue:8080' }, { token: 'a b', trade: 'welder', limit: 20, afterVersion: '42' });
  assert.equal(url, 'ws://venue:8080/api/v1/watch?token=a+b&trade=welder&limit=20&after_version=42');
  assert.equal(watchUrl({ protocol: 'https:', host: 'h' }, { token: 't', afterVersion: '0' }), 'wss://h/api/v1/watch?token=t');
});

test('snapshot, deltas, then a resume from the last version after a drop', async () => {
  const { clock, sockets, seen, watch } = setup();
  watch.start();
  assert.equal(sockets.length, 1);
  assert.match(sockets[0].url, /after_version=0$/);
  sockets[0].open();
  sockets[0].send({ snapshot: { version: '5', trades: [] } });
  assert.equal(watch.state, 'live');
  sockets[0].send({ delta: { from_version: '5', to_version: '7', trades: [] } });
  assert.equal(watch.version, '7');
  sockets[0].drop(1006);
  assert.equal(watch.state, 'reconnecting');
  await clock.advance(999);
  assert.equal(sockets.length, 1);
  await clock.advance(1);
  assert.equal(sockets.length, 2);
  assert.match(sockets[1].url, /after_version=7$/);
  sockets[1].open();
  sockets[1].send({ delta: { from_version: '7', to_version: '9', trades: [] } });
  assert.equal(watch.version, '9');
  assert.equal(seen.snapshots.length, 1);
  assert.equal(seen.deltas.length, 2);
});

test('reconnect delays grow exponentially to the cap and reset once live', async () => {
  const { clock, sockets, watch } = setup();
  watch.start();
  const delays = [];
  for (let i = 0; i < 7; i++) {
    sockets.at(-1).drop(1006);
    delays.push(clock.pending().find((d) => d < 25000) ?? clock.pending()[0]);
    await clock.advance(delays.at(-1));
  }
  assert.deepEqual(delays, [1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  sockets.at(-1).send({ snapshot: { version: '3' } });
  sockets.at(-1).drop(1006);
  assert.equal(clock.pending()[0], 1000);
});

test('silence longer than the heartbeat timeout reconnects; heartbeats keep it alive', async () => {
  const { clock, sockets, watch } = setup();
  watch.start();
  sockets[0].open();
  sockets[0].send({ snapshot: { version: '1' } });
  for (let i = 0; i < 5; i++) {
    await clock.advance(10000);
    sockets[0].send({ heartbeat: { version: '1', time_ms: '0' } });
  }
  assert.equal(sockets.length, 1);
  await clock.advance(25000);
  assert.deepEqual(sockets[0].closed, { code: 4000, reason: 'heartbeat timeout' });
  await clock.advance(1000);
  assert.equal(sockets.length, 2);
  assert.match(sockets[1].url, /after_version=1$/);
});

test('a delta that does not follow asks for a fresh snapshot', async () => {
  const { sockets, watch } = setup();
  watch.start();
  sockets[0].send({ snapshot: { version: '5' } });
  sockets[0].send({ delta: { from_version: '6', to_version: '8' } });
  assert.equal(sockets.length, 2);
  assert.match(sockets[1].url, /after_version=0$/);
  assert.equal(watch.version, '0');
});

test('a delta the model cannot apply asks for a fresh snapshot', async () => {
  const { sockets, watch } = setup({ deltaOk: false });
  watch.start();
  sockets[0].send({ snapshot: { version: '5' } });
  sockets[0].send({ delta: { from_version: '5', to_version: '6' } });
  assert.equal(sockets.length, 2);
  assert.match(sockets[1].url, /after_version=0$/);
});

test('a refused token (4001) is reported and retried slowly', async () => {
  const { clock, sockets, seen, watch } = setup();
  watch.start();
  sockets[0].drop(4001, 'unknown token');
  assert.equal(watch.state, 'unauthorized');
  assert.equal(watch.detail, 'unknown token');
  assert.ok(seen.states.includes('unauthorized'));
  await clock.advance(59999);
  assert.equal(sockets.length, 1);
  await clock.advance(1);
  assert.equal(sockets.length, 2);
  watch.stop();
  await settle();
  assert.equal(watch.state, 'stopped');
});
