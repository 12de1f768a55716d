// The tablet judge page (/judge). See web/README.md for what it guarantees
// and for the ids that tests use.

import { Api, tokenFrom } from './api.js';
import { Outbox, MemoryStorage, StorageError } from './queue.js';
import { t, initLang, setLang, lang, applyI18n } from './i18n.js';
import {
  parseHash, formatHash, newIdempotencyKey, deviceId, validateMark, validateSeconds, stepValue,
  formatPlain, formatTime, safeLocalStorage, readJson, writeJson, $, $all, h, deferred,
} from './util.js';

const TOKEN_KEY = 'podium.judge.token';
const SHEET_KEY = 'podium.judge.sheet';
const ITEM_KEY = 'podium.judge.item.';
const SHEET_REFRESH_MS = 30000;

const persistent = safeLocalStorage();
const storage = persistent || new MemoryStorage();
const hash = parseHash(location.hash);
initLang(hash, storage);

const api = new Api();
const device = deviceId(storage, hash.get('device'));
const ready = deferred();

const S = {
  view: 'loading',      // loading | login | main
  token: '',
  sheet: null,          // the judge's Sheet (normalized)
  sheetFetchedAt: 0,    // when the shown sheet was requested (ms)
  sheetFromCache: false,
  itemRef: '',
  bib: '',
  online: null,         // null unknown, true, false
  pending: null,        // what the confirm dialog would send
  lastSaved: '',
};

// --- the outbox ---------------------------------------------------------------------

const outbox = new Outbox({
  storage,
  send: async (entry) => {
    try {
      const result = await api.call('ScoringService', entry.method, entry.request, { token: entry.token });
      setOnline(true);
      scheduleSheetRefresh();
      return result;
    } catch (e) {
      if (e && e.network) setOnline(false);
      else setOnline(true);
      throw e;
    }
  },
});

let renderQueued = false;
outbox.subscribe((event) => {
  if (event.type === 'auth' && S.sheet && event.judge === S.sheet.judge) {
    // The server no longer accepts this token: the marks wait for a new login.
    showLogin(t('login.refused', { message: t('sync.auth') }));
  }
  if (!renderQueued) {
    renderQueued = true;
    requestAnimationFrame(() => {
      renderQueued = false;
      renderQueue();
      renderEntryState();
      renderOutbox();
      renderSync();
    });
  }
});

// Another tab of this browser changed the outbox: show it.
window.addEventListener('storage', (event) => {
  if (event.key && event.key.startsWith(outbox.prefix)) {
    renderQueue();
    renderOutbox();
    renderSync();
  }
});

window.addEventListener('online', () => {
  outbox.poke();
  refreshSheet();
});
window.addEventListener('offline', () => setOnline(false));
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') {
    outbox.poke();
    refreshSheet();
  }
});

// --- the sheet ----------------------------------------------------------------------

function normalizeSheet(sheet) {
  const s = sheet || {};
  return {
    judge: s.judge || '',
    judge_name: s.judge_name ?? s.judgeName ?? '',
    items: (s.items || []).map((it) => ({
      item: it.item || '',
      name: it.name || it.item || '',
      max: Number(it.max ?? 0),
      step: Number(it.step ?? 0) || 1,
      locked: !!it.locked,
      entries: (it.entries || []).map((e) => ({
        bib: e.bib || '',
        name: e.name || '',
        has_mark: !!(e.has_mark ?? e.hasMark),
        value: Number(e.value ?? 0),
      })),
    })),
  };
}

async function fetchSheet(token) {
  const startedAt = Date.now();
  const sheet = normalizeSheet(await api.call('ScoringService', 'GetSheet', {}, { token }));
  return { sheet, startedAt };
}

let sheetTimer = null;
function scheduleSheetRefresh(ms = 800) {
  if (sheetTimer !== null) clearTimeout(sheetTimer);
  sheetTimer = setTimeout(() => {
    sheetTimer = null;
    refreshSheet();
  }, ms);
}

