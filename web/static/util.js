// Small helpers shared by the pages. Everything except the DOM helpers at the
// bottom is pure and runs under node too (see web/test/).

// --- URL fragment parameters -------------------------------------------------

// "#token=abc&trade=x" -> Map { token => "abc", trade => "x" }. A fragment is
// never sent to the server, so a token in a QR-code link stays on the device.
export function parseHash(hash) {
  const text = String(hash || '').replace(/^#/, '');
  const out = new Map();
  for (const part of text.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const name = decodeURIComponent(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1).replace(/\+/g, ' '));
    out.set(name, value);
  }
  return out;
}

export function formatHash(params) {
  const parts = [];
  for (const [name, value] of params) {
    parts.push(value === '' ? encodeURIComponent(name)
      : `${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
  }
  return parts.length ? `#${parts.join('&')}` : '';
}

// --- Identifiers ---------------------------------------------------------------

function randomBytes(n) {
  const bytes = new Uint8Array(n);
  const c = globalThis.crypto;
  if (c && typeof c.getRandomValues === 'function') {
    c.getRandomValues(bytes);
  } else {
    for (let i = 0; i < n; i++) bytes[i] = Math.floor(Math.random() * 256);
  }
  return bytes;
}

// A random RFC 4122 version-4 UUID. crypto.randomUUID exists only in secure
// contexts (https or localhost); venue tablets often use plain http on a LAN.
export function uuid4() {
  const b = randomBytes(16);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// An idempotency key: at most 128 characters, unique per write.
export function newIdempotencyKey(prefix = 'web') {
  return `${prefix}-${uuid4()}`;
}

// A stable name for this browser, kept in storage: the audit trail's "device".
export function deviceId(storage, override) {
  if (override) return String(override).slice(0, 128);
  const name = 'podium.device';
  try {
    let id = storage && storage.getItem(name);
    if (!id) {
      id = `web-${uuid4().slice(0, 8)}`;
      if (storage) storage.setItem(name, id);
    }
    return id;
  } catch {
    return 'web-unknown';
  }
}

// --- Numbers -------------------------------------------------------------------

// Same tolerance as the server's engine (scoring_engine.cc kStepTolerance).
export const STEP_TOLERANCE = 1e-6;

export function decimalsOf(step) {
  const text = String(step);
  if (/e-/i.test(text)) return Number(text.split(/e-/i)[1]) || 0;
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

// Checks what a judge typed against the item's range and step. Returns
// { ok: true, value } with the value snapped to the step (no float noise), or
// { ok: false, error, params } where error is an i18n key.
export function validateMark(raw, { max, step }) {
  const text = String(raw ?? '').trim().replace(/,/g, '.').replace(/\s+/g, '');
  if (text === '') return { ok: false, error: 'err.empty', params: {} };
  if (!/^[+]?(\d+(\.\d*)?|\.\d+)$/.test(text)) {
    return { ok: false, error: 'err.notNumber', params: { text } };
  }
  const value = Number(text);
  if (!Number.isFinite(value)) return { ok: false, error: 'err.notNumber', params: { text } };
  const m = Number(max);
  const s = Number(step) > 0 ? Number(step) : 1;
  if (value < 0 || (Number.isFinite(m) && m > 0 && value > m + STEP_TOLERANCE)) {
    return { ok: false, error: 'err.range', params: { value: text, max: formatPlain(m) } };
  }
  const steps = value / s;
  if (Math.abs(steps - Math.round(steps)) > STEP_TOLERANCE) {
    return { ok: false, error: 'err.step', params: { value: text, step: formatPlain(s) } };
  }
  const snapped = Number((Math.round(steps) * s).toFixed(Math.min(decimalsOf(s), 10)));
  return { ok: true, value: snapped };
}

// A non-negative number of seconds, or null for an empty field.
export function validateSeconds(raw) {
  const text = String(raw ?? '').trim().replace(/,/g, '.');
  if (text === '') return { ok: true, value: null };
  const value = Number(text);
  if (!/^\d+(\.\d*)?$|^\.\d+$/.test(text) || !Number.isFinite(value)) {
    return { ok: false, error: 'err.seconds', params: { text } };
  }
  return { ok: true, value };
}

// Adds `delta` steps to a value, clamped to [0, max].
export function stepValue(current, delta, { max, step }) {
  const s = Number(step) > 0 ? Number(step) : 1;
  const base = Number.isFinite(Number(current)) && String(current).trim() !== '' ? Number(current) : null;
  let next = base === null ? (delta > 0 ? 0 : Number(max)) : Math.round(base / s) * s + delta * s;
  next = Math.min(Math.max(next, 0), Number(max) > 0 ? Number(max) : next);
  return Number(next.toFixed(Math.min(decimalsOf(s), 10)));
}

// Plain rendering of a mark: no trailing zeros ("12.5", "3").
export function formatPlain(v) {
  if (v === null || v === undefined || Number.isNaN(Number(v))) return '';
  return String(Number(Number(v).toFixed(6)));
}

// A published score with the competition's precision.
export function formatScore(v, precision = 2) {
  const n = Number(v ?? 0);
  if (!Number.isFinite(n)) return '';
  return n.toFixed(Math.max(0, Math.min(6, precision | 0)));
}

// Protobuf JSON: 64-bit integers arrive as strings, defaults are omitted.
export function toBigInt(v) {
  try {
    return BigInt(v ?? 0);
  } catch {
    return 0n;
  }
}

export function msToDate(ms) {
  const n = Number(ms ?? 0);
  return n > 0 ? new Date(n) : null;
}

export function formatTime(ms) {
  const d = msToDate(ms);
  if (!d) return '';
  const pad = (x, n = 2) => String(x).padStart(n, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

// "trade:event.item" -> { trade, event, item }
export function splitRef(ref) {
  const m = /^([^:]*):([^.]*)\.(.*)$/.exec(String(ref || ''));
  return m ? { trade: m[1], event: m[2], item: m[3] } : { trade: '', event: '', item: String(ref || '') };
}

// --- Storage --------------------------------------------------------------------

// localStorage, or null where the browser refuses it (some private modes).
export function safeLocalStorage() {
  try {
    const s = globalThis.localStorage;
    if (!s) return null;
    const probe = '__podium_probe__';
    s.setItem(probe, '1');
    s.removeItem(probe);
    return s;
  } catch {
    return null;
  }
}

export function readJson(storage, name, fallback = null) {
  try {
    const text = storage && storage.getItem(name);
    return text ? JSON.parse(text) : fallback;
  } catch {
    return fallback;
  }
}

export function writeJson(storage, name, value) {
  try {
    if (storage) storage.setItem(name, JSON.stringify(value));
    return true;
  } catch {
    return false;
  }
}

// --- DOM helpers (browser only) ---------------------------------------------------

export function $(selector, root) {
  return (root || document).querySelector(selector);
}

export function $all(selector, root) {
  return Array.from((root || document).querySelectorAll(selector));
}

// h('div', { class: 'x', dataset: { bib: 'K001' }, onclick: fn }, 'text', child)
export function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name === 'dataset') Object.assign(node.dataset, value);
    else if (name === 'style' && typeof value === 'object') Object.assign(node.style, value);
    else if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value);
    else if (value === true) node.setAttribute(name, '');
    else node.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// A promise with its resolve function, for window.podium.ready.
export function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
