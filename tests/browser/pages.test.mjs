// The pages in headless Chromium against a real `podium serve` (its gateway
// on loopback, its SQLite ledger in a scratch directory): what judges, chief
// judges and the big screen rely on. Screenshots of every page at tablet and
// 1920x1080 sizes go to build/browser-artifacts/.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  BIG_SCREEN, PodiumServer, TABLET, launchBrowser, openPage, scratchDir, screenshot,
} from './harness.mjs';
import { seedMarks } from './seed.mjs';

const BENCH = 'mine-rescue:practical.respirator-bench';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

// A server of the mine-rescue sample for one test, stopped and removed after.
async function withServer(t, competition = 'mine-rescue-2026') {
  const scratch = scratchDir('browser');
  const server = await PodiumServer.create(competition, scratch.dir);
  t.after(async () => {
    await server.stop();
    scratch.remove();
  });
  return server;
}

// Opens `who`'s page by their login link; fails the test on a page error.
async function open(t, server, who, viewport) {
  const errors = [];
  const page = await openPage(browser, viewport, errors);
  t.after(async () => {
    await page.context().close();
    assert.deepEqual(errors.map(String), [], 'uncaught errors on the page');
  });
  await page.goto(server.link(who));
  await page.evaluate(() => window.podium.ready);
  return page;
}

// On the judge page: pick the bib, type the value, send and confirm.
async function enterMark(page, bib, value) {
  await page.locator(`#queue [data-bib="${bib}"]`).click();
  await page.getByTestId('mark-input').fill(String(value));
  await page.getByTestId('mark-submit').click();
  await page.locator('#confirm-yes').click();
}

const syncState = (page) => page.getByTestId('sync-status').getAttribute('data-state');

async function waitForSync(page, state, timeout = 10_000) {
  await page.waitForFunction(
    (s) => document.querySelector('[data-testid="sync-status"]').dataset.state === s,
    state, { timeout },
  );
}

// The big screen's leaderboard rows as [bib, rank] by position (rows move
// by animation, not by DOM order).
function leaderboard(page) {
  return page.$$eval('[data-testid="leaderboard"] [data-testid="leaderboard-row"][data-bib]',
    (rows) => rows
      .sort((a, b) => Number(a.dataset.position) - Number(b.dataset.position))
      .map((r) => [r.dataset.bib, Number(r.dataset.rank)]));
}

async function history(server, bib, item, judge) {
  const { events = [] } = await server.call('ScoringService/GetMarkHistory', 'CJ01',
                                            { bib, item, judge });
  return events;
}

