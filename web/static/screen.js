// The venue big screen (/screen#token=<display token>&trade=<id>&rotate=20).
// Leaderboards per trade with rows that glide to their new places, team
// standings, the medal tally, a ticker of the latest results, rotation
// between views, a visible freeze, and a reveal mode for the award ceremony.

import { Api } from './api.js';
import { StandingsWatch, watchUrl } from './watch.js';
import { StandingsModel, revealSteps } from './standings.js';
import { t, initLang, lang, applyI18n } from './i18n.js';
import { parseHash, formatScore, safeLocalStorage, $, h, deferred } from './util.js';
import { MemoryStorage } from './queue.js';

const TOKEN_KEY = 'podium.screen.token';
const MAX_DOM_ROWS = 400;     // above this, only rows near the window are drawn
const TICKER_ITEMS = 15;
const MOVE_SHOW_MS = 15000;   // how long a ▲/▼ stays next to a row
const FLASH_MS = 2600;

const hash = parseHash(location.hash);
const storage = safeLocalStorage() || new MemoryStorage();
initLang(hash, storage);

function numberParam(name, fallback) {
  if (!hash.has(name)) return fallback;
  const n = Number(hash.get(name));
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}

const config = {
  trade: hash.get('trade') || '',
  rotate: numberParam('rotate', 20),          // seconds per view; 0: no rotation
  rows: Math.floor(numberParam('rows', 0)),   // rows per page; 0: fit the screen
  pages: Math.max(1, Math.floor(numberParam('pages', 1))),  // leaderboard pages per trade in the rotation
  limit: Math.floor(numberParam('limit', 0)), // rows asked of the server; 0: all
  views: (hash.get('views') || 'leaderboard,teams,medals').split(',').map((v) => v.trim()).filter(Boolean),
  reveal: hash.get('reveal') === '1',
  heartbeatMs: numberParam('heartbeat', 25) * 1000,
};

let token = hash.get('token') || '';
if (token) {
  try {
    storage.setItem(TOKEN_KEY, token);
  } catch { /* fine */ }
} else {
  try {
    token = storage.getItem(TOKEN_KEY) || '';
  } catch { /* none */ }
}

const api = new Api({ token });
const model = new StandingsModel();
const ready = deferred();

const S = {
  competition: null,
  precision: 2,
  tradeInfo: new Map(),   // trade id -> { name, events: [{id, name}], awards: [{id, name}] }
  views: [],
  viewIndex: 0,
  rotateTimer: null,
  connection: 'connecting',
  connectionDetail: '',
  lastHeartbeat: null,
  ticker: [],             // newest first: { bib, name, organization, trade, total, rank, before, at, id }
  moves: new Map(),       // bib -> { dir, n, until }
  flashes: new Map(),     // bib -> until
  reveal: { active: false, trade: '', cursor: 0, animated: '' },
  rendered: false,
  layout: { rowH: 60, fit: 10 },
};

// --- the competition's names ---------------------------------------------------------

async function loadCompetition(attempt = 0) {
  if (!token) return;
  try {
    const c = await api.call('CompetitionService', 'GetCompetition', {});
    S.competition = c;
    S.precision = Number.isInteger(c.precision) ? c.precision : 2;
    for (const trade of c.trades || []) {
      S.tradeInfo.set(trade.id, {
        name: trade.name || trade.id,
        events: (trade.events || []).map((e) => ({ id: e.id, name: e.name || e.id })),
        awards: (trade.awards || []).map((a) => ({ id: a.id, name: a.name || a.id })),
      });
    }
    $('#competition-name').textContent = lang() === 'en' && c.name_en ? c.name_en : (c.name || '');
    render();
  } catch (e) {
    // Names are a nicety: the standings carry what must be shown. Try again.
    setTimeout(() => loadCompetition(attempt + 1), Math.min(60000, 2000 * 2 ** attempt));
  }
}

function tradeName(id) {
  const info = S.tradeInfo.get(id);
  const fromModel = model.trade(id);
  return (info && info.name) || (fromModel && fromModel.name) || id;
}

