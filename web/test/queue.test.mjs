// node --test web/test/   (no dependencies)
import test from 'node:test';
import assert from 'node:assert/strict';
import { Outbox, StorageError } from '../static/queue.js';
import { FakeClock, FakeStorage, FakeNetwork, settle } from './helpers.mjs';

function setup({ storage = new FakeStorage(), server = new FakeNetwork(), clock = new FakeClock() } = {}) {
  const outbox = new Outbox({
    storage,
    send: (entry) => server.send(entry),
    now: clock.now,
    setTimer: clock.setTimer,
    clearTimer: clock.clearTimer,
    random: () => 1,  // no jitter: delays are exact
  });
  return { outbox, storage, server, clock };
}

function mark(key, bib = 'K001', value = 12.5, extra = {}) {
  return { idempotency_key: key, bib, item: 'mine-rescue:practical.cpr', value, device: 'web-test', ...extra };
}

test('a mark is in storage before the request is sent', async () => {
  const storage = new FakeStorage();
  let storedWhenSent = null;
  const outbox = new Outbox({
    storage,
    send: async (entry) => {
      storedWhenSent = JSON.parse(storage.getItem(`podium.outbox.${entry.key}`));
      return { sequence: '1', state: 'WRITE_STATE_ACCEPTED' };
    },
  });
  outbox.enqueue({ method: 'SubmitMark', request: mark('k1'), judge: 'P21', token: 't1' });
  assert.equal(JSON.parse(storage.getItem('podium.outbox.k1')).state, 'waiting');
  await outbox.flush();
  assert.equal(storedWhenSent.state, 'waiting');
  assert.equal(storedWhenSent.request.idempotency_key, 'k1');
  assert.equal(outbox.get('k1').state, 'sent');
});

test('offline marks survive a reload and are sent once, with the same key', async () => {
  const { outbox, storage, server, clock } = setup();
  server.mode = 'offline';
  outbox.start();
  outbox.enqueue({ method: 'SubmitMark', request: mark('k1', 'K001'), judge: 'P21', token: 't1' });
  outbox.enqueue({ method: 'SubmitMark', request: mark('k2', 'K002', 13), judge: 'P21', token: 't1' });
  await clock.advance(10);
  assert.equal(outbox.summary().state, 'waiting');
  assert.equal(outbox.summary().waiting, 2);
  assert.equal(outbox.get('k1').detail, 'retrying');
  outbox.stop();

  // "Reload": a new outbox on the same storage, still offline.
  const again = setup({ storage, server, clock });
  again.outbox.start();
  await clock.advance(5000);
  assert.equal(again.outbox.summary().waiting, 2);

  server.mode = 'ok';
  again.outbox.poke();
  await clock.advance(10);
  assert.equal(again.outbox.summary().state, 'sent');
  assert.equal(again.outbox.summary().sent, 2);
  assert.deepEqual(server.deliveredKeys(), ['k1', 'k2']);
  const keys = new Set(server.calls.map((c) => c.key));
  assert.deepEqual([...keys].sort(), ['k1', 'k2']);
});

test('an answer lost on the way back: the mark is sent again with the same key', async () => {
  const { outbox, server, clock } = setup();
  outbox.start();
  server.mode = 'lost';
  outbox.enqueue({ method: 'SubmitMark', request: mark('k1'), judge: 'P21', token: 't1' });
  await clock.advance(10);
  assert.equal(outbox.get('k1').state, 'waiting');
  await clock.advance(2000);
  const entry = outbox.get('k1');
  assert.equal(entry.state, 'sent');
  assert.deepEqual(server.deliveredKeys(), ['k1', 'k1']);
  assert.equal(server.calls.length, 2);
});

test('a refusal is final, keeps the server message and is not retried', async () => {
  const { outbox, server, clock } = setup();
  outbox.start();
  server.mode = 'refuse';
  outbox.enqueue({ method: 'SubmitMark', request: mark('k1'), judge: 'P21', token: 't1' });
  await clock.advance(60000);
  const entry = outbox.get('k1');
  assert.equal(entry.state, 'refused');
  assert.equal(entry.error.status, 'FAILED_PRECONDITION');
  assert.match(entry.error.message, /locked/);
  assert.equal(server.calls.length, 1);
  assert.equal(outbox.summary().state, 'refused');
  outbox.dismiss('k1');
  assert.equal(outbox.summary().state, 'sent');
  assert.equal(outbox.summary().refused, 0);
});