let refreshing = false;
async function refreshSheet() {
  if (S.view !== 'main' || !S.token || refreshing) return;
  refreshing = true;
  try {
    const { sheet, startedAt } = await fetchSheet(S.token);
    setOnline(true);
    S.sheet = sheet;
    S.sheetFetchedAt = startedAt;
    S.sheetFromCache = false;
    writeJson(storage, SHEET_KEY, { token: S.token, sheet, fetchedAt: startedAt });
    outbox.poke();
    renderMain();
  } catch (e) {
    if (e && e.network) setOnline(false);
    else if (e && e.unauthenticated) showLogin(t('login.refused', { message: e.message }));
  } finally {
    refreshing = false;
  }
}

setInterval(() => {
  if (document.visibilityState !== 'hidden') refreshSheet();
}, SHEET_REFRESH_MS);

// --- login --------------------------------------------------------------------------

function stripTokenFromUrl() {
  if (!hash.has('token')) return;
  const rest = new Map(hash);
  rest.delete('token');
  history.replaceState(null, '', location.pathname + location.search + formatHash(rest));
}

async function login(token, { quiet = false } = {}) {
  const errorBox = $('#login-error');
  if (!token) {
    if (!quiet) showLogin(t('login.empty'));
    else showLogin('');
    return false;
  }
  $('#login-submit').disabled = true;
  try {
    const { sheet, startedAt } = await fetchSheet(token);
    setOnline(true);
    S.token = token;
    api.token = token;
    S.sheet = sheet;
    S.sheetFetchedAt = startedAt;
    S.sheetFromCache = false;
    try {
      storage.setItem(TOKEN_KEY, token);
    } catch { /* the session still works */ }
    writeJson(storage, SHEET_KEY, { token, sheet, fetchedAt: startedAt });
    outbox.updateToken(sheet.judge, token);
    showMain();
    return true;
  } catch (e) {
    if (e && e.network) {
      setOnline(false);
      const cached = readJson(storage, SHEET_KEY);
      if (cached && cached.token === token && cached.sheet) {
        // Offline, but this device knows the sheet: keep working.
        S.token = token;
        api.token = token;
        S.sheet = normalizeSheet(cached.sheet);
        S.sheetFetchedAt = cached.fetchedAt || 0;
        S.sheetFromCache = true;
        showMain();
        return true;
      }
      showLogin(t('login.offline'));
    } else if (e && e.unauthenticated) {
      showLogin(t('login.refused', { message: e.message }));
    } else {
      showLogin(t('login.forbidden', { message: e && e.message ? e.message : String(e) }));
    }
    if (errorBox) errorBox.hidden = false;
    return false;
  } finally {
    $('#login-submit').disabled = false;
  }
}

function logout() {
  try {
    storage.removeItem(TOKEN_KEY);
    storage.removeItem(SHEET_KEY);
  } catch { /* ignore */ }
  // Waiting marks keep their own token and are still sent.
  S.token = '';
  api.token = '';
  S.sheet = null;
  S.bib = '';
  showLogin('');
}

function showLogin(message) {
  S.view = 'login';
  $('#login-view').hidden = false;
  $('#main-view').hidden = true;
  $('#logout').hidden = true;
  $('#judge-who').textContent = '';
  const box = $('#login-error');
  box.textContent = message || '';
  box.hidden = !message;
  renderSync();
  setTimeout(() => $('#login-token').focus(), 0);
}

function showMain() {
  S.view = 'main';
  $('#login-view').hidden = true;
  $('#main-view').hidden = false;
  $('#logout').hidden = false;
  const items = S.sheet.items;
  const remembered = storage.getItem(ITEM_KEY + S.sheet.judge);
  const wanted = hash.get('item') || remembered;
  if (!items.some((it) => it.item === S.itemRef)) {
    S.itemRef = items.some((it) => it.item === wanted) ? wanted : (items[0] ? items[0].item : '');
  }
  S.bib = '';
  renderMain();
  outbox.start();
  outbox.poke();
}

// --- rendering ------------------------------------------------------------------------

function currentItem() {
  return S.sheet ? S.sheet.items.find((it) => it.item === S.itemRef) || null : null;
}

function myEntries() {
  return S.sheet ? outbox.list({ judge: S.sheet.judge }) : [];
}

