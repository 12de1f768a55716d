// The chief judge page (/chief): review queue, corrections and voids with a
// reason, locks, mark history, judge analytics, phase and results release.

import { Api, tokenFrom } from './api.js';
import { t, initLang, setLang, lang, applyI18n } from './i18n.js';
import {
  parseHash, formatHash, newIdempotencyKey, deviceId, formatPlain, formatTime, safeLocalStorage,
  splitRef, $, h, deferred,
} from './util.js';
import { MemoryStorage } from './queue.js';
import {
  THRESHOLDS, normalizeAnalytics, analyzeJudges, formatSigned, formatShare,
} from './analytics.js';

const TOKEN_KEY = 'podium.chief.token';
const REVIEW_REFRESH_MS = 10000;
const ANALYTICS_REFRESH_MS = 30000;

const storage = safeLocalStorage() || new MemoryStorage();
const hash = parseHash(location.hash);
initLang(hash, storage);
const api = new Api();
const device = deviceId(storage, hash.get('device'));
const ready = deferred();

const S = {
  view: 'loading',
  token: '',
  who: '',              // judge id (chief) or '' (organizer)
  whoName: '',
  competition: null,
  lifecycle: null,
  items: [],            // [{ ref, name, trade, event, locked }]
  events: [],           // [{ ref: 'trade:event.*', name, locked }]
  review: { panels: [], conflicts: [] },
  reviewAt: 0,
  history: null,        // { query, events }
  analytics: {
    open: false,
    state: 'idle',      // idle | loading | loaded | empty | error
    trade: null,        // the trade of the last answer ('' all)
    groups: [],         // analyzeJudges(): [{ item, itemName, rows, marks, rasch, attention }]
    error: null,        // { status, message }
    at: 0,
    seq: 0,
  },
  lastResult: null,
  busy: 0,
};

// --- writes: idempotent, retried, keyed by what they do ------------------------------

// A write that got no definite answer keeps its key: doing the same thing
// again (a click on the same button with the same fields) reuses it, so the
// server counts it once.
const unsettledKeys = new Map();

function keyFor(method, body) {
  const signature = JSON.stringify([method, body]);
  if (!unsettledKeys.has(signature)) unsettledKeys.set(signature, newIdempotencyKey(`web-chief`));
  return { signature, key: unsettledKeys.get(signature) };
}

async function write(service, method, body, { what, resultEl }) {
  const { signature, key } = keyFor(method, body);
  const request = { ...body, idempotency_key: key };
  showResult(resultEl, 'pending', t('chief.pending'));
  S.busy += 1;
  let lastError = null;
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const answer = await api.call(service, method, request);
        unsettledKeys.delete(signature);
        setNetError('');
        const duplicate = !!answer.duplicate;
        const text = duplicate ? t('chief.doneDuplicate', { what })
          : answer.sequence ? t('chief.done', { what, seq: answer.sequence }) : t('chief.doneSimple', { what });
        showResult(resultEl, 'ok', text);
        S.lastResult = { ok: true, method, key, answer };
        return { ok: true, answer };
      } catch (e) {
        lastError = e;
        if (!e.retryable) break;
        await new Promise((r) => setTimeout(r, 500 * 3 ** attempt));
      }
    }
  } finally {
    S.busy -= 1;
  }
  if (lastError && lastError.retryable) {
    showResult(resultEl, 'error', t('chief.notConfirmed', { message: lastError.message }));
  } else {
    unsettledKeys.delete(signature);  // a definite refusal: a new try is a new write
    showResult(resultEl, 'error', t('chief.failed', { message: lastError ? lastError.message : '?' }));
  }
  if (lastError && lastError.unauthenticated) showLogin(t('login.refused', { message: lastError.message }));
  S.lastResult = { ok: false, method, key, error: lastError && { status: lastError.status, message: lastError.message } };
  return { ok: false, error: lastError };
}

function showResult(el, state, text) {
  el.dataset.state = state;
  el.textContent = text;
  el.hidden = !text;
}

function setNetError(text) {
  const box = $('#net-error');
  box.textContent = text;
  box.hidden = !text;
}

async function read(service, method, body) {
  try {
    const answer = await api.call(service, method, body);
    setNetError('');
    return answer;
  } catch (e) {
    if (e.unauthenticated) showLogin(t('login.refused', { message: e.message }));
    else setNetError(t('common.error', { message: e.message }));
    throw e;
  }
}

// --- confirm dialog ------------------------------------------------------------------------

function confirmDialog(text) {
  return new Promise((resolve) => {
    const box = $('#confirm');
    $('#confirm-text').textContent = text;
    box.hidden = false;
    const done = (answer) => {
      box.hidden = true;
      $('#confirm-yes').onclick = null;
      $('#confirm-no').onclick = null;
      resolve(answer);
    };
    $('#confirm-yes').onclick = () => done(true);
    $('#confirm-no').onclick = () => done(false);
    $('#confirm-yes').focus();
  });
}

