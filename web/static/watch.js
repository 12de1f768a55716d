// Watching standings over the WebSocket of docs/http-api.md:
//   GET /api/v1/watch?token=&trade=&limit=&after_version=
// The server sends {"snapshot":...} first, then {"delta":...} (from_version =
// the version the client has), and {"heartbeat":{...}} every 10 s.
//
// StandingsWatch keeps one socket open: it resumes after a disconnect with
// after_version = the last version applied, treats a silence longer than the
// heartbeat timeout as a dead connection, reconnects with exponential backoff
// and jitter, and asks for a fresh snapshot (after_version=0) when a delta
// does not follow from what it has. A refused token (close code 4001/4003)
// is reported as "unauthorized" and retried slowly (tokens can be reissued).
//
// No DOM dependency: tests drive it with a fake WebSocket (web/test/).

export const CLOSE_UNAUTHENTICATED = 4001;
export const CLOSE_FORBIDDEN = 4003;

export function watchUrl(location, { token, trade, limit, afterVersion }) {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const q = new URLSearchParams();
  q.set('token', token || '');
  if (trade) q.set('trade', trade);
  if (limit) q.set('limit', String(limit));
  if (afterVersion && afterVersion !== '0') q.set('after_version', String(afterVersion));
  return `${scheme}//${location.host}/api/v1/watch?${q.toString()}`;
}

export class StandingsWatch {
  // options:
  //   url(afterVersion) -> string       the socket's address for a resume point
  //   WebSocket                          constructor (globalThis.WebSocket)
  //   onSnapshot(snapshot), onDelta(delta) -> false to ask for a snapshot
  //   onHeartbeat(heartbeat), onState(state, detail)
  //   heartbeatTimeoutMs (25000), baseDelayMs (1000), maxDelayMs (30000),
  //   unauthorizedDelayMs (60000), setTimer, clearTimer, random
  constructor(options) {
    this.urlFor = options.url;
    this.WebSocket = options.WebSocket || globalThis.WebSocket;
    this.onSnapshot = options.onSnapshot || (() => {});
    this.onDelta = options.onDelta || (() => {});
    this.onHeartbeat = options.onHeartbeat || (() => {});
    this.onState = options.onState || (() => {});
    this.heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? 25000;
    this.baseDelayMs = options.baseDelayMs ?? 1000;
    this.maxDelayMs = options.maxDelayMs ?? 30000;
    this.unauthorizedDelayMs = options.unauthorizedDelayMs ?? 60000;
    this.setTimer = options.setTimer || ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = options.clearTimer || ((id) => clearTimeout(id));
    this.random = options.random || Math.random;

    this.socket = null;
    this.version = '0';        // the last version applied
    this.failures = 0;         // consecutive failed connections
    this.state = 'idle';       // idle|connecting|live|reconnecting|unauthorized|stopped
    this.detail = '';
    this.stopped = true;
    this.reconnectTimer = null;
    this.silenceTimer = null;
    this.lastMessageAt = 0;
    this.connects = 0;         // sockets opened so far
    this.lastUrl = '';
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    this.clearTimers();
    this.dropSocket(1000, 'stopped');
    this.setState('stopped');
  }

  // Forget the version and start again from a snapshot.
  resync() {
    this.version = '0';
    this.reconnectNow();
  }

  // Connect at once (e.g. the browser reports it is online again).
  reconnectNow() {
    if (this.stopped) return;
    this.clearTimers();
    this.dropSocket(4000, 'reconnect');
    this.connect();
  }

  setState(state, detail = '') {
    if (this.state === state && this.detail === detail) return;
    this.state = state;
    this.detail = detail;
    try {
      this.onState(state, detail);
    } catch { /* display bug: keep watching */ }
  }

  clearTimers() {
    if (this.reconnectTimer !== null) this.clearTimer(this.reconnectTimer);
    if (this.silenceTimer !== null) this.clearTimer(this.silenceTimer);
    this.reconnectTimer = null;
    this.silenceTimer = null;
  }