// The newest outbox entry of this judge for (item, bib).
function latestLocal(entries, itemRef, bib) {
  let latest = null;
  for (const e of entries) {
    if (e.request.item === itemRef && e.request.bib === bib) latest = e;
  }
  return latest;
}

// What the queue shows for one contestant: the server's mark, unless this
// device holds something newer.
function rowState(item, sheetEntry, entries) {
  const local = latestLocal(entries, item.item, sheetEntry.bib);
  if (local && local.state === 'waiting') {
    return { state: 'waiting', value: local.request.value ?? 0, hasMark: true, local };
  }
  if (local && local.state === 'refused' && !local.dismissed) {
    return {
      state: 'refused',
      value: sheetEntry.has_mark ? sheetEntry.value : null,
      hasMark: sheetEntry.has_mark,
      local,
    };
  }
  if (local && local.state === 'sent' && local.sentAt >= S.sheetFetchedAt) {
    return { state: 'marked', value: local.request.value ?? 0, hasMark: true, local };
  }
  if (sheetEntry.has_mark) return { state: 'marked', value: sheetEntry.value, hasMark: true, local };
  return { state: 'todo', value: null, hasMark: false, local };
}

function renderMain() {
  if (S.view !== 'main' || !S.sheet) return;
  const who = S.sheet.judge_name ? `${S.sheet.judge_name} (${S.sheet.judge})` : S.sheet.judge;
  $('#judge-who').textContent = who;
  const note = $('#offline-note');
  note.textContent = S.sheetFromCache ? t('login.offlineCached') : '';
  note.hidden = !S.sheetFromCache;
  if (!persistent) {
    note.textContent = `${note.textContent} ${t('judge.storageFailed', { message: 'localStorage' })}`.trim();
    note.hidden = false;
  }
  renderItems();
  renderQueue();
  renderEntry();
  renderOutbox();
  renderSync();
}

function renderItems() {
  const select = $('#item-select');
  const items = S.sheet.items;
  $('#no-items').hidden = items.length > 0;
  select.replaceChildren(...items.map((it) => h('option', { value: it.item, selected: it.item === S.itemRef },
    `${it.locked ? `[${t('chief.locked')}] ` : ''}${it.name} (${it.item})`)));
  select.value = S.itemRef;
  select.disabled = items.length === 0;
  const item = currentItem();
  $('#item-info').textContent = item ? t('judge.itemInfo', { max: formatPlain(item.max), step: formatPlain(item.step) }) : '';
  $('#item-locked').hidden = !(item && item.locked);
}

function renderQueue() {
  const box = $('#queue');
  const item = currentItem();
  if (S.view !== 'main' || !item) {
    box.replaceChildren();
    $('#item-progress').textContent = '';
    return;
  }
  const entries = myEntries();
  let done = 0;
  // Update rows in place when the list is the same (a tap landing while the
  // outbox re-renders must not hit a row that is being replaced).
  const existing = Array.from(box.children);
  const same = existing.length === item.entries.length &&
    existing.every((row, i) => row.dataset.bib === item.entries[i].bib && row.dataset.item === item.item);
  const rows = item.entries.map((e, i) => {
    const st = rowState(item, e, entries);
    if (st.hasMark) done += 1;
    const row = same ? existing[i] : h('button', {
      type: 'button',
      class: 'qrow',
      role: 'option',
      dataset: { bib: e.bib, item: item.item, testid: 'queue-row' },
      onclick: () => selectBib(e.bib),
    },
    h('span', { class: 'q-bib' }, e.bib),
    h('span', { class: 'q-name' }),
    h('span', { class: 'q-value' }),
    h('span', { class: 'q-state' }));
    row.setAttribute('aria-selected', e.bib === S.bib ? 'true' : 'false');
    row.dataset.state = st.state;
    row.dataset.value = st.value === null ? '' : String(st.value);
    row.querySelector('.q-name').textContent = e.name || '';
    row.querySelector('.q-value').textContent = st.value === null ? '' : formatPlain(st.value);
    row.querySelector('.q-state').textContent = t(`queue.${st.state}`);
    return row;
  });
  if (!same) box.replaceChildren(...rows);
  $('#item-progress').textContent = t('judge.progress', { done, total: item.entries.length });
}