function tradeEvents(id) {
  const info = S.tradeInfo.get(id);
  if (info && info.events.length) return info.events.slice(0, 4);
  const trade = model.trade(id);
  const ids = new Set();
  for (const row of trade ? trade.rows : []) for (const k of Object.keys(row.events)) ids.add(k);
  return Array.from(ids).slice(0, 4).map((e) => ({ id: e, name: e }));
}

// 0 gold, 1 silver, 2 bronze, 3+ other tiers, by the trade's award order.
function tierIndex(tradeId, awardId) {
  if (!awardId) return -1;
  const info = S.tradeInfo.get(tradeId);
  if (info) {
    const i = info.awards.findIndex((a) => a.id === awardId);
    if (i >= 0) return i;
  }
  const trade = model.trade(tradeId);
  const seen = [];
  for (const row of trade ? trade.rows : []) if (row.award && !seen.includes(row.award)) seen.push(row.award);
  return Math.max(0, seen.indexOf(awardId));
}

function tierClass(i) {
  if (i < 0) return '';
  return i <= 3 ? `tier-${i}` : 'tier-more';
}

function awardName(tradeId, awardId, fallback) {
  if (fallback) return fallback;
  const info = S.tradeInfo.get(tradeId);
  const a = info && info.awards.find((x) => x.id === awardId);
  return a ? a.name : awardId;
}

// --- layout ------------------------------------------------------------------------------

function measure() {
  const views = $('#views');
  const head = $('#leaderboard-head').offsetHeight || $('#teams-head').offsetHeight || Math.round(window.innerHeight * 0.05);
  const avail = Math.max(100, views.clientHeight - head - 4);
  const target = window.innerHeight * 0.08;
  const fit = config.rows > 0 ? config.rows : Math.max(4, Math.round(avail / target));
  S.layout = { rowH: Math.floor(avail / fit), fit };
}

// --- views and rotation ------------------------------------------------------------------

function tradesShown() {
  const ids = model.tradeIds();
  return config.trade ? ids.filter((id) => id === config.trade) : ids;
}

function computeViews() {
  const views = [];
  const trades = tradesShown();
  if (config.views.includes('leaderboard')) {
    for (const id of trades) {
      const rows = model.trade(id).rows.length;
      const pages = Math.min(config.pages, Math.max(1, Math.ceil(rows / S.layout.fit)));
      for (let p = 0; p < pages; p++) views.push({ kind: 'leaderboard', trade: id, page: p, pages });
    }
  }
  if (config.views.includes('teams')) {
    if (!config.trade && model.teams.length && trades.length > 1) {
      views.push({ kind: 'teams', trade: '', page: 0, pages: 1 });
    } else {
      for (const id of trades) if (model.trade(id).teams.length) views.push({ kind: 'teams', trade: id, page: 0, pages: 1 });
    }
  }
  if (config.views.includes('medals') && model.medalTally.length) views.push({ kind: 'medals', trade: '', page: 0, pages: 1 });
  const current = S.views[S.viewIndex];
  S.views = views;
  const keep = current ? views.findIndex((v) => v.kind === current.kind && v.trade === current.trade && v.page === current.page) : -1;
  S.viewIndex = keep >= 0 ? keep : 0;
}

function currentView() {
  if (S.reveal.active) return { kind: 'leaderboard', trade: S.reveal.trade, page: 0, pages: 1, reveal: true };
  return S.views[S.viewIndex] || null;
}

function startRotation() {
  stopRotation();
  if (config.rotate > 0 && !S.reveal.active) {
    S.rotateTimer = setInterval(() => showView(S.viewIndex + 1), config.rotate * 1000);
  }
}

function stopRotation() {
  if (S.rotateTimer !== null) clearInterval(S.rotateTimer);
  S.rotateTimer = null;
}

function showView(index) {
  if (!S.views.length) return;
  S.viewIndex = ((index % S.views.length) + S.views.length) % S.views.length;
  render();
}

// --- rendering -----------------------------------------------------------------------------