describe('judge tablet and big screen', () => {
  test('a mark entered on the tablet shows on the big screen with new ranks within 1 s',
    async (t) => {
      const server = await withServer(t);
      // K002 leads before the judge enters K001's mark.
      await server.call('ScoringService/SubmitMark', 'P02',
        { idempotency_key: 'lead', bib: 'K002', item: BENCH, value: 12 });
      const screen = await open(t, server, 'display-1', BIG_SCREEN);
      await screen.waitForFunction(() => {
        const row = document.querySelector('[data-testid="leaderboard-row"][data-bib="K002"]');
        return row && row.dataset.rank === '1';
      });
      const judge = await open(t, server, 'P01', TABLET);
      await screenshot(judge, 'judge-tablet');
      await enterMark(judge, 'K001', 14.5);
      const sent = Date.now();
      // New ranks on the screen: K001 first, K002 second.
      await screen.waitForFunction(() => {
        const rank = (bib) => document.querySelector(
          `[data-testid="leaderboard-row"][data-bib="${bib}"]`)?.dataset.rank;
        return rank('K001') === '1' && rank('K002') === '2';
      }, null, { timeout: 1_000 });
      const shownAfterMs = Date.now() - sent;
      t.diagnostic(`big screen showed the new ranks ${shownAfterMs} ms after the judge confirmed`);
      const rows = await leaderboard(screen);
      assert.deepEqual(rows.slice(0, 2), [['K001', 1], ['K002', 2]]);
      await waitForSync(judge, 'sent');
      await screenshot(judge, 'judge-tablet-sent');
      await screenshot(screen, 'screen-1080p-live');
      // The ledger has the tablet's mark, once, with the tablet as its device.
      const events = await history(server, 'K001', BENCH, 'P01');
      assert.equal(events.length, 1);
      assert.equal(events[0].value, 14.5);
      assert.match(events[0].device, /^web-/);
    });

  test('marks entered while the server is down are kept across a page reload and sent once',
    async (t) => {
      const server = await withServer(t);
      const first = await open(t, server, 'P01', TABLET);
      await server.stop();
      await enterMark(first, 'K003', 11);
      await enterMark(first, 'K004', 9.5);
      await waitForSync(first, 'waiting');
      assert.equal(await first.getByTestId('sync-status').getAttribute('data-waiting'), '2');
      await screenshot(first, 'judge-tablet-offline');
      // The tablet's browser closes the page before the server is back...
      const context = first.context();
      await first.close();
      await server.start();
      // ...and the judge opens it again (logged in from storage, no link).
      const errors = [];
      const again = await context.newPage();
      again.on('pageerror', (error) => errors.push(error));
      await again.goto(`${server.baseUrl}/judge`);
      await again.evaluate(() => window.podium.ready);
      await waitForSync(again, 'sent', 30_000);
      for (const [bib, value] of [['K003', 11], ['K004', 9.5]]) {
        const events = await history(server, bib, BENCH, 'P01');
        assert.equal(events.length, 1, `${bib} recorded once`);
        assert.equal(events[0].value, value);
      }
      assert.deepEqual(errors.map(String), []);
    });

  test('a mark whose answer is lost on the way back is resent and counted once',
    async (t) => {
      const server = await withServer(t);
      const judge = await open(t, server, 'P01', TABLET);
      // The first answer to each write is dropped after the server has
      // recorded the mark, as when the Wi-Fi fails mid-request.
      let dropped = 0;
      await judge.route('**/api/v1/ScoringService/SubmitMark*', async (route) => {
        const response = await route.fetch();
        if (dropped === 0 && response.ok()) {
          dropped += 1;
          await route.abort('connectionreset');
          return;
        }
        await route.fulfill({ response });
      });
      await enterMark(judge, 'K007', 12.5);
      await waitForSync(judge, 'sent', 30_000);
      assert.equal(dropped, 1);
      const marks = await judge.evaluate(() => window.podium.state().marks);
      const sent = marks.find((m) => m.bib === 'K007');
      assert.ok(sent.attempts >= 2, `resent (${sent.attempts} attempts)`);
      const events = await history(server, 'K007', BENCH, 'P01');
      assert.equal(events.length, 1, 'recorded once');
    });

  test('a refusal is shown with the server\'s message', async (t) => {
    const server = await withServer(t);
    const judge = await open(t, server, 'P01', TABLET);
    // The judge's other device marks K005 after this page loaded its sheet.
    await server.call('ScoringService/SubmitMark', 'P01',
      { idempotency_key: 'other-device', bib: 'K005', item: BENCH, value: 10, device: 'phone' });
    await enterMark(judge, 'K005', 12);
    await waitForSync(judge, 'refused');
    const refusal = judge.getByTestId('refusal-message');
    await refusal.waitFor({ state: 'visible' });
    const text = await refusal.textContent();
    assert.match(text, /K005/);
    // The server's own words: the mark exists and needs a correction.
    const events = await history(server, 'K005', BENCH, 'P01');
    assert.equal(events.length, 1, 'the refused mark changed nothing');
    assert.equal(events[0].value, 10);
    const marks = await judge.evaluate(() => window.podium.state().marks);
    const refused = marks.find((m) => m.bib === 'K005');
    assert.equal(refused.state, 'refused');
    assert.ok(text.includes(refused.error.message ?? refused.error),
      `shown: ${text}; server said: ${JSON.stringify(refused.error)}`);
    await screenshot(judge, 'judge-tablet-refused');
  });
});