function selectBib(bib) {
  S.bib = bib;
  $('#mark-input').value = '';
  $('#time-input').value = '';
  $('#time-details').open = false;
  $('#correction-reason').value = '';
  hideMarkError();
  for (const row of $all('#queue .qrow')) row.setAttribute('aria-selected', row.dataset.bib === bib ? 'true' : 'false');
  renderEntry();
  const input = $('#mark-input');
  // Tablets: do not pop the soft keyboard up; the keypad is on screen.
  if (!matchMedia('(pointer: coarse)').matches) input.focus();
}

function entryContext() {
  const item = currentItem();
  if (!item || !S.bib) return null;
  const sheetEntry = item.entries.find((e) => e.bib === S.bib);
  if (!sheetEntry) return null;
  const st = rowState(item, sheetEntry, myEntries());
  return { item, sheetEntry, st, mode: st.hasMark ? 'correct' : 'mark' };
}

function renderEntry() {
  const ctx = entryContext();
  const entry = $('#entry');
  $('#entry-empty').hidden = !!ctx;
  $('#entry-form').hidden = !ctx;
  if (!ctx) {
    entry.dataset.mode = 'none';
    return;
  }
  entry.dataset.mode = ctx.mode;
  entry.dataset.bib = S.bib;
  $('#entry-bib').textContent = S.bib;
  $('#entry-name').textContent = ctx.sheetEntry.name || '';
  $('#entry-mode').textContent = ctx.mode === 'correct' ? t('judge.modeCorrect') : t('judge.modeMark');
  renderEntryState();
  $('#entry-range').textContent = t('judge.range', { max: formatPlain(ctx.item.max), step: formatPlain(ctx.item.step) });
  $('#reason-row').hidden = ctx.mode !== 'correct';
  $('#mark-submit').textContent = ctx.mode === 'correct' ? t('judge.submitCorrection') : t('judge.submit');
  $('#mark-submit').disabled = ctx.item.locked;
  const input = $('#mark-input');
  input.setAttribute('aria-invalid', 'false');
  input.setAttribute('placeholder', `0 – ${formatPlain(ctx.item.max)}`);
  // Quick buttons when the range has few values (judgement 0-3, 0-10...).
  const count = Math.floor(ctx.item.max / ctx.item.step + 1e-9) + 1;
  const quick = $('#quick-values');
  if (count <= 11) {
    const values = Array.from({ length: count }, (_, i) => Number((i * ctx.item.step).toFixed(6)));
    quick.replaceChildren(...values.map((v) => h('button', {
      type: 'button',
      dataset: { value: String(v) },
      onclick: () => {
        input.value = formatPlain(v);
        liveValidate();
      },
    }, formatPlain(v))));
    quick.hidden = false;
  } else {
    quick.replaceChildren();
    quick.hidden = true;
  }
}

// The "current mark" line, which changes as the outbox sends.
function renderEntryState() {
  const ctx = entryContext();
  if (!ctx) return;
  const current = $('#entry-current');
  if (ctx.st.hasMark && ctx.st.value !== null) {
    current.textContent = ctx.st.state === 'waiting'
      ? t('judge.currentWaiting', { value: formatPlain(ctx.st.value) })
      : t('judge.current', { value: formatPlain(ctx.st.value) });
  } else {
    current.textContent = '';
  }
  const mode = ctx.mode;
  if ($('#entry').dataset.mode !== mode) renderEntry();
}

function showMarkError(text) {
  const box = $('#mark-error');
  box.textContent = text;
  box.hidden = !text;
}

function hideMarkError() {
  showMarkError('');
  $('#mark-input').setAttribute('aria-invalid', 'false');
}

function liveValidate() {
  const ctx = entryContext();
  const input = $('#mark-input');
  if (!ctx || input.value.trim() === '') {
    hideMarkError();
    return null;
  }
  const check = validateMark(input.value, ctx.item);
  input.setAttribute('aria-invalid', check.ok ? 'false' : 'true');
  showMarkError(check.ok ? '' : t(check.error, check.params));
  return check;
}

// --- entering a mark ----------------------------------------------------------------------