// --- login ---------------------------------------------------------------------------------

function stripTokenFromUrl() {
  if (!hash.has('token')) return;
  const rest = new Map(hash);
  rest.delete('token');
  history.replaceState(null, '', location.pathname + location.search + formatHash(rest));
}

async function login(token) {
  if (!token) {
    showLogin('');
    return false;
  }
  api.token = token;
  $('#login-submit').disabled = true;
  try {
    // Only staff may read the review queue: this checks the token's role.
    const review = await api.call('ScoringService', 'GetReviewQueue', {});
    S.token = token;
    try {
      storage.setItem(TOKEN_KEY, token);
    } catch { /* fine */ }
    S.review = normalizeReview(review);
    S.reviewAt = Date.now();
    try {
      const sheet = await api.call('ScoringService', 'GetSheet', {});
      S.who = sheet.judge || '';
      S.whoName = sheet.judge_name || '';
    } catch {
      S.who = '';
      S.whoName = '';  // an organizer: no sheet
    }
    await loadCompetition();
    showMain();
    return true;
  } catch (e) {
    api.token = '';
    if (e.network) showLogin(t('login.offline'));
    else if (e.unauthenticated) showLogin(t('login.refused', { message: e.message }));
    else showLogin(t('login.forbidden', { message: e.message }));
    return false;
  } finally {
    $('#login-submit').disabled = false;
  }
}

function showLogin(message) {
  S.view = 'login';
  $('#login-view').hidden = false;
  $('#main-view').hidden = true;
  $('#logout').hidden = true;
  const box = $('#login-error');
  box.textContent = message || '';
  box.hidden = !message;
}

function showMain() {
  S.view = 'main';
  $('#login-view').hidden = true;
  $('#main-view').hidden = false;
  $('#logout').hidden = false;
  $('#chief-who').textContent = S.who ? `${S.whoName} (${S.who})` : 'organizer';
  renderAll();
  loadContestants();
}

function logout() {
  try {
    storage.removeItem(TOKEN_KEY);
  } catch { /* ignore */ }
  api.token = '';
  S.token = '';
  showLogin('');
}

// --- competition, locks, phase ---------------------------------------------------------------

async function loadCompetition() {
  const c = await read('CompetitionService', 'GetCompetition', {});
  S.competition = c;
  S.lifecycle = c.lifecycle || {};
  S.items = [];
  S.events = [];
  for (const trade of c.trades || []) {
    for (const event of trade.events || []) {
      S.events.push({
        ref: `${trade.id}:${event.id}.*`,
        name: `${trade.name || trade.id} · ${event.name || event.id}`,
        locked: !!event.locked,
        trade: trade.id,
      });
      for (const item of event.items || []) {
        S.items.push({
          ref: item.ref || `${trade.id}:${event.id}.${item.id}`,
          name: item.name || item.id,
          nameEn: item.name_en || '',
          trade: trade.id,
          tradeName: trade.name || trade.id,
          event: event.id,
          eventName: event.name || event.id,
          locked: !!item.locked,
          max: Number(item.max ?? 0),
          step: Number(item.step ?? 0),
          rule: item.rule || '',
        });
      }
    }
  }
}

async function loadContestants() {
  try {
    const list = await read('CompetitionService', 'ListContestants', {});
    $('#bib-list').replaceChildren(...(list.contestants || []).map((c) =>
      h('option', { value: c.bib }, [c.name, c.organization].filter(Boolean).join(' · '))));
  } catch { /* optional */ }
}

async function refreshCompetition() {
  try {
    await loadCompetition();
    renderLocks();
    renderPhase();
    renderItemSelect();
  } catch { /* shown by read() */ }
}

function itemName(ref) {
  const item = S.items.find((i) => i.ref === ref);
  return item ? item.name : ref;
}

function renderItemSelect() {
  const select = $('#act-item');
  const keep = select.value;
  select.replaceChildren(...S.items.map((i) => h('option', { value: i.ref }, `${i.name} (${i.ref})`)));
  if (keep && S.items.some((i) => i.ref === keep)) select.value = keep;
}

function renderLocks() {
  const rows = [];
  for (const event of S.events) {
    rows.push(lockRow(event.ref, `${event.name} (${t('chief.wholeEvent')})`, event.locked, 'event'));
    for (const item of S.items.filter((i) => `${i.trade}:${i.event}.*` === event.ref)) {
      rows.push(lockRow(item.ref, item.name, item.locked, 'item'));
    }
  }
  $('#locks').replaceChildren(...rows);
  $('#lock-list').replaceChildren(...[...S.events, ...S.items].map((x) => h('option', { value: x.ref }, x.name)));
}