describe('chief judge', () => {
  test('locking an item makes a later entry on the tablet refused', async (t) => {
    const server = await withServer(t);
    const judge = await open(t, server, 'P01', TABLET);
    const chief = await open(t, server, 'CJ01', BIG_SCREEN);
    const row = chief.locator(`[data-testid="locks"] tr:has-text("${BENCH}")`).first();
    await row.getByRole('button', { name: /锁定|Lock/ }).click();
    await chief.waitForFunction(
      (item) => window.podium.state().locked.includes(item), BENCH);
    await screenshot(chief, 'chief-1080p-locked');
    const lifecycle = await server.call('CompetitionService/GetCompetition', 'CJ01', {});
    assert.ok(JSON.stringify(lifecycle).includes('locked'), 'the server holds the lock');

    await enterMark(judge, 'K006', 13);
    await waitForSync(judge, 'refused');
    const text = await judge.getByTestId('refusal-message').textContent();
    assert.match(text, /lock|锁/i);
    assert.equal((await history(server, 'K006', BENCH, 'P01')).length, 0);
    await screenshot(judge, 'judge-tablet-locked');
  });

  test('the chief judge downloads provisional exports, then final ones', async (t) => {
    const server = await withServer(t);
    await seedMarks(server, 'scores.csv');
    const chief = await open(t, server, 'CJ01', BIG_SCREEN);
    const fetchExport = (file) => chief.evaluate(async (f) => {
      const href = document.querySelector(`[data-testid="export-link"][data-file="${f}"]`).href;
      const response = await fetch(href);
      return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
    }, file);
    assert.equal(await chief.getByTestId('exports-note').getAttribute('data-final'), 'false');
    let awards = await fetchExport('awards.csv');
    assert.equal(awards.status, 200);
    assert.match(awards.text, /Provisional/);
    assert.match(awards.text, /冠军/);

    await chief.locator('#phase-final').click();
    await chief.locator('#confirm-yes').click();
    await chief.waitForFunction(
      () => document.querySelector('[data-testid="exports-note"]').dataset.final === 'true');
    awards = await fetchExport('awards.csv');
    assert.doesNotMatch(awards.text, /Provisional/);
    const notice = await fetchExport('notice.html');
    assert.equal(notice.type, 'text/html; charset=utf-8');
    assert.match(notice.text, /成绩公示/);
    await screenshot(chief, 'chief-1080p-exports');
  });

  test('the judge page at 1920x1080', async (t) => {
    const server = await withServer(t);
    const judge = await open(t, server, 'P01', BIG_SCREEN);
    await screenshot(judge, 'judge-1080p');
  });

  test('the chief judge page at tablet size', async (t) => {
    const server = await withServer(t);
    await seedMarks(server, 'scores-live.csv');
    const chief = await open(t, server, 'CJ01', TABLET);
    await screenshot(chief, 'chief-tablet');
  });
});

