// The judge page's durable outbox: every write (a mark or a correction) is
// stored in localStorage BEFORE anything is sent, with its idempotency key,
// and is sent until the server gives a definite answer:
//
//   waiting  - stored on this device, not yet confirmed by the server
//              (detail: queued | sending | retrying | auth)
//   sent     - the server acknowledged it (durable); a `duplicate` answer to a
//              retry counts as sent, since the server already had it
//   refused  - the server refused it with a reason (entry.error.message);
//              it changes nothing on the server and is never sent again
//
// Guarantees (see web/README.md):
//  - an entry is in storage before the first request leaves, so a reload, a
//    crash or a closed tab loses nothing that enqueue() returned;
//  - every retry of an entry carries the same request and idempotency key, so
//    the server counts it once however often it is sent (also when two tabs
//    send it at once);
//  - entries of one judge are sent in the order they were entered (a
//    correction never overtakes the mark it corrects);
//  - an entry leaves storage only once sent or refused, and then only after
//    prune()'s age/count limits.
//
// Each entry lives under its own storage key (prefix + idempotency key), so
// two tabs writing at once never overwrite each other's entries.
//
// This module has no DOM dependency: tests run it under node with a fake
// localStorage (web/test/queue.test.mjs).

export const DEFAULT_PREFIX = 'podium.outbox.';

const DAY_MS = 24 * 3600 * 1000;

export class StorageError extends Error {
  constructor(message, cause) {
    super(message);
    this.name = 'StorageError';
    this.cause = cause;
  }
}

export class Outbox {
  // options:
  //   storage     - a Storage (localStorage) or anything with getItem/setItem/
  //                 removeItem/key/length
  //   send(entry) - performs the request; resolves with the WriteResponse,
  //                 rejects with an error carrying `retryable` (no definite
  //                 answer: try again later with the same key) or
  //                 `unauthenticated` (token refused: wait for a new one);
  //                 any other rejection is a refusal
  //   prefix, now(), setTimer(fn, ms), clearTimer(id), random()
  //   baseDelayMs (1000), maxDelayMs (30000)
  constructor(options) {
    this.storage = options.storage;
    this.sendFn = options.send;
    this.prefix = options.prefix || DEFAULT_PREFIX;
    this.now = options.now || (() => Date.now());
    this.setTimer = options.setTimer || ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = options.clearTimer || ((id) => clearTimeout(id));
    this.random = options.random || Math.random;
    this.baseDelayMs = options.baseDelayMs ?? 1000;
    this.maxDelayMs = options.maxDelayMs ?? 30000;
    this.listeners = new Set();
    this.failures = 0;          // consecutive retryable failures (backoff)
    this.blockedTokens = new Set();  // tokens the server refused (401)
    this.sending = new Set();   // keys with a request in flight from this tab
    this.running = null;        // the flush in progress
    this.again = false;         // flush again once the current one ends
    this.timer = null;
    this.nextAttemptAt = 0;
    this.started = false;
    this.lastError = null;      // the last retryable failure: { status, message, at }
    this.lastSuccessAt = 0;
  }

  // --- storage -------------------------------------------------------------------

  storageKey(key) {
    return this.prefix + key;
  }

  read(key) {
    try {
      const text = this.storage.getItem(this.storageKey(key));
      return text ? JSON.parse(text) : null;
    } catch {
      return null;
    }
  }

  write(entry) {
    try {
      this.storage.setItem(this.storageKey(entry.key), JSON.stringify(entry));
    } catch (e) {
      throw new StorageError(`could not save on this device: ${e && e.message ? e.message : e}`, e);
    }
  }