function lockRow(ref, name, locked, kind) {
  return h('tr', { dataset: { lockRef: ref, locked: locked ? 'true' : 'false', kind, testid: 'lock-row' } },
    h('td', {}, name),
    h('td', { class: 'mono' }, ref),
    h('td', { class: 'lock-state' }, locked ? t('chief.locked') : t('chief.unlocked')),
    h('td', {}, h('button', {
      type: 'button',
      dataset: { action: locked ? 'unlock' : 'lock', ref },
      onclick: () => setLock(ref, !locked),
    }, locked ? t('chief.unlock') : t('chief.lock'))));
}

async function setLock(ref, locked) {
  if (!ref) {
    showResult($('#lock-result'), 'error', t('chief.needFields', { fields: t('chief.lockTarget') }));
    return;
  }
  const body = { item: ref, locked, device };
  const reason = $('#lock-reason').value.trim();
  if (reason) body.reason = reason;
  const r = await write('ScoringService', 'SetLock', body, {
    what: `${locked ? t('chief.lock') : t('chief.unlock')} ${ref}`,
    resultEl: $('#lock-result'),
  });
  if (r.ok) await refreshCompetition();
}

function phaseName(phase) {
  return t(`phase.${phase || 'PHASE_UNSPECIFIED'}`);
}

function renderPhase() {
  const l = S.lifecycle || {};
  const phase = l.phase || 'PHASE_UNSPECIFIED';
  const state = $('#phase-state');
  state.dataset.phase = phase;
  state.dataset.released = l.results_released ? 'true' : 'false';
  state.textContent = t('chief.phaseNow', { phase: phaseName(phase) });
  const pill = $('#phase-pill');
  pill.dataset.phase = phase;
  pill.textContent = phaseName(phase);
  const details = [];
  if (Number(l.frozen_at_ms || 0) > 0) details.push(t('chief.frozenAt', { time: formatTime(l.frozen_at_ms) }));
  if (Number(l.freeze_at_ms || 0) > 0) details.push(t('chief.freezeAt', { time: formatTime(l.freeze_at_ms) }));
  details.push(l.results_released ? t('chief.released') : t('chief.notReleased'));
  $('#phase-detail').textContent = details.join(' · ');
  $('#phase-freeze').disabled = phase === 'PHASE_FINAL';
  $('#phase-unfreeze').disabled = phase !== 'PHASE_FROZEN' && !(Number(l.freeze_at_ms || 0) > 0);
  $('#phase-final').disabled = phase === 'PHASE_FINAL';
  $('#release-results').disabled = phase !== 'PHASE_FINAL' || !!l.results_released;
  renderExports();
}

// Download links of the organizer's exports (GET /api/v1/export/<file>). Not
// final yet: they are provisional, and every page of them says so.
const EXPORTS = ['results.xlsx', 'awards.csv', 'notice.html', 'notice.pdf', 'results.json', 'audit.xlsx'];

function renderExports() {
  const final = (S.lifecycle && S.lifecycle.phase) === 'PHASE_FINAL';
  $('#exports-note').textContent = t(final ? 'chief.exportsFinal' : 'chief.exportsProvisional');
  $('#exports-note').dataset.final = final ? 'true' : 'false';
  const query = new URLSearchParams({ token: S.token || '' });
  if (!final) query.set('provisional', '1');
  if ($('#publish-from').value) query.set('publish_from', $('#publish-from').value);
  if ($('#publish-to').value) query.set('publish_to', $('#publish-to').value);
  $('#exports').replaceChildren(...EXPORTS.map((name) => h('li', {},
    h('a', {
      href: `/api/v1/export/${name}?${query}`,
      // Notices open in a tab to print; the rest download.
      ...(name.startsWith('notice.') ? { target: '_blank', rel: 'noopener' } : { download: name }),
      dataset: { testid: 'export-link', file: name },
    },
      t(`export.${name}`)))));
}

async function setPhase(phase) {
  const body = { phase };
  const reason = $('#phase-reason').value.trim();
  if (reason) body.reason = reason;
  if (phase === 'PHASE_FROZEN' && $('#freeze-at').value) {
    const at = new Date($('#freeze-at').value).getTime();
    if (Number.isFinite(at)) body.at_ms = String(at);
  }
  if (phase === 'PHASE_FINAL' && !(await confirmDialog(t('chief.confirmFinal')))) return;
  const r = await write('CompetitionService', 'SetPhase', body, {
    what: phaseName(phase),
    resultEl: $('#phase-result'),
  });
  if (r.ok) {
    S.lifecycle = r.answer;
    renderPhase();
  }
}

async function releaseResults() {
  if (!(await confirmDialog(t('chief.confirmRelease')))) return;
  const r = await write('CompetitionService', 'ReleaseResults', {}, {
    what: t('chief.release'),
    resultEl: $('#phase-result'),
  });
  if (r.ok) {
    S.lifecycle = r.answer;
    renderPhase();
  }
}

async function refreshLifecycle() {
  try {
    S.lifecycle = await read('CompetitionService', 'GetLifecycle', {});
    renderPhase();
  } catch { /* shown */ }
}

