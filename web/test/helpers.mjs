// Test doubles for the pure modules: a fake clock with timers, a fake
// localStorage that can be made to fail, and a fake server that answers
// writes idempotently (as podium serve does).

export class FakeClock {
  constructor(start = 1_700_000_000_000) {
    this.time = start;
    this.timers = new Map();
    this.nextId = 1;
    this.now = () => this.time;
    this.setTimer = (fn, ms) => {
      const id = this.nextId++;
      this.timers.set(id, { at: this.time + Math.max(0, ms), fn });
      return id;
    };
    this.clearTimer = (id) => {
      this.timers.delete(id);
    };
  }

  pending() {
    return Array.from(this.timers.values()).map((t) => t.at - this.time).sort((a, b) => a - b);
  }

  // Runs every timer due within `ms`, in time order, letting promises settle
  // between them.
  async advance(ms) {
    const end = this.time + ms;
    for (;;) {
      await settle();
      let next = null;
      for (const [id, t] of this.timers) {
        if (t.at <= end && (!next || t.at < next[1].at)) next = [id, t];
      }
      if (!next) break;
      this.timers.delete(next[0]);
      this.time = Math.max(this.time, next[1].at);
      next[1].fn();
    }
    this.time = end;
    await settle();
  }
}

export async function settle(rounds = 20) {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
  await new Promise((r) => setImmediate(r));
}

export class FakeStorage {
  constructor() {
    this.map = new Map();
    this.failWrites = false;
  }

  get length() {
    return this.map.size;
  }

  key(i) {
    return Array.from(this.map.keys())[i] ?? null;
  }

  getItem(k) {
    return this.map.has(k) ? this.map.get(k) : null;
  }

  setItem(k, v) {
    if (this.failWrites) {
      const e = new Error('QuotaExceededError');
      e.name = 'QuotaExceededError';
      throw e;
    }
    this.map.set(String(k), String(v));
  }

  removeItem(k) {
    this.map.delete(k);
  }
}

export function apiError(status, message, { retryable = false, unauthenticated = false, network = false } = {}) {
  const e = new Error(message);
  e.status = status;
  e.code = { UNAVAILABLE: 14, INVALID_ARGUMENT: 3, FAILED_PRECONDITION: 9, UNAUTHENTICATED: 16 }[status] ?? 2;
  e.retryable = retryable;
  e.unauthenticated = unauthenticated;
  e.network = network;
  return e;
}

// The network as the outbox sees it: every request is recorded, and the test
// scripts what comes back. It does not imitate the server (no dedupe, no
// rules); what the real server does with retries is checked against the real
// server in tests/browser. `mode` decides the fate of the next request:
// 'ok', 'offline' (never arrives), 'lost' (arrives, answer lost), 'refuse';
// tokens in `revoked` are answered UNAUTHENTICATED.
export class FakeNetwork {
  constructor() {
    this.calls = [];      // every request handed to the network
    this.delivered = [];  // requests that reached the far end, in order
    this.mode = 'ok';
    this.revoked = new Set();
  }

  async send(entry) {
    this.calls.push({ key: entry.key, token: entry.token, method: entry.method });
    if (this.mode === 'offline') throw apiError('UNAVAILABLE', 'network error', { retryable: true, network: true });
    if (this.revoked.has(entry.token)) throw apiError('UNAUTHENTICATED', 'unknown token', { unauthenticated: true });
    if (this.mode === 'refuse') throw apiError('FAILED_PRECONDITION', "item 'x' is locked by the chief judge");
    this.delivered.push(entry.request);
    if (this.mode === 'lost') {
      this.mode = 'ok';
      throw apiError('UNAVAILABLE', 'connection reset', { retryable: true, network: true });
    }
    return { sequence: String(this.delivered.length), state: 'WRITE_STATE_ACCEPTED' };
  }

  deliveredKeys() {
    return this.delivered.map((r) => r.idempotency_key);
  }
}