describe('judge analytics', () => {
  const DAILY_CARE = 'elder-care:practical.daily-care';
  const HUMANISTIC = 'elder-care:practical.humanistic-care';
  // Present elder-care contestants (Y07 is absent).
  const BIBS = ['Y01', 'Y02', 'Y03', 'Y04', 'Y05', 'Y06', 'Y08', 'Y09', 'Y10', 'Y11'];
  // Daily care (0-40, plain mean of 5): four judges within half a point of
  // each other, J30 six points above them on every contestant. Against the
  // mean of the others J30 is +6.00 each time; the others are pulled down by
  // J30 (J26 -0.875, J27 -2.125, J28 and J29 -1.5), none of them far from the rest.
  const OFFSET = { J26: 0.5, J27: -0.5, J28: 0, J29: 0, J30: 6 };

  async function submitDailyCare(server) {
    for (const [judge, offset] of Object.entries(OFFSET)) {
      const marks = BIBS.map((bib, i) => ({
        idempotency_key: `analytics-${judge}-${bib}`,
        bib,
        item: DAILY_CARE,
        value: 24 + (i % 5) * 2 + offset,
        device: 'analytics-test',
      }));
      const { results = [] } = await server.call('ScoringService/SubmitMarks', judge, { marks });
      assert.equal(results.length, BIBS.length);
      for (const r of results) assert.equal(r.code ?? 0, 0, `${judge}: ${r.message}`);
    }
  }

  // Waits until the analytics of `trade` have answered in `state`.
  function analyticsSettled(page, trade, state) {
    return page.waitForFunction(([tr, st]) => {
      const box = document.querySelector('[data-testid="analytics"]');
      return box.dataset.trade === tr && box.dataset.busy === 'false' && box.dataset.state === st;
    }, [trade, state]);
  }

  const row = (page, item, judge) =>
    page.locator(`[data-testid="analytics-row"][data-item="${item}"][data-judge="${judge}"]`);
  const cell = (page, item, judge, col) => row(page, item, judge).locator(`td[data-col="${col}"]`);

  test('the chief judge sees a lenient judge highlighted and Rasch severities; judges are refused',
    async (t) => {
      const server = await withServer(t, 'provincial-2026');
      const chief = await open(t, server, 'CJ01', TABLET);
      await chief.getByTestId('analytics-toggle').click();
      await chief.getByTestId('analytics-trade').selectOption('elder-care');
      // Nothing marked yet.
      await analyticsSettled(chief, 'elder-care', 'empty');
      assert.match(await chief.getByTestId('analytics-empty').textContent(), /还没有评分/);

      await submitDailyCare(server);
      const seeded = await seedMarks(server, 'scores.csv', (r) => r.item === 'humanistic-care');
      assert.ok(seeded >= 100, `seeded ${seeded} humanistic-care marks`);
      await chief.getByTestId('analytics-refresh').click();
      await analyticsSettled(chief, 'elder-care', 'loaded');

      // J30: 10 marks, +6.00 above the panel, highlighted as lenient (and as
      // the spread outlier of every panel, 6.5 apart against a tolerance of 4).
      const lenient = row(chief, DAILY_CARE, 'J30');
      assert.equal(await lenient.getAttribute('data-marks'), '10');
      assert.equal((await cell(chief, DAILY_CARE, 'J30', 'marks').textContent()).trim(), '10');
      assert.equal((await cell(chief, DAILY_CARE, 'J30', 'deviation').textContent()).trim(), '+6.00');
      assert.equal((await cell(chief, DAILY_CARE, 'J30', 'abs-deviation').textContent()).trim(), '6.00');
      assert.equal(await lenient.getAttribute('data-attention'), 'true');
      assert.match(await lenient.getAttribute('class'), /\battention\b/);
      assert.deepEqual((await lenient.getAttribute('data-flags')).split(' ').sort(), ['lenient', 'spread']);
      assert.equal(await cell(chief, DAILY_CARE, 'J30', 'deviation').getAttribute('data-flag'), 'true');
      assert.equal((await cell(chief, DAILY_CARE, 'J30', 'spread').textContent()).trim(), '10');
      assert.match(await lenient.locator('[data-flag="lenient"]').textContent(), /偏宽/);
      // The rest of the panel: harsher than J30, but not highlighted for it.
      for (const [judge, deviation] of [['J26', '-0.88'], ['J27', '-2.13'], ['J28', '-1.50'], ['J29', '-1.50']]) {
        assert.equal((await cell(chief, DAILY_CARE, judge, 'deviation').textContent()).trim(), deviation, judge);
        assert.equal(await row(chief, DAILY_CARE, judge).getAttribute('data-attention'), 'false', judge);
      }
      // The Rasch item shows each judge's severity ± S.E. as the server estimated it.
      const item = chief.locator(`[data-testid="analytics-item"][data-item="${HUMANISTIC}"]`);
      assert.equal(await item.getAttribute('data-rasch'), 'true');
      const { judges } = await server.call('ScoringService/GetJudgeAnalytics', 'CJ01',
        { trade: 'elder-care' });
      const measured = judges.filter((j) => j.item === HUMANISTIC);
      assert.equal(measured.length, 5);
      assert.ok(measured.some((j) => Math.abs(j.rasch?.severity ?? 0) > 0.01), 'severities estimated');
      for (const j of measured) {
        const text = (await cell(chief, HUMANISTIC, j.judge, 'severity').textContent()).trim();
        const m = /^([+-]?\d+\.\d\d) ± (\d+\.\d\d)$/.exec(text);
        assert.ok(m, `${j.judge} severity shown as "${text}"`);
        assert.ok(Math.abs(Number(m[1]) - (j.rasch.severity ?? 0)) <= 0.005, `${j.judge}: ${text}`);
        assert.ok(Math.abs(Number(m[2]) - j.rasch.standard_error) <= 0.005, `${j.judge}: ${text}`);
        const infit = Number(await cell(chief, HUMANISTIC, j.judge, 'infit').textContent());
        assert.ok(Math.abs(infit - j.rasch.infit) <= 0.005);
        const erratic = j.rasch.infit > 1.5 || j.rasch.outfit > 1.5;
        const flags = await row(chief, HUMANISTIC, j.judge).getAttribute('data-flags');
        assert.equal(flags.includes('erratic'), erratic, `${j.judge} infit/outfit ${j.rasch.infit}/${j.rasch.outfit}`);
      }
      await chief.getByTestId('analytics-section').evaluate((e) => e.scrollIntoView({ block: 'start' }));
      await screenshot(chief, 'chief-tablet-analytics');
      await item.evaluate((e) => e.scrollIntoView({ block: 'start' }));
      await screenshot(chief, 'chief-tablet-analytics-rasch');

      // A judge's token is refused by the server.
      const refused = await chief.evaluate(async (token) => {
        const response = await fetch('/api/v1/ScoringService/GetJudgeAnalytics', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ trade: 'elder-care' }),
        });
        return { status: response.status, body: await response.json() };
      }, server.tokens.J30.token);
      assert.equal(refused.status, 403);
      assert.match(refused.body.message, /only the chief judge and organizers/);

      // A refusal reaches the page with the server's own words (a trade the
      // competition does not have).
      await chief.getByTestId('analytics-trade').evaluate((select) => {
        select.append(new Option('?', 'no-such-trade'));
        select.value = 'no-such-trade';
        select.dispatchEvent(new Event('change'));
      });
      await analyticsSettled(chief, 'no-such-trade', 'error');
      assert.match(await chief.getByTestId('analytics-error').textContent(), /no-such-trade/);
    });
});