// --- review queue ------------------------------------------------------------------------------

function normalizeReview(q) {
  return {
    panels: (q.panels || []).map((p) => ({
      bib: p.bib || '',
      item: p.item || '',
      spread: Number(p.spread ?? 0),
      tolerance: Number(p.tolerance ?? 0),
      marks: (p.marks || []).map((m) => ({ judge: m.judge || '', value: Number(m.value ?? 0) })),
    })),
    conflicts: (q.conflicts || []).map((c) => ({
      bib: c.bib || '',
      item: c.item || '',
      judge: c.judge || '',
      first_value: Number(c.first_value ?? 0),
      first_actor: c.first_actor || '',
      second_value: Number(c.second_value ?? 0),
      second_actor: c.second_actor || '',
    })),
  };
}

async function refreshReview() {
  const trade = $('#review-trade').value;
  try {
    S.review = normalizeReview(await read('ScoringService', 'GetReviewQueue', trade ? { trade } : {}));
    S.reviewAt = Date.now();
    renderReview();
  } catch { /* shown */ }
}

function fillForm({ bib, item, judge, value }) {
  if (bib !== undefined) $('#act-bib').value = bib;
  if (item !== undefined) $('#act-item').value = item;
  if (judge !== undefined) $('#act-judge').value = judge;
  if (value !== undefined) $('#act-value').value = value === null ? '' : formatPlain(value);
  $('#act-reason').focus();
}

function renderReview() {
  const rows = [];
  const { panels, conflicts } = S.review;
  if (panels.length) {
    rows.push(h('tr', { class: 'group' }, h('th', { colspan: 4 }, `${t('chief.panels')} (${panels.length})`)));
  }
  for (const p of panels) {
    const values = p.marks.map((m) => m.value);
    const hi = Math.max(...values);
    const lo = Math.min(...values);
    rows.push(h('tr', { dataset: { testid: 'review-panel', kind: 'panel', bib: p.bib, item: p.item } },
      h('td', {}, h('strong', {}, p.bib)),
      h('td', {}, itemName(p.item), h('div', { class: 'muted mono' }, p.item)),
      h('td', {},
        h('div', { class: 'muted' }, t('chief.spread', { spread: formatPlain(p.spread), tolerance: formatPlain(p.tolerance) })),
        h('div', { class: 'marks' }, p.marks.map((m) => h('button', {
          type: 'button',
          class: `mark-chip${m.value === hi ? ' hi' : ''}${m.value === lo ? ' lo' : ''}`,
          dataset: { judge: m.judge, value: String(m.value) },
          title: t('chief.correct'),
          onclick: () => fillForm({ bib: p.bib, item: p.item, judge: m.judge, value: m.value }),
        }, h('span', { class: 'j' }, m.judge), formatPlain(m.value))))),
      h('td', {}, h('div', { class: 'row-actions' },
        h('button', {
          type: 'button',
          dataset: { action: 'history' },
          onclick: () => { fillForm({ bib: p.bib, item: p.item, judge: '' }); showHistory(p.bib, p.item, '', true); },
        }, t('chief.history'))))));
  }
  if (conflicts.length) {
    rows.push(h('tr', { class: 'group' }, h('th', { colspan: 4 }, `${t('chief.conflicts')} (${conflicts.length})`)));
  }
  for (const c of conflicts) {
    rows.push(h('tr', { dataset: { testid: 'review-conflict', kind: 'conflict', bib: c.bib, item: c.item, judge: c.judge } },
      h('td', {}, h('strong', {}, c.bib)),
      h('td', {}, itemName(c.item), h('div', { class: 'muted mono' }, `${c.item} · ${c.judge}`)),
      h('td', {}, t('chief.firstSecond', {
        first: formatPlain(c.first_value), a: c.first_actor, second: formatPlain(c.second_value), b: c.second_actor,
      })),
      h('td', {}, h('div', { class: 'row-actions' },
        h('button', {
          type: 'button',
          dataset: { action: 'enter-first' },
          onclick: () => fillForm({ bib: c.bib, item: c.item, judge: c.judge, value: c.first_value }),
        }, formatPlain(c.first_value)),
        h('button', {
          type: 'button',
          dataset: { action: 'enter-second' },
          onclick: () => fillForm({ bib: c.bib, item: c.item, judge: c.judge, value: c.second_value }),
        }, formatPlain(c.second_value)),
        h('button', {
          type: 'button',
          dataset: { action: 'history' },
          onclick: () => showHistory(c.bib, c.item, c.judge, true),
        }, t('chief.history'))))));
  }
  $('#review-queue').replaceChildren(...rows);
  $('#review-queue').dataset.panels = String(panels.length);
  $('#review-queue').dataset.conflicts = String(conflicts.length);
  $('#review-empty').hidden = panels.length + conflicts.length > 0;
  $('#review-updated').textContent = S.reviewAt ? t('chief.updated', { time: formatTime(S.reviewAt) }) : '';
  const judges = new Set();
  for (const p of panels) for (const m of p.marks) judges.add(m.judge);
  for (const c of conflicts) judges.add(c.judge);
  const list = $('#judge-list');
  for (const j of judges) {
    if (!list.querySelector(`option[value="${CSS.escape(j)}"]`)) list.append(h('option', { value: j }));
  }
}