function render() {
  if (!model.snapshots) return;
  measure();
  computeViews();
  document.body.classList.toggle('frozen', model.frozen);
  $('#frozen-banner').hidden = !model.frozen;
  const view = currentView();
  $('#screen-message').hidden = true;
  for (const section of ['leaderboard', 'teams', 'medals']) {
    const el = $(`#view-${section}`);
    const show = !!view && view.kind === section;
    if (el.hidden === show) {
      el.hidden = !show;
      // restart the entrance animation
      if (show) {
        el.style.animation = 'none';
        void el.offsetWidth;
        el.style.animation = '';
      }
    }
  }
  if (!view) {
    $('#view-title').textContent = t('screen.waiting');
    $('#view-page').textContent = '';
  } else if (view.kind === 'leaderboard') {
    renderLeaderboard(view);
  } else if (view.kind === 'teams') {
    renderTeams(view);
  } else {
    renderMedals();
  }
  renderReveal();
  renderTicker();
  S.rendered = true;
}

function setTitle(title, page) {
  $('#view-title').textContent = title;
  $('#view-page').textContent = page || '';
}

function leaderboardColumns(events) {
  const cols = ['9vw', '9vw', 'minmax(0, 1.3fr)', 'minmax(0, 1.6fr)', ...events.map(() => '9vw'), '12vw', '11vw'];
  $('#view-leaderboard').style.setProperty('--lb-cols', cols.join(' '));
}

function revealState(rows) {
  const steps = revealSteps(rows);
  const cursor = Math.min(S.reveal.cursor, steps.length);
  S.reveal.cursor = cursor;
  let revealed = 0;
  for (let i = 0; i < cursor; i++) if (steps[i].type === 'row') revealed += 1;
  const step = cursor > 0 ? steps[cursor - 1] : null;
  return { steps, cursor, revealed, revealedFrom: rows.length - revealed, step };
}

function renderLeaderboard(view) {
  const trade = model.trade(view.trade);
  const lb = $('#leaderboard');
  if (!trade) return;
  const events = tradeEvents(view.trade);
  const { rowH, fit } = S.layout;
  lb.style.setProperty('--row-h', `${rowH}px`);
  lb.style.height = `${rowH * fit}px`;  // whole rows only: none peeks in at the bottom
  const rows = trade.rows;
  let offset = view.page * fit;
  let reveal = null;
  if (view.reveal) {
    reveal = revealState(rows);
    const focus = reveal.step ? reveal.step.position : rows.length - 1;
    offset = Math.max(0, Math.min(focus - 2, rows.length - fit));
    setTitle(`${t('screen.reveal')} · ${tradeName(view.trade)}`, '');
  } else {
    const pages = view.pages > 1 ? `${view.page + 1} / ${view.pages}` : '';
    setTitle(`${tradeName(view.trade)} · ${t('screen.leaderboard')}`, pages);
  }
  if (lb.dataset.trade !== view.trade || lb.dataset.events !== events.map((e) => e.id).join(',')) {
    lb.replaceChildren();
    lb.dataset.trade = view.trade;
    lb.dataset.events = events.map((e) => e.id).join(',');
    leaderboardColumns(events);
    $('#leaderboard-head').replaceChildren(
      h('span', { class: 'c-rank' }, t('screen.rank')),
      h('span', {}, t('screen.bib')),
      h('span', {}, t('screen.name')),
      h('span', {}, t('screen.org')),
      ...events.map((e) => h('span', { class: 'c-event' }, e.name)),
      h('span', { class: 'c-total' }, t('screen.total')),
      h('span', { class: 'c-award' }, t('screen.award')));
  }
  lb.dataset.offset = String(offset);
  lb.dataset.fit = String(fit);
  lb.dataset.frozen = model.frozen ? 'true' : 'false';
  const now = Date.now();
  const existing = new Map();
  for (const el of lb.children) existing.set(el.dataset.rowKey, el);
  const drawAll = rows.length <= MAX_DOM_ROWS;
  const seen = new Set();
  for (const row of rows) {
    if (!drawAll && (row.position < offset - 20 || row.position > offset + fit + 20)) continue;
    const key = row.bib;
    seen.add(key);
    const covered = !!reveal && row.position < reveal.revealedFrom;
    let el = existing.get(key);
    const y = (row.position - offset) * rowH;
    if (!el) {
      el = h('div', { class: 'lb-row lb-grid', dataset: { rowKey: key } });
      el.style.transform = `translateY(${y}px)`;
      lb.append(el);
    }
    fillRow(el, row, view.trade, events, covered, now);
    el.style.transform = `translateY(${y}px)`;
    if (reveal && reveal.step && reveal.step.type === 'row' && reveal.step.position === row.position &&
        S.reveal.animated !== `${S.reveal.cursor}`) {
      el.classList.remove('just-revealed');
      void el.offsetWidth;
      el.classList.add('just-revealed');
      S.reveal.animated = `${S.reveal.cursor}`;
    }
  }
  for (const [key, el] of existing) if (!seen.has(key)) el.remove();
}