  // Every entry in storage, oldest first.
  all() {
    const out = [];
    const keys = [];
    try {
      for (let i = 0; i < this.storage.length; i++) {
        const name = this.storage.key(i);
        if (name && name.startsWith(this.prefix) && name !== `${this.prefix}seq`) keys.push(name);
      }
    } catch {
      return out;
    }
    for (const name of keys) {
      try {
        const entry = JSON.parse(this.storage.getItem(name));
        if (entry && entry.key && entry.request) out.push(entry);
      } catch { /* a damaged entry is skipped, not deleted */ }
    }
    out.sort((a, b) => (a.createdAt - b.createdAt) || (a.seq - b.seq) ||
      (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return out;
  }

  list(filter = {}) {
    return this.all().filter((e) => (!filter.judge || e.judge === filter.judge) &&
      (!filter.state || e.state === filter.state));
  }

  get(key) {
    return this.read(key);
  }

  nextSeq() {
    const name = `${this.prefix}seq`;
    let seq = 0;
    try {
      seq = Number(this.storage.getItem(name)) || 0;
    } catch { /* fall through */ }
    seq += 1;
    try {
      this.storage.setItem(name, String(seq));
    } catch { /* ordering then rests on createdAt */ }
    return seq;
  }

  // --- writing -------------------------------------------------------------------

  // Stores a write to be sent. `request` must carry its idempotency_key.
  // Throws StorageError (and sends nothing) if it cannot be stored.
  // fields: { method, request, judge, token, meta }
  enqueue({ method, request, judge = '', token = '', meta = {} }) {
    if (!request || !request.idempotency_key) throw new Error('request.idempotency_key is required');
    const key = request.idempotency_key;
    if (this.read(key)) throw new Error(`idempotency key ${key} is already queued`);
    const entry = {
      key,
      seq: this.nextSeq(),
      createdAt: this.now(),
      method,
      request,
      judge,
      token,
      meta,
      state: 'waiting',
      detail: 'queued',
      attempts: 0,
      lastAttemptAt: 0,
      error: null,
      result: null,
      sentAt: 0,
      dismissed: false,
    };
    this.write(entry);  // durable before anything is sent
    this.emit();
    this.schedule(0);
    return entry;
  }

  // Updates an entry in storage from its latest stored version.
  update(key, change) {
    const entry = this.read(key);
    if (!entry) return null;
    // Another tab may have settled it meanwhile: a definite answer stays.
    if (entry.state !== 'waiting' && change.state === 'waiting') return entry;
    const next = { ...entry, ...change };
    try {
      this.write(next);
    } catch {
      // Storage full: the entry stays as it was (at worst "waiting"), and a
      // later retry with the same key is answered as a duplicate.
      return next;
    }
    return next;
  }

  // A judge logged in again with a (new) token: their waiting entries use it.
  updateToken(judge, token) {
    for (const entry of this.all()) {
      if (entry.state === 'waiting' && entry.judge === judge && entry.token !== token) {
        this.update(entry.key, { token, detail: 'queued' });
      }
    }
    this.blockedTokens.delete(token);
    this.emit();
    this.schedule(0);
  }

  // Hides a refused entry from the list of things that need attention.
  dismiss(key) {
    const entry = this.read(key);
    if (entry && entry.state === 'refused') {
      this.update(key, { dismissed: true });
      this.emit();
    }
  }

  // Removes settled entries older than maxAgeMs, keeping at most `keep` of them.
  prune({ maxAgeMs = 7 * DAY_MS, keep = 1000 } = {}) {
    const settled = this.all().filter((e) => e.state !== 'waiting');
    const now = this.now();
    const cut = Math.max(0, settled.length - keep);
    settled.forEach((entry, i) => {
      const settledAt = entry.sentAt || entry.lastAttemptAt || entry.createdAt;
      if (i < cut || now - settledAt > maxAgeMs) {
        try {
          this.storage.removeItem(this.storageKey(entry.key));
        } catch { /* keep it */ }
      }
    });
  }

  // --- sending -------------------------------------------------------------------

  // Sends every waiting entry, in order. Resolves with summary() once done.
  flush() {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.flushOnce();
        } while (this.again);
      } finally {
        this.running = null;
      }
      return this.summary();
    })();
    return this.running;
  }

  async flushOnce() {
    if (this.timer !== null) {
      this.clearTimer(this.timer);
      this.timer = null;
    }
    const stoppedJudges = new Set();
    let retryLater = false;
    for (const queued of this.all()) {
      if (queued.state !== 'waiting') continue;
      if (stoppedJudges.has(queued.judge)) continue;
      if (this.blockedTokens.has(queued.token)) {
        stoppedJudges.add(queued.judge);  // keep this judge's order
        continue;
      }
      if (this.sending.has(queued.key)) {
        stoppedJudges.add(queued.judge);
        continue;
      }
      const latest = this.read(queued.key);
      if (!latest || latest.state !== 'waiting') continue;  // settled by another tab
      this.sending.add(queued.key);
      let entry = this.update(queued.key, {
        detail: 'sending',
        attempts: (latest.attempts || 0) + 1,
        lastAttemptAt: this.now(),
      }) || latest;
      this.emit();
      let outcome;
      try {
        outcome = { ok: true, result: await this.sendFn(entry) };
      } catch (error) {
        outcome = { ok: false, error };
      } finally {
        this.sending.delete(queued.key);
      }
      if (outcome.ok) {
        const r = outcome.result || {};
        entry = this.update(entry.key, {
          state: 'sent',
          detail: r.duplicate ? 'duplicate' : 'accepted',
          sentAt: this.now(),
          error: null,
          result: { sequence: r.sequence ?? '', duplicate: !!r.duplicate, state: r.state || '' },
        });
        this.failures = 0;
        this.lastError = null;
        this.lastSuccessAt = this.now();
      } else {
        const e = outcome.error || {};
        const error = {
          code: e.code ?? 2,
          status: e.status || 'UNKNOWN',
          message: e.message || String(e),
        };
        if (e.unauthenticated) {
          this.blockedTokens.add(entry.token);
          this.update(entry.key, { detail: 'auth', error });
          stoppedJudges.add(entry.judge);
          this.emitAuth(entry);
        } else if (e.retryable) {
          this.update(entry.key, { detail: 'retrying', error });
          this.failures += 1;
          this.lastError = { ...error, at: this.now() };
          retryLater = true;
          this.emit();
          break;  // the server is unreachable: everything waits for the next round
        } else {
          this.update(entry.key, { state: 'refused', detail: 'refused', error });
          this.failures = 0;
          this.lastSuccessAt = this.now();  // the server answered
        }
      }
      this.emit();
    }
    if (retryLater) this.schedule(this.backoffDelay());
    else if (this.hasSendable()) this.schedule(this.baseDelayMs);
  }

  hasSendable() {
    return this.all().some((e) => e.state === 'waiting' && !this.blockedTokens.has(e.token) &&
      !this.sending.has(e.key));
  }

  // Exponential backoff with jitter: base * 2^(failures-1), at most max,
  // then between half and all of it.
  backoffDelay() {
    const exp = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** Math.max(0, this.failures - 1));
    return Math.round(exp / 2 + (exp / 2) * this.random());
  }

  // Flushes after `ms` (0: now) unless stopped; an earlier schedule wins.
  schedule(ms) {
    if (!this.started) return;
    const at = this.now() + ms;
    if (this.timer !== null) {
      if (this.nextAttemptAt <= at) return;
      this.clearTimer(this.timer);
    }
    this.nextAttemptAt = at;
    this.timer = this.setTimer(() => {
      this.timer = null;
      this.flush();
    }, ms);
  }

  // Starts sending in the background (and now, if anything waits).
  start() {
    this.started = true;
    if (this.all().some((e) => e.state === 'waiting')) this.schedule(0);
  }

  stop() {
    this.started = false;
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
  }

  // Connectivity came back (the browser's "online" event, a successful call):
  // try now rather than at the end of the backoff.
  poke() {
    this.failures = 0;
    if (this.timer !== null) {
      this.clearTimer(this.timer);
      this.timer = null;
    }
    this.schedule(0);
  }

  // --- state -----------------------------------------------------------------------

  // Counts for the overall indicator. state: refused if any refused entry is
  // not dismissed, else waiting if any waits, else sent.
  summary(filter = {}) {
    const entries = this.list(filter);
    const waiting = entries.filter((e) => e.state === 'waiting');
    const refused = entries.filter((e) => e.state === 'refused' && !e.dismissed);
    const sent = entries.filter((e) => e.state === 'sent');
    let state = 'sent';
    if (waiting.length) state = 'waiting';
    if (refused.length) state = 'refused';
    return {
      state,
      waiting: waiting.length,
      refused: refused.length,
      sent: sent.length,
      auth: waiting.some((e) => e.detail === 'auth' || this.blockedTokens.has(e.token)),
      lastError: this.lastError,
      nextAttemptAt: this.timer !== null ? this.nextAttemptAt : 0,
    };
  }

  subscribe(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  emit() {
    for (const fn of this.listeners) {
      try {
        fn({ type: 'change' });
      } catch { /* a listener's bug must not stop sending */ }
    }
  }

  emitAuth(entry) {
    for (const fn of this.listeners) {
      try {
        fn({ type: 'auth', judge: entry.judge });
      } catch { /* ignore */ }
    }
  }
}

// A Storage kept in memory, for browsers that refuse localStorage (the page
// then warns that marks do not survive a reload) and for tests.
export class MemoryStorage {
  constructor() {
    this.map = new Map();
  }

  get length() {
    return this.map.size;
  }

  key(i) {
    return Array.from(this.map.keys())[i] ?? null;
  }

  getItem(name) {
    return this.map.has(name) ? this.map.get(name) : null;
  }

  setItem(name, value) {
    this.map.set(String(name), String(value));
  }

  removeItem(name) {
    this.map.delete(name);
  }

  clear() {
    this.map.clear();
  }
}