function submit() {
  const ctx = entryContext();
  if (!ctx) {
    showMarkError(t('err.noBib'));
    return;
  }
  if (ctx.item.locked) {
    showMarkError(t('err.locked'));
    return;
  }
  const check = validateMark($('#mark-input').value, ctx.item);
  if (!check.ok) {
    $('#mark-input').setAttribute('aria-invalid', 'true');
    showMarkError(t(check.error, check.params));
    return;
  }
  const time = validateSeconds($('#time-input').value);
  if (!time.ok) {
    $('#time-details').open = true;
    showMarkError(t(time.error, time.params));
    return;
  }
  const reason = $('#correction-reason').value.trim();
  if (ctx.mode === 'correct' && !reason) {
    showMarkError(t('err.reason'));
    $('#correction-reason').focus();
    return;
  }
  hideMarkError();
  S.pending = {
    mode: ctx.mode,
    bib: S.bib,
    item: ctx.item,
    value: check.value,
    time: time.value,
    reason,
    from: ctx.st.value,
  };
  openConfirm();
}

function openConfirm() {
  const p = S.pending;
  const text = $('#confirm-text');
  const lines = [h('div', {}, t('judge.confirmMark', { bib: p.bib, item: p.item.name }))];
  if (p.mode === 'correct') lines.push(h('div', {}, t('judge.confirmCorrection', { from: formatPlain(p.from) })));
  lines.push(h('span', { class: 'confirm-value', id: 'confirm-value' }, formatPlain(p.value)));
  if (p.time !== null) lines.push(h('div', {}, t('judge.confirmTime', { time: formatPlain(p.time) })));
  if (p.mode === 'correct') lines.push(h('div', {}, t('judge.confirmReason', { reason: p.reason })));
  text.replaceChildren(...lines);
  $('#confirm').hidden = false;
  $('#confirm-yes').focus();
}

function closeConfirm() {
  $('#confirm').hidden = true;
  S.pending = null;
}

function confirmYes() {
  const p = S.pending;
  if (!p) return;
  const request = {
    idempotency_key: newIdempotencyKey(`web-${S.sheet.judge}`),
    bib: p.bib,
    item: p.item.item,
    value: p.value,
    device,
  };
  if (p.time !== null) request.time_used_seconds = p.time;
  if (p.mode === 'correct') request.reason = p.reason;
  try {
    outbox.enqueue({
      method: p.mode === 'correct' ? 'CorrectMark' : 'SubmitMark',
      request,
      judge: S.sheet.judge,
      token: S.token,
      meta: { itemName: p.item.name, kind: p.mode === 'correct' ? 'correction' : 'mark', from: p.from },
    });
  } catch (e) {
    closeConfirm();
    showMarkError(t('judge.storageFailed', { message: e instanceof StorageError ? e.message : String(e && e.message ? e.message : e) }));
    return;
  }
  closeConfirm();
  S.lastSaved = request.idempotency_key;
  outbox.flush();
  // Next contestant still to mark, after this one.
  const item = p.item;
  const entries = myEntries();
  const order = item.entries;
  const at = order.findIndex((e) => e.bib === p.bib);
  let next = '';
  for (let k = 1; k <= order.length; k++) {
    const e = order[(at + k) % order.length];
    if (rowState(item, e, entries).state === 'todo') {
      next = e.bib;
      break;
    }
  }
  renderQueue();
  if (p.mode === 'mark' && next) selectBib(next);
  else selectBib(p.bib);
}

// --- outbox and sync display ----------------------------------------------------------------

function entryStatusText(e) {
  if (e.state === 'sent') {
    if (e.result && e.result.state === 'WRITE_STATE_AWAITING_CONFIRMATION') return t('mark.awaiting');
    return e.result && e.result.duplicate ? t('mark.duplicate') : t('mark.sent');
  }
  if (e.state === 'refused') return t('mark.refused', { message: e.error ? e.error.message : '' });
  if (e.detail === 'auth') return t('mark.auth');
  if (e.detail === 'sending' && outbox.sending.has(e.key)) return t('mark.sending');
  if (e.detail === 'retrying' && e.error) return t('mark.retrying', { n: e.attempts, message: e.error.message });
  return t('mark.waiting');
}