function fillRow(el, row, tradeId, events, covered, now) {
  const tier = tierIndex(tradeId, row.award);
  // A covered row gives nothing away, not even its tier's colour.
  el.className = covered ? 'lb-row lb-grid covered'
    : `lb-row lb-grid ${tierClass(tier)}${row.rank ? '' : ' unranked'}`;
  el.dataset.position = String(row.position);
  el.dataset.testid = 'leaderboard-row';
  if (covered) {
    el.dataset.covered = 'true';
    delete el.dataset.bib;
    delete el.dataset.rank;
    delete el.dataset.award;
    if (el.childElementCount) el.replaceChildren();
    return;
  }
  el.dataset.covered = 'false';
  el.dataset.bib = row.bib;
  el.dataset.rank = String(row.rank);
  el.dataset.award = row.award || '';
  el.dataset.total = String(row.total);
  const flash = S.flashes.get(row.bib);
  el.classList.toggle('changed', !!flash && flash > now);
  const move = S.moves.get(row.bib);
  const moveEl = move && move.until > now
    ? h('span', { class: `move ${move.dir}` }, `${move.dir === 'up' ? '▲' : '▼'}${move.n}`) : null;
  const tags = [];
  if (!row.complete && row.rank) tags.push(t('screen.incomplete'));
  const statusText = row.status && row.status !== 'CONTESTANT_STATUS_PRESENT' && row.status !== 'CONTESTANT_STATUS_UNSPECIFIED'
    ? t(`status.${row.status}`) : '';
  el.replaceChildren(
    h('span', { class: 'c-rank' }, row.rank ? String(row.rank) : '—'),
    h('span', { class: 'c-bib' }, row.bib),
    h('span', { class: 'c-name' }, row.name || row.bib, tags.length ? h('span', { class: 'c-tags' }, tags.join(' · ')) : null),
    h('span', { class: 'c-org' }, row.organization || row.team || ''),
    ...events.map((e) => h('span', { class: 'c-event' },
      row.events[e.id] !== undefined ? formatScore(row.events[e.id], S.precision) : '')),
    h('span', { class: 'c-total' }, formatScore(row.total, S.precision), moveEl),
    h('span', { class: 'c-award' }, row.award ? awardName(tradeId, row.award, row.award_name) : statusText));
}

function renderTeams(view) {
  const teams = view.trade ? model.trade(view.trade).teams : model.teams;
  setTitle(view.trade ? `${tradeName(view.trade)} · ${t('screen.teams')}` : t('screen.teams'), '');
  const box = $('#teams');
  const { rowH, fit } = S.layout;
  box.style.setProperty('--row-h', `${rowH}px`);
  box.style.height = `${rowH * fit}px`;
  box.dataset.trade = view.trade;
  $('#teams-head').replaceChildren(
    h('span', { class: 'c-rank' }, t('screen.rank')),
    h('span', {}, t('screen.team')),
    h('span', { class: 'c-event' }, t('screen.members')),
    h('span', { class: 'c-total' }, t('screen.total')));
  const existing = new Map();
  for (const el of box.children) existing.set(el.dataset.team, el);
  const seen = new Set();
  for (const team of teams.slice(0, Math.max(fit, 1) + 10)) {
    seen.add(team.team);
    let el = existing.get(team.team);
    const y = team.position * rowH;
    if (!el) {
      el = h('div', { class: 'team-row team-grid', dataset: { team: team.team, testid: 'team-row' } });
      el.style.transform = `translateY(${y}px)`;
      box.append(el);
    }
    el.dataset.rank = String(team.rank);
    el.dataset.position = String(team.position);
    el.className = `team-row team-grid lb-row${team.rank >= 1 && team.rank <= 3 ? ` tier-${team.rank - 1}` : ''}`;
    el.replaceChildren(
      h('span', { class: 'c-rank' }, team.rank ? String(team.rank) : '—'),
      h('span', { class: 'c-name' }, team.team),
      h('span', { class: 'c-event' }, String(team.members)),
      h('span', { class: 'c-total' }, formatScore(team.total, S.precision)));
    el.style.transform = `translateY(${y}px)`;
  }
  for (const [key, el] of existing) if (!seen.has(key)) el.remove();
}