function tradeOptions() {
  const trades = (S.competition && S.competition.trades) || [];
  return [h('option', { value: '' }, t('chief.allTrades')),
    ...trades.map((tr) => h('option', { value: tr.id }, tr.name || tr.id))];
}

function renderTradeFilter() {
  const select = $('#review-trade');
  const keep = select.value;
  select.replaceChildren(...tradeOptions());
  select.value = keep;
  // Judge analytics: one trade at a time by default (the first), all on request.
  const trades = (S.competition && S.competition.trades) || [];
  const analytics = $('#analytics-trade');
  const had = analytics.options.length > 0;
  const keepAnalytics = analytics.value;
  analytics.replaceChildren(...tradeOptions());
  analytics.value = had ? keepAnalytics : (trades.length > 1 ? trades[0].id : '');
}

// --- mark actions ---------------------------------------------------------------------------------

function formValues() {
  return {
    bib: $('#act-bib').value.trim(),
    item: $('#act-item').value,
    judge: $('#act-judge').value.trim(),
    value: $('#act-value').value.trim(),
    reason: $('#act-reason').value.trim(),
  };
}

function missing(v, needed) {
  const labels = { bib: 'chief.bib', item: 'chief.item', judge: 'chief.judge', value: 'chief.value', reason: 'chief.reason' };
  const gaps = needed.filter((k) => !v[k]).map((k) => t(labels[k]));
  if (gaps.length) {
    showResult($('#act-result'), 'error', t('chief.needFields', { fields: gaps.join('、') }));
    return true;
  }
  return false;
}

function numberOrError(text) {
  const value = Number(String(text).replace(',', '.'));
  if (!Number.isFinite(value) || value < 0) {
    showResult($('#act-result'), 'error', t('err.notNumber', { text }));
    return null;
  }
  return value;
}

async function afterMarkWrite(v) {
  refreshReview();
  showHistory(v.bib, v.item, v.judge);
}

async function correct() {
  const v = formValues();
  if (missing(v, ['bib', 'item', 'judge', 'value', 'reason'])) return;
  const value = numberOrError(v.value);
  if (value === null) return;
  const r = await write('ScoringService', 'CorrectMark', {
    bib: v.bib, item: v.item, judge: v.judge, value, reason: v.reason, device,
  }, { what: `${t('chief.correct')} ${v.bib} ${itemName(v.item)} ${v.judge} → ${formatPlain(value)}`, resultEl: $('#act-result') });
  if (r.ok) afterMarkWrite(v);
}

async function voidMark() {
  const v = formValues();
  if (missing(v, ['bib', 'item', 'judge', 'reason'])) return;
  if (!(await confirmDialog(t('chief.confirmVoid', { judge: v.judge, bib: v.bib, item: itemName(v.item) })))) return;
  const r = await write('ScoringService', 'VoidMark', {
    bib: v.bib, item: v.item, judge: v.judge, reason: v.reason, device,
  }, { what: `${t('chief.void')} ${v.bib} ${itemName(v.item)} ${v.judge}`, resultEl: $('#act-result') });
  if (r.ok) afterMarkWrite(v);
}

// Enters a mark for a judge (e.g. resolving a transcription conflict).
async function enterMark() {
  const v = formValues();
  if (missing(v, ['bib', 'item', 'judge', 'value'])) return;
  const value = numberOrError(v.value);
  if (value === null) return;
  const body = { bib: v.bib, item: v.item, judge: v.judge, value, device };
  if (v.reason) body.note = v.reason;
  const r = await write('ScoringService', 'SubmitMark', body, {
    what: `${t('chief.enter')} ${v.bib} ${itemName(v.item)} ${v.judge} = ${formatPlain(value)}`,
    resultEl: $('#act-result'),
  });
  if (r.ok) afterMarkWrite(v);
}

async function historyFromForm() {
  const v = formValues();
  if (missing(v, ['bib', 'item'])) return;
  showHistory(v.bib, v.item, v.judge, true);
}

