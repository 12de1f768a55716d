import test from 'node:test';
import assert from 'node:assert/strict';
import { StandingsModel, normalizeRow, revealSteps } from '../static/standings.js';

// Protobuf JSON as the gateway sends it: defaults omitted (position 0, rank 0,
// false, ""), 64-bit integers as strings.
function snapshot() {
  return {
    version: '10',
    trades: [{
      trade: 'mine-rescue',
      name: '矿山救护工',
      size: 4,
      rows: [
        { bib: 'K051', name: '朱秋菊', rank: 1, total: 73.72, events: { theory: 89, practical: 67.17 }, award: 'first', award_name: '冠军', status: 'CONTESTANT_STATUS_PRESENT' },
        { bib: 'K025', name: '张鹏', rank: 2, position: 1, total: 73.2, award: 'second', award_name: '亚军', status: 'CONTESTANT_STATUS_PRESENT' },
        { bib: 'K088', name: '许龙', rank: 3, position: 2, total: 72.18, award: 'third', award_name: '季军', status: 'CONTESTANT_STATUS_PRESENT' },
        { bib: 'K005', name: '郭立新', position: 3, status: 'CONTESTANT_STATUS_ABSENT' },
      ],
      teams: [
        { team: 'A', rank: 1, total: 146.92, members: 2 },
        { team: 'B', rank: 2, position: 1, total: 72.18, members: 1 },
      ],
    }],
    teams: [{ team: 'A', rank: 1, total: 146.92, members: 2 }],
    medal_tally: [{ delegation: '淮河能源集团', rank: 1, medals: { first: 1 }, awarded: 1 }],
  };
}

test('a snapshot fills in omitted defaults', () => {
  const m = new StandingsModel();
  m.applySnapshot(snapshot());
  const t = m.trade('mine-rescue');
  assert.equal(m.version, '10');
  assert.equal(m.frozen, false);
  assert.equal(t.rows[0].position, 0);
  assert.equal(t.rows[3].rank, 0);
  assert.equal(t.rows[3].total, 0);
  assert.equal(t.rows[3].complete, false);
  assert.equal(t.rows[1].award_name, '亚军');
  assert.deepEqual(t.rows[1].events, {});
  assert.equal(t.teams[0].position, 0);
  assert.equal(m.medalTally[0].medals.first, 1);
});

test('a delta overwrites rows by position and reports only changed results', () => {
  const m = new StandingsModel();
  m.applySnapshot(snapshot());
  // K088 overtakes K025: both positions are sent; only K088's total changed.
  const r = m.applyDelta({
    from_version: '10',
    to_version: '12',
    trades: [{
      trade: 'mine-rescue',
      rows: [
        { bib: 'K088', rank: 2, position: 1, total: 73.5, award: 'second', award_name: '亚军' },
        { bib: 'K025', rank: 3, position: 2, total: 73.2, award: 'third', award_name: '季军' },
      ],
    }],
  });
  assert.equal(r.ok, true);
  assert.equal(m.version, '12');
  const rows = m.trade('mine-rescue').rows;
  assert.deepEqual(rows.map((x) => x.bib), ['K051', 'K088', 'K025', 'K005']);
  // K025's own total did not change but its award did: both count as results.
  assert.deepEqual(r.changes.map((c) => c.row.bib).sort(), ['K025', 'K088']);
  const k088 = r.changes.find((c) => c.row.bib === 'K088');
  assert.equal(k088.before.rank, 3);
  assert.equal(k088.row.rank, 2);
});

test('a place-only move is not a new result', () => {
  const m = new StandingsModel();
  m.applySnapshot(snapshot());
  const r = m.applyDelta({
    from_version: '10',
    to_version: '11',
    trades: [{ trade: 'mine-rescue', rows: [
      { bib: 'K025', rank: 2, position: 2, total: 73.2, award: 'second', award_name: '亚军', status: 'CONTESTANT_STATUS_PRESENT' },
      { bib: 'K088', rank: 3, position: 1, total: 72.18, award: 'third', award_name: '季军', status: 'CONTESTANT_STATUS_PRESENT' },
    ] }],
  });
  assert.equal(r.ok, true);
  assert.deepEqual(r.changes, []);
});

