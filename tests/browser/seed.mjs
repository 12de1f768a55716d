// Marks for a running server from a competition's scores CSV, entered over
// the JSON API with each judge's own token (as their tablets would).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// Rows of a simple CSV (no quoted commas in the sample scores files).
function readCsv(path) {
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  const names = header.split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(names.map((n, i) => [n, cells[i] ?? '']));
  });
}

// Enters every mark of `file` (judge,contestant,item,value,note) whose row
// `keep` accepts; a later row for the same mark is the judge's correction,
// its note the reason. Returns how many were accepted; throws on a refusal.
export async function seedMarks(server, file, keep = () => true) {
  const byJudge = new Map();
  const seen = new Set();
  const corrections = [];
  for (const row of readCsv(join(server.competitionDir, file))) {
    if (!keep(row)) continue;
    const mark = `${row.judge}-${row.contestant}-${row.item}`;
    if (seen.has(mark)) {
      corrections.push(row);
      continue;
    }
    seen.add(mark);
    if (!byJudge.has(row.judge)) byJudge.set(row.judge, []);
    byJudge.get(row.judge).push({
      idempotency_key: `seed-${row.judge}-${row.contestant}-${row.item}`,
      bib: row.contestant,
      item: row.item,
      value: Number(row.value),
      device: 'seed',
    });
  }
  let accepted = 0;
  for (const [judge, marks] of byJudge) {
    const { results = [] } = await server.call('ScoringService/SubmitMarks', judge, { marks });
    for (const r of results) {
      if ((r.code ?? 0) !== 0) throw new Error(`seed mark ${r.idempotency_key}: ${r.message}`);
      accepted += 1;
    }
  }
  for (const [i, row] of corrections.entries()) {
    await server.call('ScoringService/CorrectMark', row.judge, {
      idempotency_key: `seed-correction-${i}`,
      bib: row.contestant,
      item: row.item,
      value: Number(row.value),
      reason: row.note || 'correction',
      device: 'seed',
    });
    accepted += 1;
  }
  return accepted;
}
