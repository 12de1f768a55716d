import test from 'node:test';
import assert from 'node:assert/strict';
import {
  THRESHOLDS, normalizeAnalytics, deviationFloor, droppedCutoff, assessItem, analyzeJudges,
  formatSigned, formatShare,
} from '../static/analytics.js';

const ITEM = 'elder-care:practical.daily-care';
const DAILY_CARE = { max: 40, step: 0.5, rule: 'mean' };

// A row as normalizeAnalytics makes it.
function row(judge, fields = {}) {
  return {
    judge, judgeName: `name ${judge}`, item: ITEM, itemName: '生活照护',
    marks: 10, compared: 10, meanDeviation: 0, meanAbsoluteDeviation: 0,
    dropped: 0, droppedShare: 0, spreadOutliers: 0, rasch: null, ...fields,
  };
}

const kinds = (r) => r.flags.map((f) => f.kind);
const byJudge = (rows) => Object.fromEntries(rows.map((r) => [r.judge, r]));

test('the answer is read with zero fields omitted, in proto or camelCase names', () => {
  const rows = normalizeAnalytics({
    judges: [
      { judge: 'J26', judge_name: '高永生', item: ITEM, item_name: '生活照护', marks: 23, compared: 23,
        mean_deviation: -0.5, mean_absolute_deviation: 1.2, dropped: 3, dropped_share: 0.13,
        spread_outliers: 1, rasch: { severity: 0.4, standard_error: 0.5, infit: 1.1, outfit: 0.9 } },
      { judge: 'J27', judgeName: '朱俊峰', item: ITEM, meanDeviation: 2.4, spreadOutliers: 2,
        rasch: { standardError: 0.6 } },
      { judge: 'J28', item: ITEM },
    ],
  });
  assert.deepEqual(rows[0], {
    judge: 'J26', judgeName: '高永生', item: ITEM, itemName: '生活照护', marks: 23, compared: 23,
    meanDeviation: -0.5, meanAbsoluteDeviation: 1.2, dropped: 3, droppedShare: 0.13, spreadOutliers: 1,
    rasch: { severity: 0.4, standardError: 0.5, infit: 1.1, outfit: 0.9 },
  });
  assert.equal(rows[1].judgeName, '朱俊峰');
  assert.equal(rows[1].meanDeviation, 2.4);
  assert.equal(rows[1].spreadOutliers, 2);
  assert.deepEqual(rows[1].rasch, { severity: 0, standardError: 0.6, infit: 0, outfit: 0 });
  assert.equal(rows[2].marks, 0);
  assert.equal(rows[2].rasch, null);
  assert.deepEqual(normalizeAnalytics({}), []);
  assert.deepEqual(normalizeAnalytics(null), []);
});

test('a clearly lenient judge is highlighted, the rest of the panel is not', () => {
  // Four judges within half a point, one six points above: the others'
  // deviations are pulled down by the lenient one, by about 6/4 each.
  const rows = byJudge(assessItem([
    row('J26', { meanDeviation: -0.875 }),
    row('J27', { meanDeviation: -2.125 }),
    row('J28', { meanDeviation: -1.5 }),
    row('J29', { meanDeviation: -1.5 }),
    row('J30', { meanDeviation: 6 }),
  ], DAILY_CARE));
  assert.deepEqual(kinds(rows.J30), ['lenient']);
  assert.equal(rows.J30.flags[0].column, 'deviation');
  assert.equal(rows.J30.attention, true);
  for (const j of ['J26', 'J27', 'J28', 'J29']) {
    assert.deepEqual(kinds(rows[j]), [], j);
    assert.equal(rows[j].attention, false);
  }
});

test('a harsh judge is highlighted as harsh', () => {
  const rows = byJudge(assessItem([
    row('A', { meanDeviation: 0.6 }),
    row('B', { meanDeviation: 0.5 }),
    row('C', { meanDeviation: 0.7 }),
    row('D', { meanDeviation: -2.4 }),
  ], DAILY_CARE));
  assert.deepEqual(kinds(rows.D), ['harsh']);
  assert.deepEqual([rows.A, rows.B, rows.C].map((r) => r.attention), [false, false, false]);
});

