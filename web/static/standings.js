// The big screen's model of the standings: snapshots replace it, deltas
// overwrite rows by position (docs/http-api.md: "a client keeping the
// leaderboard by position overwrites those positions"). Pure: no DOM, so the
// delta logic is tested under node (web/test/standings.test.mjs).

// Protobuf JSON omits defaults (rank 0, position 0, false, ""): fill them in.
function pick(obj, snake, camel, fallback) {
  if (obj[snake] !== undefined) return obj[snake];
  if (camel && obj[camel] !== undefined) return obj[camel];
  return fallback;
}

export function normalizeRow(row, fallbackPosition = 0) {
  const r = row || {};
  return {
    bib: pick(r, 'bib', null, ''),
    name: pick(r, 'name', null, ''),
    organization: pick(r, 'organization', null, ''),
    team: pick(r, 'team', null, ''),
    rank: Number(pick(r, 'rank', null, 0)) || 0,
    position: Number(pick(r, 'position', null, fallbackPosition)) || 0,
    total: Number(pick(r, 'total', null, 0)) || 0,
    events: { ...(pick(r, 'events', null, {}) || {}) },
    award: pick(r, 'award', null, ''),
    award_name: pick(r, 'award_name', 'awardName', ''),
    status: pick(r, 'status', null, 'CONTESTANT_STATUS_UNSPECIFIED'),
    stage: pick(r, 'stage', null, ''),
    complete: !!pick(r, 'complete', null, false),
    flagged: !!pick(r, 'flagged', null, false),
  };
}

export function normalizeTeam(team, fallbackPosition = 0) {
  const t = team || {};
  return {
    team: pick(t, 'team', null, ''),
    rank: Number(pick(t, 'rank', null, 0)) || 0,
    total: Number(pick(t, 'total', null, 0)) || 0,
    members: Number(pick(t, 'members', null, 0)) || 0,
    position: Number(pick(t, 'position', null, fallbackPosition)) || 0,
  };
}

export function normalizeMedal(row) {
  const m = row || {};
  return {
    delegation: pick(m, 'delegation', null, ''),
    rank: Number(pick(m, 'rank', null, 0)) || 0,
    medals: { ...(pick(m, 'medals', null, {}) || {}) },
    awarded: Number(pick(m, 'awarded', null, 0)) || 0,
  };
}

function sameEvents(a, b) {
  const ka = Object.keys(a || {});
  const kb = Object.keys(b || {});
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Number(a[k]) === Number((b || {})[k]));
}

// Whether a row's own results changed (not just its place).
export function resultChanged(before, after) {
  if (!before) return true;
  return before.total !== after.total || before.status !== after.status ||
    !sameEvents(before.events, after.events) || before.award !== after.award;
}

function byPosition(list, normalize) {
  const out = [];
  (list || []).forEach((item, i) => {
    const n = normalize(item, i);
    out[n.position] = n;
  });
  // Holes would only come from a malformed message; close them up.
  return out.filter(Boolean);
}

export class StandingsModel {
  constructor() {
    this.clear();
  }

  clear() {
    this.version = '0';
    this.frozen = false;
    this.trades = new Map();   // trade id -> { trade, name, size, rows[], teams[] }
    this.teams = [];           // teams across trades
    this.medalTally = [];
    this.snapshots = 0;
    this.deltas = 0;
  }

  tradeIds() {
    return Array.from(this.trades.keys());
  }

  trade(id) {
    return this.trades.get(id) || null;
  }

  // Replaces everything. Returns { changes } listing rows whose results differ
  // from before (empty for the first snapshot).
  applySnapshot(snapshot) {
    const s = snapshot || {};
    const before = this.trades;
    const first = this.snapshots === 0;
    this.version = String(s.version ?? '0');
    this.frozen = !!s.frozen;
    this.trades = new Map();
    for (const t of s.trades || []) {
      const rows = byPosition(t.rows, normalizeRow);
      this.trades.set(t.trade, {
        trade: t.trade,
        name: t.name || t.trade,
        size: Number(t.size ?? rows.length) || rows.length,
        rows,
        teams: byPosition(t.teams, normalizeTeam),
      });
    }
    this.teams = byPosition(s.teams, normalizeTeam);
    this.medalTally = (s.medal_tally || s.medalTally || []).map(normalizeMedal);
    this.snapshots += 1;
    const changes = [];
    if (!first) {
      for (const [id, trade] of this.trades) {
        const old = before.get(id);
        if (!old) continue;
        const oldByBib = new Map(old.rows.map((r) => [r.bib, r]));
        for (const row of trade.rows) {
          const prev = oldByBib.get(row.bib);
          if (prev && resultChanged(prev, row)) changes.push({ trade: id, row, before: prev });
        }
      }
    }
    return { changes };
  }

  // Applies a delta in place. Returns { ok, changes }: ok false when the delta
  // does not fit (a trade or position unknown, a bib at two places): the
  // caller then asks for a snapshot. changes lists the rows whose own results
  // changed, with the row as it was before.
  applyDelta(delta) {
    const d = delta || {};
    const from = String(d.from_version ?? '0');
    if (from !== this.version) return { ok: false, changes: [], why: `delta from ${from}, have ${this.version}` };
    const changes = [];
    const staged = [];
    for (const td of d.trades || []) {
      const trade = this.trades.get(td.trade);
      if (!trade) return { ok: false, changes: [], why: `unknown trade ${td.trade}` };
      const rows = trade.rows.slice();
      const teams = trade.teams.slice();
      const oldByBib = new Map(trade.rows.map((r) => [r.bib, r]));
      for (const raw of td.rows || []) {
        const row = normalizeRow(raw, 0);
        if (row.position < 0 || row.position >= Math.max(rows.length, trade.size)) {
          return { ok: false, changes: [], why: `position ${row.position} out of range` };
        }
        rows[row.position] = row;
        const prev = oldByBib.get(row.bib);
        if (resultChanged(prev, row)) changes.push({ trade: td.trade, row, before: prev || null });
      }
      for (const raw of td.teams || []) {
        const team = normalizeTeam(raw, 0);
        teams[team.position] = team;
      }
      // Every bib and team once, no holes.
      const bibs = new Set();
      for (const r of rows) {
        if (!r || bibs.has(r.bib)) return { ok: false, changes: [], why: 'rows do not add up' };
        bibs.add(r.bib);
      }
      const names = new Set();
      for (const t of teams) {
        if (!t || names.has(t.team)) return { ok: false, changes: [], why: 'teams do not add up' };
        names.add(t.team);
      }
      staged.push([trade, rows, teams]);
    }
    for (const [trade, rows, teams] of staged) {
      trade.rows = rows;
      trade.teams = teams;
    }
    const tally = d.medal_tally || d.medalTally;
    if (tally && tally.length) this.medalTally = tally.map(normalizeMedal);
    if (d.teams && d.teams.length) this.teams = byPosition(d.teams, normalizeTeam);
    this.version = String(d.to_version ?? this.version);
    this.deltas += 1;
    return { ok: true, changes };
  }
}

// The reveal's steps for a trade, from the last place up: a "tier" step
// (pause and show the tier's name) wherever the award changes to a tier,
// then one "row" step per contestant.
export function revealSteps(rows) {
  const steps = [];
  let previous = null;
  for (let p = rows.length - 1; p >= 0; p--) {
    const row = rows[p];
    const tier = row.award || '';
    if (tier && tier !== previous) steps.push({ type: 'tier', tier, name: row.award_name || tier, position: p });
    steps.push({ type: 'row', position: p, bib: row.bib });
    previous = tier;
  }
  return steps;
}