async function showHistory(bib, item, judge, scroll = false) {
  const box = $('#history');
  if (scroll) $('#history-section').scrollIntoView({ behavior: 'smooth', block: 'start' });
  box.dataset.state = 'loading';
  $('#history-what').textContent = [bib, itemName(item), judge].filter(Boolean).join(' · ');
  const body = { bib, item };
  if (judge) body.judge = judge;
  let answer;
  try {
    answer = await read('ScoringService', 'GetMarkHistory', body);
  } catch (e) {
    box.dataset.state = 'error';
    box.replaceChildren(h('p', { class: 'alert' }, t('common.error', { message: e.message })));
    return;
  }
  const events = answer.events || [];
  S.history = { query: body, events };
  box.dataset.state = events.length ? 'loaded' : 'empty';
  box.dataset.queryBib = bib;
  box.dataset.queryItem = item;
  box.dataset.queryJudge = judge || '';
  box.dataset.count = String(events.length);
  if (!events.length) {
    box.replaceChildren(h('p', { class: 'muted' }, t('chief.historyEmpty')));
    return;
  }
  const head = h('tr', {}, ['hSeq', 'hTime', 'hActor', 'hDevice', 'hKind', 'hJudge', 'hValue', 'hReason']
    .map((k) => h('th', {}, t(`chief.${k}`))));
  const rows = events.map((e) => h('tr', { dataset: { testid: 'history-row', kind: e.kind || '', seq: String(e.sequence ?? '') } },
    h('td', { class: 'num' }, String(e.sequence ?? '')),
    h('td', {}, formatTime(e.recorded_at_ms)),
    h('td', {}, `${e.actor || ''}${e.role ? ` (${String(e.role).replace('ROLE_', '').toLowerCase()})` : ''}`),
    h('td', { class: 'mono' }, e.device || ''),
    h('td', {}, e.kind || ''),
    h('td', {}, e.judge || ''),
    h('td', { class: 'num' }, e.kind === 'void' ? '' : formatPlain(e.value ?? 0)),
    h('td', {}, [e.reason, e.note].filter(Boolean).join(' · '))));
  box.replaceChildren(h('table', { class: 'grid' }, h('thead', {}, head), h('tbody', {}, rows)));
}


// --- judge analytics -------------------------------------------------------------------------------

function itemMeta() {
  return new Map(S.items.map((i) => [i.ref, { max: i.max, step: i.step, rule: i.rule }]));
}

async function refreshAnalytics() {
  const A = S.analytics;
  const trade = $('#analytics-trade').value;
  const seq = ++A.seq;
  // A refresh keeps what is shown until the answer comes.
  if (!(A.state === 'loaded' || A.state === 'empty') || A.trade !== trade) {
    A.state = 'loading';
    renderAnalytics();
  }
  $('#analytics').dataset.busy = 'true';
  try {
    const answer = await api.call('ScoringService', 'GetJudgeAnalytics', trade ? { trade } : {});
    if (seq !== A.seq) return;  // a later request (another trade) answers instead
    A.groups = analyzeJudges(normalizeAnalytics(answer), itemMeta());
    A.state = A.groups.some((g) => g.marks > 0) ? 'loaded' : 'empty';
    A.error = null;
  } catch (e) {
    if (seq !== A.seq) return;
    if (e.unauthenticated) showLogin(t('login.refused', { message: e.message }));
    A.state = 'error';
    A.groups = [];
    A.error = { status: e.status, message: e.message };
  }
  A.trade = trade;
  A.at = Date.now();
  renderAnalytics();
  $('#analytics').dataset.busy = 'false';
}

function setAnalyticsOpen(open) {
  S.analytics.open = open;
  const toggle = $('#analytics-toggle');
  toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
  toggle.dataset.i18n = open ? 'chief.analyticsHide' : 'chief.analyticsShow';
  toggle.textContent = t(toggle.dataset.i18n);
  $('#analytics-section').dataset.open = open ? 'true' : 'false';
  for (const id of ['#analytics-body', '#analytics-trade', '#analytics-refresh', '#analytics-updated']) {
    $(id).hidden = !open;
  }
  if (open) refreshAnalytics();
}

const FLAG_COLUMNS = ['deviation', 'dropped', 'spread', 'infit', 'outfit'];

function flagged(row, column) {
  return row.flags.some((f) => f.column === column);
}

function fixed(v, digits = 2) {
  return Number(v).toFixed(digits);
}

function analyticsCell(row, column, content, extra = {}) {
  const hot = FLAG_COLUMNS.includes(column) && flagged(row, column);
  return h('td', {
    class: `num${hot ? ' flag' : ''}`,
    dataset: { col: column, ...(hot ? { flag: 'true' } : {}) },
    ...extra,
  }, content);
}