test('the deviation rule: relative to the others, above a floor, three judges or more', () => {
  // Exactly the ratio is enough; just under is not.
  const ratio = THRESHOLDS.deviationRatio;
  const at = byJudge(assessItem([
    row('A', { meanDeviation: 1 }), row('B', { meanDeviation: -1 }), row('C', { meanDeviation: -1 * ratio }),
  ], DAILY_CARE));
  assert.deepEqual(kinds(at.C), ['harsh']);
  const under = byJudge(assessItem([
    row('A', { meanDeviation: 1 }), row('B', { meanDeviation: -1 }), row('C', { meanDeviation: -1.49 }),
  ], DAILY_CARE));
  assert.equal(under.C.attention, false);
  // Tiny differences are noise, however large the ratio: the floor of a 0-40
  // item with step 0.5 is 1 point (2.5 % of 40).
  assert.equal(deviationFloor(DAILY_CARE), 1);
  const tiny = byJudge(assessItem([
    row('A', { meanDeviation: 0.05 }), row('B', { meanDeviation: -0.05 }), row('C', { meanDeviation: 0.9 }),
  ], DAILY_CARE));
  assert.equal(tiny.C.attention, false);
  // Without the item's scale there is no floor.
  assert.deepEqual(kinds(byJudge(assessItem([
    row('A', { meanDeviation: 0.05 }), row('B', { meanDeviation: -0.05 }), row('C', { meanDeviation: 0.9 }),
  ])).C), ['lenient']);
  // Two judges: either could be the odd one.
  const two = assessItem([row('A', { meanDeviation: 5 }), row('B', { meanDeviation: -5 })], DAILY_CARE);
  assert.deepEqual(two.map((r) => r.attention), [false, false]);
  // Judges without compared marks neither count as a judge nor as a reference.
  const idle = byJudge(assessItem([
    row('A', { meanDeviation: 3 }), row('B', { meanDeviation: -1 }),
    row('C', { marks: 0, compared: 0 }), row('D', { marks: 2, compared: 0 }),
  ], DAILY_CARE));
  assert.deepEqual(Object.values(idle).map((r) => r.attention), [false, false, false, false]);
  // All equal: nobody stands out.
  const same = assessItem([1, 2, 3].map((i) => row(`J${i}`, { meanDeviation: 0 })), DAILY_CARE);
  assert.deepEqual(same.map((r) => r.attention), [false, false, false]);
});

test('the deviation floor follows the judge\'s mark scale', () => {
  assert.equal(deviationFloor({ max: 20, step: 0.5 }), 0.5);
  assert.equal(deviationFloor({ max: 100, step: 0.5 }), 2.5);
  assert.equal(deviationFloor({ max: 10, step: 1 }), 0.5);
  // Judgement 0-3: judges mark 0, 1, 2 or 3 whatever the item's maximum.
  assert.equal(deviationFloor({ max: 10, step: 1, rule: 'judgement-0-3' }), 0.5);
  assert.ok(Math.abs(deviationFloor({ max: 10, step: 0.1, rule: 'judgement-0-3' }) - 0.075) < 1e-12);
  assert.equal(deviationFloor(null), 0);
});

test('dropped share: 50 % or more, and more than a median drops anyway', () => {
  // Trimmed mean of 5 (drops 2 of 5 = 40 % overall): the 50 % line.
  const trimmed = byJudge(assessItem([
    row('A', { dropped: 5, droppedShare: 0.5 }),
    row('B', { dropped: 4, droppedShare: 0.4 }),
    row('C', { dropped: 3, droppedShare: 0.3 }),
    row('D', { dropped: 4, droppedShare: 0.4 }),
    row('E', { dropped: 4, droppedShare: 0.4 }),
  ], DAILY_CARE));
  assert.deepEqual(kinds(trimmed.A), ['dropped']);
  assert.deepEqual(['B', 'C', 'D', 'E'].map((j) => trimmed[j].attention), [false, false, false, false]);
  // Median of 5 drops 80 % of all marks: only judges at 90 % or more stand out.
  const medianRows = [
    row('A', { dropped: 8, droppedShare: 0.8 }),
    row('B', { dropped: 6, droppedShare: 0.6 }),
    row('C', { dropped: 9, droppedShare: 0.9 }),
    row('D', { dropped: 7, droppedShare: 0.7 }),
    row('E', { dropped: 10, droppedShare: 1 }),
  ];
  assert.equal(droppedCutoff(medianRows), 0.9);
  const median = byJudge(assessItem(medianRows, DAILY_CARE));
  assert.deepEqual(Object.values(median).filter((r) => r.attention).map((r) => r.judge), ['C', 'E']);
  // Nothing marked, nothing dropped.
  assert.equal(droppedCutoff([row('A', { marks: 0 })]), 0.5);
  assert.equal(assessItem([row('A', { marks: 0, compared: 0 })])[0].attention, false);
});