test('a delta that does not follow, or does not add up, is refused and changes nothing', () => {
  const m = new StandingsModel();
  m.applySnapshot(snapshot());
  assert.equal(m.applyDelta({ from_version: '9', to_version: '11', trades: [] }).ok, false);
  // K088 moved to position 1 but position 2 was not sent: K088 twice.
  const r = m.applyDelta({ from_version: '10', to_version: '11', trades: [{ trade: 'mine-rescue', rows: [{ bib: 'K088', rank: 2, position: 1, total: 80 }] }] });
  assert.equal(r.ok, false);
  assert.equal(m.version, '10');
  assert.equal(m.trade('mine-rescue').rows[1].bib, 'K025');
  assert.equal(m.applyDelta({ from_version: '10', to_version: '11', trades: [{ trade: 'nope', rows: [] }] }).ok, false);
});

test('medal tally and competition teams are replaced whole when sent', () => {
  const m = new StandingsModel();
  m.applySnapshot(snapshot());
  const r = m.applyDelta({
    from_version: '10',
    to_version: '11',
    trades: [{ trade: 'mine-rescue', teams: [{ team: 'B', rank: 1, total: 150, members: 2 }, { team: 'A', rank: 2, position: 1, total: 146.92, members: 2 }] }],
    medal_tally: [{ delegation: 'X', rank: 1, medals: { first: 1 }, awarded: 1 }, { delegation: 'Y', rank: 2, medals: { second: 1 }, awarded: 1 }],
    teams: [{ team: 'B', rank: 1, total: 150, members: 2 }, { team: 'A', rank: 2, position: 1, total: 146.92, members: 2 }],
  });
  assert.equal(r.ok, true);
  assert.deepEqual(m.trade('mine-rescue').teams.map((t) => t.team), ['B', 'A']);
  assert.deepEqual(m.medalTally.map((x) => x.delegation), ['X', 'Y']);
  assert.deepEqual(m.teams.map((t) => t.team), ['B', 'A']);
});

test('a later snapshot reports what changed since the last one', () => {
  const m = new StandingsModel();
  assert.deepEqual(m.applySnapshot(snapshot()).changes, []);
  const next = snapshot();
  next.version = '15';
  next.trades[0].rows[2].total = 72.5;
  const { changes } = m.applySnapshot(next);
  assert.deepEqual(changes.map((c) => c.row.bib), ['K088']);
});

test('normalizeRow accepts lowerCamelCase award_name', () => {
  assert.equal(normalizeRow({ bib: 'K1', awardName: '一等奖' }).award_name, '一等奖');
});

test('reveal steps go bottom up and pause once at each award tier', () => {
  const m = new StandingsModel();
  m.applySnapshot(snapshot());
  const steps = revealSteps(m.trade('mine-rescue').rows);
  assert.deepEqual(steps.map((s) => (s.type === 'tier' ? `tier:${s.name}` : s.bib)),
    ['K005', 'tier:季军', 'K088', 'tier:亚军', 'K025', 'tier:冠军', 'K051']);
  // Ties within a tier pause once.
  const tied = [
    { bib: 'A', award: 'first', award_name: '一等奖' },
    { bib: 'B', award: 'first', award_name: '一等奖' },
    { bib: 'C', award: 'second', award_name: '二等奖' },
    { bib: 'D', award: '' },
  ];
  assert.deepEqual(revealSteps(tied).map((s) => (s.type === 'tier' ? `tier:${s.name}` : s.bib)),
    ['D', 'tier:二等奖', 'C', 'tier:一等奖', 'B', 'A']);
});