function tallyTiers() {
  const ids = [];
  const names = new Map();
  for (const info of S.tradeInfo.values()) {
    for (const a of info.awards) {
      if (!names.has(a.id)) names.set(a.id, a.name);
    }
  }
  const present = new Set();
  for (const row of model.medalTally) for (const k of Object.keys(row.medals)) present.add(k);
  for (const id of names.keys()) if (present.has(id)) ids.push(id);
  for (const id of present) if (!ids.includes(id)) ids.push(id);
  return ids.map((id) => ({ id, name: names.get(id) || id }));
}

function renderMedals() {
  setTitle(t('screen.medals'), '');
  const tiers = tallyTiers();
  $('#medals-head').replaceChildren(h('tr', {},
    h('th', {}, t('screen.rank')),
    h('th', {}, t('screen.delegation')),
    ...tiers.map((tier, i) => h('th', { class: `m-${i}` }, tier.name)),
    h('th', {}, t('screen.awarded'))));
  const rows = model.medalTally.slice(0, Math.max(S.layout.fit, 1));
  $('#medals-body').replaceChildren(...rows.map((m) => h('tr', { dataset: { delegation: m.delegation, rank: String(m.rank), testid: 'medal-row' } },
    h('td', {}, m.rank ? String(m.rank) : '—'),
    h('td', { class: 'c-delegation' }, m.delegation),
    ...tiers.map((tier, i) => h('td', { class: `m-${i}` }, String(m.medals[tier.id] || 0))),
    h('td', {}, String(m.awarded)))));
}

function renderReveal() {
  const bar = $('#reveal-bar');
  const banner = $('#tier-banner');
  const stepEl = $('#reveal-step');
  if (!S.reveal.active) {
    bar.hidden = true;
    banner.hidden = true;
    banner.dataset.tier = '';
    stepEl.dataset.active = 'false';
    return;
  }
  const trade = model.trade(S.reveal.trade);
  const rows = trade ? trade.rows : [];
  const r = revealState(rows);
  bar.hidden = false;
  stepEl.dataset.active = 'true';
  stepEl.dataset.step = String(r.cursor);
  stepEl.dataset.total = String(r.steps.length);
  stepEl.dataset.revealed = String(r.revealed);
  stepEl.dataset.trade = S.reveal.trade;
  stepEl.textContent = r.cursor >= r.steps.length && r.steps.length
    ? `${t('screen.revealStep', { step: r.cursor, total: r.steps.length })} · ${t('screen.revealDone')}`
    : t('screen.revealStep', { step: r.cursor, total: r.steps.length });
  const note = $('#reveal-note');
  note.hidden = !model.frozen;
  note.textContent = model.frozen ? t('screen.revealFrozenData') : '';
  if (r.step && r.step.type === 'tier') {
    const i = tierIndex(S.reveal.trade, r.step.tier);
    banner.className = `tier-banner ${tierClass(i)}`;
    banner.textContent = awardName(S.reveal.trade, r.step.tier, r.step.name);
    banner.dataset.tier = r.step.tier;
    banner.hidden = false;
  } else {
    banner.hidden = true;
    banner.dataset.tier = '';
  }
}

function renderTicker() {
  const box = $('#ticker');
  const now = Date.now();
  const existing = new Map();
  for (const el of box.children) existing.set(el.dataset.id, el);
  const items = S.ticker.map((item) => {
    let el = existing.get(item.id);
    if (!el) {
      const moved = item.before && item.before.rank && item.rank && item.before.rank !== item.rank
        ? (item.rank < item.before.rank ? ` ▲${item.before.rank - item.rank}` : ` ▼${item.rank - item.before.rank}`) : '';
      el = h('span', {
        class: `ticker-item${now - item.at < 2000 ? ' fresh' : ''}`,
        dataset: { id: item.id, tickerBib: item.bib, trade: item.trade, testid: 'ticker-item' },
      },
      `${item.bib} ${item.name || ''}${item.organization ? ` · ${item.organization}` : ''} `,
      h('b', {}, formatScore(item.total, S.precision)),
      item.rank ? ` ${t('screen.rankN', { n: item.rank })}${moved}` : '');
    }
    return el;
  });
  box.replaceChildren(...items);
  box.dataset.count = String(items.length);
}