function analyticsRow(row, rasch) {
  const none = row.marks === 0;
  const dash = '—';
  const cells = [
    h('td', { class: 'judge-cell', dataset: { col: 'judge' } },
      h('strong', { class: 'mono' }, row.judge), ' ', row.judgeName),
    analyticsCell(row, 'marks', String(row.marks), {
      title: t('chief.aMarksCompared', { compared: row.compared }),
    }),
    analyticsCell(row, 'deviation', none || !row.compared ? dash : formatSigned(row.meanDeviation)),
    analyticsCell(row, 'abs-deviation', none || !row.compared ? dash : fixed(row.meanAbsoluteDeviation)),
    analyticsCell(row, 'dropped', none ? dash : `${row.dropped} · ${formatShare(row.droppedShare)}`),
    analyticsCell(row, 'spread', none ? dash : String(row.spreadOutliers)),
  ];
  if (rasch) {
    const r = row.rasch;
    cells.push(
      analyticsCell(row, 'severity', r && !none ? `${formatSigned(r.severity)} ± ${fixed(r.standardError)}` : dash),
      analyticsCell(row, 'infit', r && !none ? fixed(r.infit) : dash),
      analyticsCell(row, 'outfit', r && !none ? fixed(r.outfit) : dash));
  }
  const kinds = [...new Set(row.flags.map((f) => f.kind))];
  cells.push(h('td', { class: 'flags', dataset: { col: 'attention' } },
    kinds.map((k) => h('span', { class: `flag-chip flag-${k}`, dataset: { flag: k } }, t(`flag.${k}`)))));
  return h('tr', {
    class: row.attention ? 'attention' : '',
    dataset: {
      testid: 'analytics-row',
      judge: row.judge,
      item: row.item,
      marks: String(row.marks),
      attention: row.attention ? 'true' : 'false',
      flags: kinds.join(' '),
    },
  }, cells);
}

function localItemName(group) {
  const item = S.items.find((i) => i.ref === group.item);
  return (lang() === 'en' && item && item.nameEn) || group.itemName;
}

function analyticsTable(group) {
  const heads = [
    ['aJudge', 'judge', ''], ['aMarks', 'marks', 'num'], ['aDeviation', 'deviation', 'num'],
    ['aAbsDeviation', 'abs-deviation', 'num'], ['aDropped', 'dropped', 'num'], ['aSpread', 'spread', 'num'],
    ...(group.rasch ? [['aSeverity', 'severity', 'num'], ['aInfit', 'infit', 'num'], ['aOutfit', 'outfit', 'num']] : []),
    ['aAttention', 'attention', ''],
  ];
  const title = h('h3', {},
    localItemName(group), ' ', h('span', { class: 'muted mono' }, group.item),
    group.attention ? h('span', { class: 'flag-chip flag-count' },
      t(group.attention === 1 ? 'chief.analyticsItemAttention1' : 'chief.analyticsItemAttention', { n: group.attention })) : null);
  const dataset = {
    testid: 'analytics-item', item: group.item, attention: String(group.attention),
    rasch: group.rasch ? 'true' : 'false', marks: String(group.marks),
  };
  if (group.marks === 0) {
    return h('div', { class: 'analytics-item', dataset }, title,
      h('p', { class: 'muted analytics-item-empty' }, t('chief.analyticsItemEmpty')));
  }
  return h('div', { class: 'analytics-item', dataset }, title,
    h('div', { class: 'table-scroll' },
      h('table', { class: 'grid analytics-table' },
        h('thead', {}, h('tr', {}, heads.map(([k, col, cls]) => h('th', { class: cls || null, dataset: { col } },
          k === 'aSeverity' ? [h('span', {}, t('chief.aSeverity')), h('span', {}, t('chief.aSeveritySe'))] : t(`chief.${k}`))))),
        h('tbody', {}, group.rows.map((r) => analyticsRow(r, group.rasch))))));
}

function renderLegend() {
  const T = THRESHOLDS;
  $('#analytics-legend-list').replaceChildren(
    h('li', {}, h('span', { class: 'flag-chip flag-lenient' }, t('flag.lenient')), ' ',
      h('span', { class: 'flag-chip flag-harsh' }, t('flag.harsh')), ' ',
      t('chief.legendDeviation', { ratio: T.deviationRatio })),
    h('li', {}, h('span', { class: 'flag-chip flag-dropped' }, t('flag.dropped')), ' ', t('chief.legendDropped')),
    h('li', {}, h('span', { class: 'flag-chip flag-spread' }, t('flag.spread')), ' ', t('chief.legendSpread')),
    h('li', {}, h('span', { class: 'flag-chip flag-erratic' }, t('flag.erratic')), ' ',
      h('span', { class: 'flag-chip flag-predictable' }, t('flag.predictable')), ' ', t('chief.legendFit')));
}