test("one judge's writes go in order: a correction never overtakes its mark", async () => {
  const { outbox, server, clock } = setup();
  outbox.start();
  server.mode = 'offline';
  outbox.enqueue({ method: 'SubmitMark', request: mark('m1', 'K001', 10), judge: 'P21', token: 't1' });
  clock.time += 1;
  outbox.enqueue({ method: 'CorrectMark', request: mark('c1', 'K001', 11, { reason: 'typo' }), judge: 'P21', token: 't1' });
  await clock.advance(10);
  // Offline: only the first was tried, the correction waited behind it.
  assert.deepEqual(server.calls.map((c) => c.key), ['m1']);
  server.mode = 'ok';
  outbox.poke();
  await clock.advance(10);
  assert.deepEqual(server.deliveredKeys(), ['m1', 'c1']);
});

test('a refused token blocks that judge until they log in again', async () => {
  const { outbox, server, clock } = setup();
  const events = [];
  outbox.subscribe((e) => events.push(e.type));
  outbox.start();
  server.revoked.add('revoked');
  outbox.enqueue({ method: 'SubmitMark', request: mark('k1'), judge: 'P21', token: 'revoked' });
  outbox.enqueue({ method: 'SubmitMark', request: mark('k2', 'K002'), judge: 'P22', token: 't2' });
  await clock.advance(30000);
  assert.equal(outbox.get('k1').state, 'waiting');
  assert.equal(outbox.get('k1').detail, 'auth');
  assert.equal(outbox.get('k2').state, 'sent');  // other judges are not held up
  assert.ok(events.includes('auth'));
  assert.equal(outbox.summary().auth, true);
  const triesBefore = server.calls.filter((c) => c.key === 'k1').length;
  await clock.advance(60000);
  assert.equal(server.calls.filter((c) => c.key === 'k1').length, triesBefore);
  outbox.updateToken('P21', 't1');
  await clock.advance(10);
  assert.equal(outbox.get('k1').state, 'sent');
  assert.equal(server.calls.at(-1).token, 't1');
});

test('if storage refuses the write, nothing is sent and the caller is told', async () => {
  const { outbox, storage, server } = setup();
  storage.failWrites = true;
  assert.throws(() => outbox.enqueue({ method: 'SubmitMark', request: mark('k1'), judge: 'P21', token: 't1' }), StorageError);
  await outbox.flush();
  assert.equal(server.calls.length, 0);
});

test('retries back off exponentially up to the maximum', async () => {
  const { outbox, server, clock } = setup();
  server.mode = 'offline';
  outbox.start();
  outbox.enqueue({ method: 'SubmitMark', request: mark('k1'), judge: 'P21', token: 't1' });
  await clock.advance(0);
  const delays = [];
  for (let i = 0; i < 8; i++) {
    delays.push(clock.pending()[0]);
    await clock.advance(clock.pending()[0]);
  }
  assert.deepEqual(delays, [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  assert.equal(outbox.get('k1').attempts, 9);
});

test('two tabs flushing the same outbox: every send of a mark carries its one key', async () => {
  const storage = new FakeStorage();
  const server = new FakeNetwork();
  const a = new Outbox({ storage, send: (e) => server.send(e) });
  const b = new Outbox({ storage, send: (e) => server.send(e) });
  for (let i = 0; i < 5; i++) a.enqueue({ method: 'SubmitMark', request: mark(`k${i}`, `K00${i}`), judge: 'P21', token: 't1' });
  await Promise.all([a.flush(), b.flush()]);
  await settle();
  // Both tabs may send a mark (the server's idempotency counts it once, as
  // tests/browser checks); what matters here is that no copy has a new key.
  const keys = server.deliveredKeys();
  assert.deepEqual([...new Set(keys)].sort(), ['k0', 'k1', 'k2', 'k3', 'k4']);
  assert.ok(keys.length <= 10);
  assert.equal(a.summary().sent, 5);
  assert.equal(b.summary().sent, 5);
});

test('prune drops old settled entries and never a waiting one', async () => {
  const { outbox, server, clock } = setup();
  outbox.enqueue({ method: 'SubmitMark', request: mark('old'), judge: 'P21', token: 't1' });
  await outbox.flush();
  server.mode = 'offline';
  outbox.enqueue({ method: 'SubmitMark', request: mark('wait', 'K002'), judge: 'P21', token: 't1' });
  await outbox.flush();
  clock.time += 8 * 24 * 3600 * 1000;
  outbox.prune();
  assert.equal(outbox.get('old'), null);
  assert.equal(outbox.get('wait').state, 'waiting');
});

test('enqueue refuses a key already queued', () => {
  const { outbox } = setup();
  outbox.enqueue({ method: 'SubmitMark', request: mark('k1'), judge: 'P21', token: 't1' });
  assert.throws(() => outbox.enqueue({ method: 'SubmitMark', request: mark('k1'), judge: 'P21', token: 't1' }));
});