function itemLabel(e) {
  return (e.meta && e.meta.itemName) || e.request.item;
}

function renderOutbox() {
  const list = $('#outbox');
  const all = outbox.all();
  const shown = all.slice(-100).reverse();
  $('#outbox-empty').hidden = shown.length > 0;
  const mine = S.sheet ? S.sheet.judge : '';
  list.replaceChildren(...shown.map((e) => {
    const kind = e.method === 'CorrectMark' ? t('judge.kindCorrection') : t('judge.kindMark');
    const actions = [];
    if (e.state === 'refused' && !e.dismissed) {
      actions.push(h('button', { type: 'button', dataset: { action: 'dismiss' }, onclick: () => outbox.dismiss(e.key) }, t('judge.dismiss')));
      if (e.judge === mine) {
        actions.push(h('button', { type: 'button', dataset: { action: 'reenter' }, onclick: () => reenter(e) }, t('judge.reenter')));
      }
    }
    return h('li', {
      dataset: {
        key: e.key,
        state: e.state,
        detail: e.detail || '',
        dismissed: e.dismissed ? 'true' : 'false',
        entryBib: e.request.bib,
        entryItem: e.request.item,
        testid: 'outbox-entry',
      },
    },
    h('span', { class: 'o-what' }, `${e.request.bib} · ${formatPlain(e.request.value ?? 0)}`),
    h('span', { class: 'muted' }, `${itemLabel(e)} · ${kind}${e.judge !== mine ? ` · ${t('judge.otherJudge', { judge: e.judge })}` : ''}`),
    h('span', { class: 'muted' }, formatTime(e.createdAt)),
    h('span', { class: 'o-actions' }, actions),
    h('span', { class: `o-status state-${e.state}`, dataset: { testid: 'mark-status' } }, entryStatusText(e)));
  }));
  const refusal = $('#refusal-message');
  const refused = all.filter((e) => e.state === 'refused' && !e.dismissed);
  const newest = refused[refused.length - 1];
  if (newest) {
    refusal.textContent = `${newest.request.bib} · ${itemLabel(newest)} · ${formatPlain(newest.request.value ?? 0)} — ` +
      t('mark.refused', { message: newest.error ? newest.error.message : '' });
    refusal.dataset.refusedKey = newest.key;
    refusal.hidden = false;
  } else {
    refusal.textContent = '';
    delete refusal.dataset.refusedKey;
    refusal.hidden = true;
  }
}

function reenter(e) {
  outbox.dismiss(e.key);
  if (S.itemRef !== e.request.item && S.sheet.items.some((it) => it.item === e.request.item)) {
    S.itemRef = e.request.item;
    renderItems();
    renderQueue();
  }
  selectBib(e.request.bib);
  $('#mark-input').value = formatPlain(e.request.value ?? 0);
  if (e.request.reason) $('#correction-reason').value = e.request.reason;
  liveValidate();
}

function renderSync() {
  const s = outbox.summary();
  const button = $('#sync-status');
  button.dataset.state = s.state;
  button.dataset.waiting = String(s.waiting);
  button.dataset.refused = String(s.refused);
  button.dataset.sent = String(s.sent);
  let text = t('sync.sent');
  if (s.state === 'waiting') text = t('sync.waiting', { n: s.waiting });
  if (s.state === 'refused') {
    text = t('sync.refused', { n: s.refused });
    if (s.waiting) text += ` · ${t('sync.waiting', { n: s.waiting })}`;
  }
  if (s.auth) text += ` · ${t('sync.auth')}`;
  else if (s.waiting && s.nextAttemptAt > Date.now() + 1500) {
    text += ` · ${t('sync.nextTry', { s: Math.ceil((s.nextAttemptAt - Date.now()) / 1000) })}`;
  }
  button.textContent = text;
  button.title = s.lastError ? s.lastError.message : '';
}

// The countdown to the next retry.
setInterval(renderSync, 1000);