// --- standings updates ------------------------------------------------------------------------

let tickerSeq = 0;
function noteChanges(changes) {
  const now = Date.now();
  for (const c of changes) {
    const row = c.row;
    S.flashes.set(row.bib, now + FLASH_MS);
    if (c.before && c.before.rank && row.rank && c.before.rank !== row.rank) {
      S.moves.set(row.bib, {
        dir: row.rank < c.before.rank ? 'up' : 'down',
        n: Math.abs(c.before.rank - row.rank),
        until: now + MOVE_SHOW_MS,
      });
    }
    if (config.trade && c.trade !== config.trade) continue;
    // One item per contestant: the newest result replaces an older one.
    S.ticker = S.ticker.filter((x) => !(x.bib === row.bib && x.trade === c.trade));
    S.ticker.unshift({
      id: `t${++tickerSeq}`,
      bib: row.bib,
      name: row.name,
      organization: row.organization,
      trade: c.trade,
      total: row.total,
      rank: row.rank,
      before: c.before,
      at: now,
    });
  }
  S.ticker.length = Math.min(S.ticker.length, TICKER_ITEMS);
  if (changes.length) setTimeout(render, FLASH_MS + 50);  // clear the flashes
}

function onSnapshot(snapshot) {
  const first = model.snapshots === 0;
  const wasFrozen = model.frozen;
  const { changes } = model.applySnapshot(snapshot);
  // Into or out of a freeze the whole board changes at once: not "latest results".
  if (!first && wasFrozen === model.frozen) noteChanges(changes);
  if (first && config.reveal) enterReveal();
  render();
  if (first) {
    startRotation();
    ready.resolve(window.podium.state());
  }
}

function onDelta(delta) {
  const result = model.applyDelta(delta);
  if (!result.ok) return false;
  noteChanges(result.changes);
  render();
  return true;
}

function setConnection(state, detail) {
  // A refused token will not bring a snapshot: tests waiting on ready see why.
  if (state === 'unauthorized') ready.resolve(window.podium.state());
  S.connection = state;
  S.connectionDetail = detail || '';
  const el = $('#connection-state');
  el.dataset.state = state;
  const text = {
    live: t('screen.live'),
    connecting: t('screen.connecting'),
    reconnecting: t('screen.reconnecting'),
    unauthorized: t('screen.unauthorized'),
    stopped: t('screen.unauthorized'),
    idle: t('screen.connecting'),
  }[state] || state;
  el.textContent = text;
  el.title = detail || '';
}

// --- reveal -------------------------------------------------------------------------------------

function enterReveal() {
  const view = S.views[S.viewIndex];
  const trade = (view && view.kind === 'leaderboard' && view.trade) || config.trade || model.tradeIds()[0] || '';
  S.reveal = { active: true, trade, cursor: 0, animated: '' };
  stopRotation();
  render();
}

function exitReveal() {
  S.reveal.active = false;
  startRotation();
  render();
}

function revealMove(delta) {
  if (!S.reveal.active) return;
  const trade = model.trade(S.reveal.trade);
  const total = trade ? revealSteps(trade.rows).length : 0;
  S.reveal.cursor = Math.max(0, Math.min(total, S.reveal.cursor + delta));
  render();
}

function revealTo(cursor) {
  const trade = model.trade(S.reveal.trade);
  const total = trade ? revealSteps(trade.rows).length : 0;
  S.reveal.cursor = Math.max(0, Math.min(total, cursor));
  render();
}

const NEXT_KEYS = new Set([' ', 'Spacebar', 'ArrowRight', 'PageDown', 'ArrowDown', 'Enter']);
const PREV_KEYS = new Set(['ArrowLeft', 'PageUp', 'ArrowUp', 'Backspace']);

