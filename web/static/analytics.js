// Judge analytics on the chief judge's page: the answer of
// ScoringService/GetJudgeAnalytics made into one table per item, and the rules
// that decide which rows need the chief judge's attention. Pure: runs under
// node too (web/test/analytics.test.mjs).

// When a row is highlighted (web/README.md explains them to users).
export const THRESHOLDS = Object.freeze({
  // |mean deviation| at least this many times the median |mean deviation| of
  // the item's other judges...
  deviationRatio: 1.5,
  // ...with at least this many judges compared on the item (with two, either
  // of them could be the odd one)...
  minJudges: 3,
  // ...and at least the item's deviation floor (deviationFloor below).
  floorShareOfScale: 0.025,
  // Marks dropped by the panel rule (trimmed mean, median).
  droppedShare: 0.5,
  // Rasch fit mean squares: about 1 as modelled.
  fitHigh: 1.5,
  fitLow: 0.5,
});

// The judge's mark scale of a judgement-0-3 item (each judge marks 0..3).
const JUDGEMENT_SCALE = { 'judgement-0-3': 3 };

const num = (v) => {
  const n = Number(v ?? 0);
  return Number.isFinite(n) ? n : 0;
};

// Protobuf JSON omits zeros and empty fields; the gateway keeps the proto's
// field names (snake_case), a protobuf JSON printer may use camelCase.
function field(o, snake) {
  if (!o) return undefined;
  if (o[snake] !== undefined) return o[snake];
  const camel = snake.replace(/_([a-z])/g, (m, c) => c.toUpperCase());
  return o[camel];
}

// One row per judge and item, with every number present.
export function normalizeAnalytics(answer) {
  return ((answer && answer.judges) || []).map((j) => {
    const rasch = field(j, 'rasch');
    return {
      judge: field(j, 'judge') || '',
      judgeName: field(j, 'judge_name') || '',
      item: field(j, 'item') || '',
      itemName: field(j, 'item_name') || '',
      marks: num(field(j, 'marks')),
      compared: num(field(j, 'compared')),
      meanDeviation: num(field(j, 'mean_deviation')),
      meanAbsoluteDeviation: num(field(j, 'mean_absolute_deviation')),
      dropped: num(field(j, 'dropped')),
      droppedShare: num(field(j, 'dropped_share')),
      spreadOutliers: num(field(j, 'spread_outliers')),
      rasch: rasch ? {
        severity: num(field(rasch, 'severity')),
        standardError: num(field(rasch, 'standard_error')),
        infit: num(field(rasch, 'infit')),
        outfit: num(field(rasch, 'outfit')),
      } : null,
    };
  });
}

// The smallest |mean deviation| worth a highlight on an item, in mark units:
// half a step, or 2.5 % of the judge's mark scale (the item's maximum; 3 on a
// judgement-0-3 item), whichever is larger. 0 when the item is unknown.
export function deviationFloor(item) {
  if (!item) return 0;
  const scale = JUDGEMENT_SCALE[item.rule] ?? num(item.max);
  return Math.max(num(item.step) / 2, scale * THRESHOLDS.floorShareOfScale);
}

function median(values) {
  if (!values.length) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

// The dropped share from which a judge is highlighted: 50 %; where the panel
// rule drops half or more of all the item's marks anyway (a median of 5 drops
// 4 of 5), halfway from that share to 100 %.
export function droppedCutoff(rows) {
  const marks = rows.reduce((s, r) => s + r.marks, 0);
  const dropped = rows.reduce((s, r) => s + r.dropped, 0);
  const overall = marks > 0 ? dropped / marks : 0;
  return overall < THRESHOLDS.droppedShare ? THRESHOLDS.droppedShare : (1 + overall) / 2;
}

// The rows of one item, each with `flags`: what needs the chief judge's
// attention, as [{ kind, column }] where kind is one of
//   'lenient' / 'harsh'   |mean deviation| large relative to the others
//   'dropped'             the panel rule dropped the judge's marks often
//   'spread'              furthest from the median on a flagged panel
//   'erratic' / 'predictable'   Rasch infit or outfit above 1.5 / below 0.5
// and `attention` (any flag).
export function assessItem(rows, item = null) {
  const floor = deviationFloor(item);
  const comparedRows = rows.filter((r) => r.compared > 0);
  const cutoff = droppedCutoff(rows);
  return rows.map((r) => {
    const flags = [];
    if (r.compared > 0 && comparedRows.length >= THRESHOLDS.minJudges) {
      const size = Math.abs(r.meanDeviation);
      const others = median(comparedRows.filter((o) => o !== r).map((o) => Math.abs(o.meanDeviation)));
      if (size > 0 && size >= floor && size >= THRESHOLDS.deviationRatio * others) {
        flags.push({ kind: r.meanDeviation > 0 ? 'lenient' : 'harsh', column: 'deviation' });
      }
    }
    if (r.marks > 0 && r.dropped > 0 && r.droppedShare >= cutoff - 1e-9) {
      flags.push({ kind: 'dropped', column: 'dropped' });
    }
    if (r.spreadOutliers > 0) flags.push({ kind: 'spread', column: 'spread' });
    if (r.rasch && r.marks > 0) {
      for (const column of ['infit', 'outfit']) {
        const v = r.rasch[column];
        if (v > THRESHOLDS.fitHigh) flags.push({ kind: 'erratic', column });
        else if (v < THRESHOLDS.fitLow) flags.push({ kind: 'predictable', column });
      }
    }
    return { ...r, flags, attention: flags.length > 0 };
  });
}

// The answer grouped by item, in the server's order (trade, item, panel seat):
// [{ item, itemName, rows, marks, rasch, attention }]. `items` maps an item
// ref to what the competition says of it ({ max, step, rule }).
export function analyzeJudges(rows, items = new Map()) {
  const byItem = new Map();
  for (const r of rows) {
    if (!byItem.has(r.item)) byItem.set(r.item, []);
    byItem.get(r.item).push(r);
  }
  return Array.from(byItem, ([item, list]) => {
    const assessed = assessItem(list, items.get(item) || null);
    return {
      item,
      itemName: list[0].itemName || item,
      rows: assessed,
      marks: list.reduce((s, r) => s + r.marks, 0),
      rasch: list.some((r) => r.rasch),
      attention: assessed.filter((r) => r.attention).length,
    };
  });
}

// "+2.43", "-0.51", "0.00": signed, fixed decimals, no "-0.00".
export function formatSigned(v, digits = 2) {
  const n = num(v);
  const text = Math.abs(n).toFixed(digits);
  if (Number(text) === 0) return (0).toFixed(digits);
  return `${n > 0 ? '+' : '-'}${text}`;
}

// 0.4583 -> "46 %"
export function formatShare(share) {
  return `${Math.round(num(share) * 100)} %`;
}