describe('big screen', () => {
  test('reveal mode uncovers the standings from the bottom up, pausing at each award tier',
    async (t) => {
      const server = await withServer(t);
      const accepted = await seedMarks(server, 'scores.csv');
      assert.ok(accepted > 1000, `seeded ${accepted} marks`);
      const { trades } = await server.call('StandingsService/GetStandings', 'organizer-1',
        { trade: 'mine-rescue' });
      const champion = trades[0].rows.find((r) => r.rank === 1);
      const screen = await open(t, server, 'display-1', BIG_SCREEN);
      await screen.waitForFunction(() => window.podium.state().snapshots > 0);
      await screenshot(screen, 'screen-1080p-final');
      await screen.keyboard.press('r');
      await screen.waitForFunction(() => window.podium.state().reveal.active);
      const tiers = [];
      let state = await screen.evaluate(() => window.podium.state().reveal);
      assert.equal(state.revealed, 0, 'nothing uncovered on entering reveal mode');
      for (let presses = 0; presses < state.total + 5 && state.step < state.total; ++presses) {
        await screen.keyboard.press('ArrowRight');
        const before = state.step;
        await screen.waitForFunction((b) => window.podium.state().reveal.step !== b, before);
        state = await screen.evaluate(() => window.podium.state().reveal);
        if (state.tier && tiers.at(-1) !== state.tier) {
          tiers.push(state.tier);
          await screenshot(screen, `screen-1080p-reveal-${state.tier}`);
        }
      }
      assert.ok(tiers.length >= 3, `paused at award tiers: ${tiers}`);
      assert.equal(tiers.at(-1), 'first');
      // The champion is on the screen, uncovered, at the top.
      const rows = await leaderboard(screen);
      assert.deepEqual(rows[0], [champion.bib, 1]);
      await screenshot(screen, 'screen-1080p-champion');
    });

  test('a frozen competition: the screen says so, keeps the frozen standings, and resumes after a restart',
    async (t) => {
      const server = await withServer(t);
      await server.call('ScoringService/SubmitMark', 'P02',
        { idempotency_key: 'lead', bib: 'K002', item: BENCH, value: 12 });
      const screen = await open(t, server, 'display-1', BIG_SCREEN);
      const rankOf = (bib) => screen.evaluate((b) => document.querySelector(
        `[data-testid="leaderboard-row"][data-bib="${b}"]`)?.dataset.rank, bib);
      await screen.waitForFunction(() => document.querySelector(
        '[data-testid="leaderboard-row"][data-bib="K002"]')?.dataset.rank === '1');
      assert.equal(await screen.getByTestId('frozen-banner').isVisible(), false);

      await server.call('CompetitionService/SetPhase', 'CJ01',
        { phase: 'PHASE_FROZEN', reason: '颁奖前封榜', idempotency_key: 'freeze' });
      await screen.getByTestId('frozen-banner').waitFor({ state: 'visible' });
      await screenshot(screen, 'screen-1080p-frozen');

      // Scoring goes on; the staff see K001 overtake, the screen does not.
      await server.call('ScoringService/SubmitMark', 'P01',
        { idempotency_key: 'late', bib: 'K001', item: BENCH, value: 14.5 });
      const staff = await server.call('StandingsService/GetStandings', 'CJ01',
        { trade: 'mine-rescue' });
      assert.equal(staff.trades[0].rows.find((r) => r.bib === 'K001').rank, 1);
      const connects = await screen.evaluate(() => window.podium.state().connects);

      // The server restarts; the screen reconnects by itself, still frozen,
      // still showing K002 first.
      await server.stop();
      await screen.waitForFunction(() => window.podium.state().connection !== 'live');
      await server.start();
      await screen.waitForFunction((c) => {
        const s = window.podium.state();
        return s.connection === 'live' && s.connects > c;
      }, connects, { timeout: 30_000 });
      assert.equal(await screen.evaluate(() => window.podium.state().frozen), true);
      assert.equal(await screen.getByTestId('frozen-banner').isVisible(), true);
      assert.equal(await rankOf('K002'), '1');
      assert.notEqual(await rankOf('K001'), '1');
    });

  test('the big screen at tablet size', async (t) => {
    const server = await withServer(t);
    await seedMarks(server, 'scores-live.csv');
    const screen = await open(t, server, 'display-1', TABLET);
    await screen.waitForFunction(() => window.podium.state().snapshots > 0);
    await screenshot(screen, 'screen-tablet');
  });
});