function renderAnalytics() {
  const A = S.analytics;
  const box = $('#analytics');
  box.dataset.state = A.state;
  box.dataset.trade = A.trade ?? '';
  const summary = $('#analytics-summary');
  renderLegend();
  $('#analytics-legend').hidden = A.state !== 'loaded';
  $('#analytics-updated').textContent = A.at ? t('chief.updated', { time: formatTime(A.at) }) : '';
  if (A.state === 'loading' || A.state === 'idle') {
    summary.hidden = true;
    box.replaceChildren(h('p', { class: 'muted' }, t('common.loading')));
    return;
  }
  if (A.state === 'error') {
    summary.hidden = true;
    box.replaceChildren(h('p', { class: 'alert', role: 'alert', dataset: { testid: 'analytics-error', status: A.error.status || '' } },
      t('common.error', { message: A.error.message })));
    return;
  }
  if (A.state === 'empty') {
    summary.hidden = true;
    box.replaceChildren(h('p', { class: 'muted', dataset: { testid: 'analytics-empty' } },
      A.groups.length ? t('chief.analyticsEmpty') : t('chief.analyticsNone')));
    return;
  }
  const attention = A.groups.reduce((s, g) => s + g.attention, 0);
  summary.hidden = false;
  summary.dataset.attention = String(attention);
  summary.className = `analytics-summary ${attention ? 'note' : 'ok-note'}`;
  summary.textContent = !attention ? t('chief.analyticsAllClear')
    : t(attention === 1 ? 'chief.analyticsAttention1' : 'chief.analyticsAttention', { n: attention });
  box.replaceChildren(...A.groups.map(analyticsTable));
}

// --- render and wire -------------------------------------------------------------------------------

function renderAll() {
  renderTradeFilter();
  renderItemSelect();
  renderReview();
  renderLocks();
  renderPhase();
  if (S.analytics.open) renderAnalytics();
}

function wire() {
  $('#login-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    login($('#login-token').value.trim());
  });
  $('#logout').addEventListener('click', logout);
  $('#lang-toggle').addEventListener('click', () => {
    setLang(lang() === 'zh' ? 'en' : 'zh', storage);
    applyI18n(document);
    if (S.view === 'main') renderAll();
  });
  $('#review-refresh').addEventListener('click', () => {
    refreshReview();
    refreshCompetition();
  });
  $('#review-trade').addEventListener('change', refreshReview);
  $('#analytics-toggle').addEventListener('click', () => setAnalyticsOpen(!S.analytics.open));
  $('#analytics-refresh').addEventListener('click', refreshAnalytics);
  $('#analytics-trade').addEventListener('change', refreshAnalytics);
  $('#act-correct').addEventListener('click', correct);
  $('#act-void').addEventListener('click', voidMark);
  $('#act-enter').addEventListener('click', enterMark);
  $('#act-history').addEventListener('click', historyFromForm);
  $('#mark-form').addEventListener('submit', (ev) => ev.preventDefault());
  $('#lock-form').addEventListener('submit', (ev) => ev.preventDefault());
  $('#lock-item').addEventListener('click', () => setLock($('#lock-target').value.trim(), true));
  $('#unlock-item').addEventListener('click', () => setLock($('#lock-target').value.trim(), false));
  $('#phase-freeze').addEventListener('click', () => setPhase('PHASE_FROZEN'));
  $('#phase-unfreeze').addEventListener('click', () => setPhase('PHASE_OPEN'));
  $('#phase-final').addEventListener('click', () => setPhase('PHASE_FINAL'));
  $('#release-results').addEventListener('click', releaseResults);
  $('#publish-from').addEventListener('change', renderExports);
  $('#publish-to').addEventListener('change', renderExports);
  document.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && !$('#confirm').hidden) $('#confirm-no').click();
  });
  setInterval(() => {
    if (S.view !== 'main' || document.visibilityState === 'hidden' || !$('#review-auto').checked) return;
    refreshReview();
    refreshLifecycle();
    if (S.analytics.open && S.analytics.state !== 'loading' && Date.now() - S.analytics.at >= ANALYTICS_REFRESH_MS) {
      refreshAnalytics();
    }
  }, REVIEW_REFRESH_MS);
}

window.podium = {
  page: 'chief',
  ready: ready.promise,
  refresh: () => Promise.all([refreshReview(), refreshCompetition(),
    S.analytics.open ? refreshAnalytics() : null]),
  state: () => ({
    view: S.view,
    who: S.who,
    phase: S.lifecycle ? S.lifecycle.phase || '' : '',
    released: !!(S.lifecycle && S.lifecycle.results_released),
    review: { panels: S.review.panels.length, conflicts: S.review.conflicts.length },
    locked: S.items.filter((i) => i.locked).map((i) => i.ref),
    history: S.history ? S.history.events.length : 0,
    analytics: {
      open: S.analytics.open,
      state: S.analytics.state,
      trade: S.analytics.trade,
      rows: S.analytics.groups.reduce((n, g) => n + g.rows.length, 0),
      attention: S.analytics.groups.reduce((n, g) => n + g.attention, 0),
    },
    lastResult: S.lastResult,
    busy: S.busy,
    lang: lang(),
  }),
};

async function main() {
  applyI18n(document);
  wire();
  const token = tokenFrom(hash, storage, TOKEN_KEY);
  stripTokenFromUrl();
  if (token) await login(token);
  else showLogin('');
  ready.resolve(window.podium.state());
}

main().catch((e) => {
  console.error(e);
  ready.resolve(window.podium.state());
});