  dropSocket(code, reason) {
    const socket = this.socket;
    this.socket = null;
    if (!socket) return;
    socket.onopen = socket.onmessage = socket.onerror = socket.onclose = null;
    try {
      socket.close(code, reason);
    } catch { /* already closed */ }
  }

  connect() {
    if (this.stopped) return;
    this.dropSocket(4000, 'replaced');
    const url = this.urlFor(this.version);
    this.lastUrl = url;
    this.connects += 1;
    if (this.state !== 'unauthorized') {
      this.setState(this.connects === 1 ? 'connecting' : 'reconnecting');
    }
    let socket;
    try {
      socket = new this.WebSocket(url);
    } catch (e) {
      this.scheduleReconnect(`cannot open: ${e && e.message ? e.message : e}`);
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.armSilenceTimer();
    };
    socket.onmessage = (event) => {
      if (this.socket !== socket) return;
      this.handleMessage(event.data);
    };
    socket.onerror = () => { /* onclose follows */ };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.silenceTimer !== null) this.clearTimer(this.silenceTimer);
      this.silenceTimer = null;
      const code = event ? event.code : 0;
      const reason = (event && event.reason) || '';
      if (code === CLOSE_UNAUTHENTICATED || code === CLOSE_FORBIDDEN) {
        this.setState('unauthorized', reason || (code === CLOSE_FORBIDDEN ? 'forbidden' : 'unauthenticated'));
        this.scheduleReconnect(reason, this.unauthorizedDelayMs);
        return;
      }
      this.scheduleReconnect(reason || `closed (${code})`);
    };
    this.armSilenceTimer();
  }

  armSilenceTimer() {
    if (this.silenceTimer !== null) this.clearTimer(this.silenceTimer);
    this.silenceTimer = this.setTimer(() => {
      this.silenceTimer = null;
      if (this.stopped) return;
      // No snapshot, delta or heartbeat for too long: the connection is dead
      // even if the socket does not know it yet.
      this.dropSocket(4000, 'heartbeat timeout');
      this.scheduleReconnect('no heartbeat');
    }, this.heartbeatTimeoutMs);
  }

  scheduleReconnect(why, fixedDelay) {
    if (this.stopped) return;
    this.failures += 1;
    const exp = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (this.failures - 1));
    const delay = fixedDelay ?? Math.round(exp / 2 + (exp / 2) * this.random());
    if (this.state !== 'unauthorized') this.setState('reconnecting', why || '');
    if (this.reconnectTimer !== null) this.clearTimer(this.reconnectTimer);
    this.reconnectTimer = this.setTimer(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delay);
    this.nextRetryDelay = delay;
  }

  handleMessage(data) {
    let message;
    try {
      message = JSON.parse(typeof data === 'string' ? data : String(data));
    } catch {
      return;  // not ours; the silence timer decides whether the link is alive
    }
    if (!message || typeof message !== 'object') return;
    this.armSilenceTimer();
    this.lastMessageAt = Date.now();
    if (message.snapshot) {
      const snapshot = message.snapshot;
      this.failures = 0;
      this.onSnapshot(snapshot);
      this.version = String(snapshot.version ?? '0');
      this.setState('live');
    } else if (message.delta) {
      const delta = message.delta;
      const from = String(delta.from_version ?? delta.fromVersion ?? '0');
      const to = String(delta.to_version ?? delta.toVersion ?? '0');
      if (from !== this.version) {
        this.resync();  // a gap: start again from a snapshot
        return;
      }
      let ok;
      try {
        ok = this.onDelta(delta);
      } catch {
        ok = false;
      }
      if (ok === false) {
        this.resync();
        return;
      }
      this.failures = 0;
      this.version = to;
      this.setState('live');
    } else if (message.heartbeat) {
      this.failures = 0;
      this.onHeartbeat(message.heartbeat);
      if (this.state !== 'live' && this.version !== '0') this.setState('live');
    }
  }
}