test('any spread outlier is highlighted', () => {
  const rows = byJudge(assessItem([
    row('A', { spreadOutliers: 1 }), row('B'), row('C'),
  ], DAILY_CARE));
  assert.deepEqual(rows.A.flags, [{ kind: 'spread', column: 'spread' }]);
  assert.equal(rows.B.attention, false);
});

test('Rasch fit: above 1.5 is erratic, below 0.5 too predictable, 0.5 to 1.5 fine', () => {
  const rasch = (infit, outfit) => ({ severity: 0.3, standardError: 0.5, infit, outfit });
  const rows = byJudge(assessItem([
    row('A', { rasch: rasch(1.57, 2.09) }),
    row('B', { rasch: rasch(0.49, 0.8) }),
    row('C', { rasch: rasch(1.5, 0.5) }),
    row('D', { rasch: rasch(1.2, 0.45) }),
    row('E', { rasch: rasch(1.6, 1.6), marks: 0, compared: 0 }),
  ], { max: 10, step: 1, rule: 'judgement-0-3' }));
  assert.deepEqual(rows.A.flags, [{ kind: 'erratic', column: 'infit' }, { kind: 'erratic', column: 'outfit' }]);
  assert.deepEqual(rows.B.flags, [{ kind: 'predictable', column: 'infit' }]);
  assert.deepEqual(rows.C.flags, []);
  assert.deepEqual(rows.D.flags, [{ kind: 'predictable', column: 'outfit' }]);
  assert.deepEqual(rows.E.flags, [], 'no marks, no fit');
  // Severity itself is not a reason: the Rasch fair score removes it.
  const severe = assessItem([row('A', { rasch: { severity: 3, standardError: 0.4, infit: 1, outfit: 1 } })]);
  assert.equal(severe[0].attention, false);
});

test('several reasons on one row are all named', () => {
  const [r] = assessItem([
    row('A', { meanDeviation: 4, dropped: 9, droppedShare: 0.9, spreadOutliers: 3 }),
    row('B', { meanDeviation: -1 }), row('C', { meanDeviation: -1 }),
  ], DAILY_CARE);
  assert.deepEqual(kinds(r), ['lenient', 'dropped', 'spread']);
});

test('the answer is grouped by item in the server\'s order, with counts', () => {
  const other = 'elder-care:practical.humanistic-care';
  const rows = [
    row('J26', { meanDeviation: -1 }), row('J27', { meanDeviation: -1 }), row('J28', { meanDeviation: 4 }),
    { ...row('J26', { rasch: { severity: 0.2, standardError: 0.5, infit: 1, outfit: 1 } }), item: other, itemName: '人文关怀与沟通' },
    { ...row('J27', { marks: 0, compared: 0 }), item: other, itemName: '人文关怀与沟通' },
    { ...row('J28', { marks: 0, compared: 0 }), item: 'elder-care:practical.rehab', itemName: '' },
  ];
  const groups = analyzeJudges(rows, new Map([[ITEM, DAILY_CARE]]));
  assert.deepEqual(groups.map((g) => [g.item, g.itemName, g.rows.length, g.marks, g.rasch, g.attention]), [
    [ITEM, '生活照护', 3, 30, false, 1],
    [other, '人文关怀与沟通', 2, 10, true, 0],
    ['elder-care:practical.rehab', 'elder-care:practical.rehab', 1, 0, false, 0],
  ]);
  assert.deepEqual(groups[0].rows.map((r) => r.judge), ['J26', 'J27', 'J28']);
  assert.deepEqual(analyzeJudges([]), []);
});

test('numbers are shown signed with two decimals, shares as percentages', () => {
  assert.equal(formatSigned(2.4293), '+2.43');
  assert.equal(formatSigned(-0.5054), '-0.51');
  assert.equal(formatSigned(0), '0.00');
  assert.equal(formatSigned(-0.001), '0.00');
  assert.equal(formatSigned(undefined), '0.00');
  assert.equal(formatSigned(6), '+6.00');
  assert.equal(formatShare(0.4583), '46 %');
  assert.equal(formatShare(1), '100 %');
  assert.equal(formatShare(undefined), '0 %');
});