function setOnline(online) {
  if (S.online === online) return;
  S.online = online;
  const pill = $('#net-status');
  pill.dataset.state = online === null ? 'unknown' : online ? 'online' : 'offline';
  pill.textContent = online === null ? t('net.unknown') : online ? t('net.online') : t('net.offline');
  if (online && S.sheetFromCache && S.view === 'main') refreshSheet();
}

// --- wiring -----------------------------------------------------------------------------------

function wire() {
  $('#login-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    login($('#login-token').value.trim());
  });
  $('#logout').addEventListener('click', logout);
  $('#lang-toggle').addEventListener('click', () => {
    setLang(lang() === 'zh' ? 'en' : 'zh', storage);
    applyI18n(document);
    const online = S.online;
    S.online = undefined;
    setOnline(online);
    renderMain();
    renderSync();
  });
  $('#item-select').addEventListener('change', (ev) => {
    S.itemRef = ev.target.value;
    try {
      storage.setItem(ITEM_KEY + S.sheet.judge, S.itemRef);
    } catch { /* ignore */ }
    S.bib = '';
    renderItems();
    renderQueue();
    renderEntry();
  });
  const input = $('#mark-input');
  input.addEventListener('input', liveValidate);
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') {
      ev.preventDefault();
      submit();
    }
  });
  $('#keypad').addEventListener('click', (ev) => {
    const key = ev.target.closest('button') && ev.target.closest('button').dataset.pad;
    if (!key) return;
    if (key === 'back') input.value = input.value.slice(0, -1);
    else if (key === '.') {
      if (!input.value.includes('.')) input.value = (input.value || '0') + '.';
    } else input.value = input.value === '0' ? key : input.value + key;
    liveValidate();
  });
  const step = (delta) => {
    const ctx = entryContext();
    if (!ctx) return;
    input.value = formatPlain(stepValue(input.value, delta, ctx.item));
    liveValidate();
  };
  $('#mark-minus').addEventListener('click', () => step(-1));
  $('#mark-plus').addEventListener('click', () => step(1));
  $('#mark-submit').addEventListener('click', submit);
  $('#confirm-yes').addEventListener('click', confirmYes);
  $('#confirm-no').addEventListener('click', () => {
    closeConfirm();
    $('#mark-input').focus();
  });
  document.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && !$('#confirm').hidden) closeConfirm();
  });
  $('#sync-now').addEventListener('click', () => {
    outbox.poke();
    refreshSheet();
  });
  $('#sync-status').addEventListener('click', () => {
    outbox.poke();
    const panel = $('#outbox-panel');
    if (panel && !panel.hidden) panel.scrollIntoView({ behavior: 'smooth', block: 'start' });
  });
}

// --- test hook ---------------------------------------------------------------------------------

window.podium = {
  page: 'judge',
  ready: ready.promise,
  outbox,
  flush: () => outbox.flush(),
  refresh: () => refreshSheet(),
  state: () => ({
    view: S.view,
    judge: S.sheet ? S.sheet.judge : '',
    item: S.itemRef,
    bib: S.bib,
    mode: $('#entry').dataset.mode,
    online: S.online,
    offlineSheet: S.sheetFromCache,
    lang: lang(),
    device,
    durable: !!persistent,
    sync: outbox.summary(),
    marks: outbox.all().map((e) => ({
      key: e.key,
      state: e.state,
      detail: e.detail,
      method: e.method,
      judge: e.judge,
      bib: e.request.bib,
      item: e.request.item,
      value: e.request.value ?? 0,
      attempts: e.attempts,
      error: e.error,
      result: e.result,
    })),
  }),
};

// --- start ------------------------------------------------------------------------------------

async function main() {
  applyI18n(document);
  setOnline(null);
  S.online = null;
  $('#net-status').textContent = t('net.unknown');
  wire();
  outbox.prune();
  const token = tokenFrom(hash, storage, TOKEN_KEY);
  stripTokenFromUrl();
  renderSync();
  if (token) {
    $('#login-token').value = '';
    await login(token, { quiet: true });
  } else {
    showLogin('');
  }
  // Marks of earlier sessions (other judges too) are sent whatever the login.
  outbox.start();
  ready.resolve(window.podium.state());
}

main().catch((e) => {
  console.error(e);
  ready.resolve(window.podium.state());
});