document.addEventListener('keydown', (ev) => {
  if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
  if ((ev.key === 'f' || ev.key === 'F') && !ev.repeat) {
    // Full screen when the browser is not already in kiosk mode.
    if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
    else document.documentElement.requestFullscreen().catch(() => {});
    return;
  }
  if (ev.key === 'r' || ev.key === 'R') {
    if (ev.repeat) return;
    ev.preventDefault();
    if (S.reveal.active) exitReveal();
    else enterReveal();
    return;
  }
  if (S.reveal.active) {
    if (NEXT_KEYS.has(ev.key)) {
      ev.preventDefault();
      if (!ev.repeat) revealMove(1);
    } else if (PREV_KEYS.has(ev.key)) {
      ev.preventDefault();
      if (!ev.repeat) revealMove(-1);
    } else if (ev.key === 'Home') {
      ev.preventDefault();
      revealTo(0);
    } else if (ev.key === 'End') {
      ev.preventDefault();
      revealTo(Infinity);
    } else if (ev.key === 'Escape') {
      exitReveal();
    }
    return;
  }
  if (ev.key === 'ArrowRight' || ev.key === 'PageDown') {
    ev.preventDefault();
    showView(S.viewIndex + 1);
    startRotation();
  } else if (ev.key === 'ArrowLeft' || ev.key === 'PageUp') {
    ev.preventDefault();
    showView(S.viewIndex - 1);
    startRotation();
  }
});

document.addEventListener('click', () => {
  if (S.reveal.active) revealMove(1);
});

// --- start ----------------------------------------------------------------------------------------

let watch = null;

function tick() {
  const now = new Date();
  const pad = (x) => String(x).padStart(2, '0');
  $('#clock').textContent = `${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}`;
}

function start() {
  applyI18n(document);
  tick();
  setInterval(tick, 1000);
  let resizeTimer = null;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(render, 150);
  });
  if (!token) {
    setConnection('stopped', 'no token');
    const msg = $('#screen-message');
    msg.textContent = t('screen.noToken');
    msg.hidden = false;
    $('#view-leaderboard').hidden = true;
    ready.resolve(window.podium.state());
    return;
  }
  setTitle(t('screen.waiting'), '');
  loadCompetition();
  watch = new StandingsWatch({
    url: (afterVersion) => watchUrl(location, { token, trade: config.trade, limit: config.limit, afterVersion }),
    onSnapshot,
    onDelta,
    onHeartbeat: (hb) => {
      S.lastHeartbeat = hb;
    },
    onState: setConnection,
    heartbeatTimeoutMs: config.heartbeatMs,
  });
  window.addEventListener('online', () => {
    if (watch.state !== 'live') watch.reconnectNow();
  });
  watch.start();
}

window.podium = {
  page: 'screen',
  ready: ready.promise,
  model,
  config,
  get watch() {
    return watch;
  },
  reveal: {
    enter: enterReveal,
    exit: exitReveal,
    next: () => revealMove(1),
    prev: () => revealMove(-1),
  },
  nextView: () => showView(S.viewIndex + 1),
  state: () => {
    const view = currentView();
    const trade = S.reveal.active ? model.trade(S.reveal.trade) : null;
    const r = trade ? revealState(trade.rows) : null;
    return {
      connection: S.connection,
      connectionDetail: S.connectionDetail,
      version: model.version,
      frozen: model.frozen,
      snapshots: model.snapshots,
      deltas: model.deltas,
      connects: watch ? watch.connects : 0,
      trades: model.tradeIds(),
      view: view ? { kind: view.kind, trade: view.trade, page: view.page } : null,
      views: S.views.map((v) => `${v.kind}:${v.trade}:${v.page}`),
      rotate: config.rotate,
      fit: S.layout.fit,
      ticker: S.ticker.map((x) => x.bib),
      reveal: {
        active: S.reveal.active,
        trade: S.reveal.trade,
        step: r ? r.cursor : 0,
        total: r ? r.steps.length : 0,
        revealed: r ? r.revealed : 0,
        tier: r && r.step && r.step.type === 'tier' ? r.step.tier : '',
      },
      lang: lang(),
    };
  },
};

start();
