import test from 'node:test';
import assert from 'node:assert/strict';
import { parseHash, formatHash, validateMark, validateSeconds, stepValue, newIdempotencyKey, formatScore } from '../static/util.js';
import { Api, ApiError, errorFromResponse } from '../static/api.js';

test('the URL fragment carries the token and settings', () => {
  const p = parseHash('#token=abc%2Fdef&trade=mine-rescue&rotate=20&reveal=1');
  assert.equal(p.get('token'), 'abc/def');
  assert.equal(p.get('rotate'), '20');
  assert.equal(formatHash(new Map([['trade', 'x y']])), '#trade=x%20y');
  assert.equal(parseHash('').size, 0);
});

test('marks are checked against range and step like the server does', () => {
  const cpr = { max: 15, step: 0.5 };
  assert.deepEqual(validateMark('12.5', cpr), { ok: true, value: 12.5 });
  assert.deepEqual(validateMark(' 0 ', cpr), { ok: true, value: 0 });
  assert.deepEqual(validateMark('15', cpr), { ok: true, value: 15 });
  assert.equal(validateMark('15.5', cpr).error, 'err.range');
  assert.equal(validateMark('-1', cpr).error, 'err.notNumber');
  assert.equal(validateMark('12.3', cpr).error, 'err.step');
  assert.equal(validateMark('', cpr).error, 'err.empty');
  assert.equal(validateMark('abc', cpr).error, 'err.notNumber');
  assert.equal(validateMark('1e1', cpr).error, 'err.notNumber');
  assert.deepEqual(validateMark('12,5', cpr), { ok: true, value: 12.5 });
  // judgement 0-3: max 3 step 1
  const j = { max: 3, step: 1 };
  assert.equal(validateMark('2', j).ok, true);
  assert.equal(validateMark('2.5', j).error, 'err.step');
  assert.equal(validateMark('4', j).error, 'err.range');
  // float noise: 0.1 steps
  assert.deepEqual(validateMark('0.3', { max: 1, step: 0.1 }), { ok: true, value: 0.3 });
});

test('time used is optional and non-negative', () => {
  assert.deepEqual(validateSeconds(''), { ok: true, value: null });
  assert.deepEqual(validateSeconds('95.5'), { ok: true, value: 95.5 });
  assert.equal(validateSeconds('-3').ok, false);
});

test('the +/- buttons step within [0, max]', () => {
  const it = { max: 15, step: 0.5 };
  assert.equal(stepValue('', 1, it), 0);
  assert.equal(stepValue('', -1, it), 15);
  assert.equal(stepValue('14.5', 1, it), 15);
  assert.equal(stepValue('15', 1, it), 15);
  assert.equal(stepValue('0', -1, it), 0);
  assert.equal(stepValue('0.1', 1, { max: 1, step: 0.1 }), 0.2);
});

test('idempotency keys are unique and short enough', () => {
  const keys = new Set(Array.from({ length: 1000 }, () => newIdempotencyKey('web-P21')));
  assert.equal(keys.size, 1000);
  for (const k of keys) assert.ok(k.length <= 128);
});

test('scores are shown with the competition precision', () => {
  assert.equal(formatScore(73.2, 2), '73.20');
  assert.equal(formatScore(undefined, 1), '0.0');
});

function fakeFetch(status, body, { throws = false } = {}) {
  const calls = [];
  const fn = async (url, init) => {
    calls.push({ url, init });
    if (throws) throw new TypeError('Failed to fetch');
    return { status, text: async () => (typeof body === 'string' ? body : JSON.stringify(body)) };
  };
  fn.calls = calls;
  return fn;
}

test('Api posts JSON with the bearer token', async () => {
  const fetch = fakeFetch(200, { sequence: '7', state: 'WRITE_STATE_ACCEPTED' });
  const api = new Api({ token: 'tok', fetch });
  const r = await api.call('ScoringService', 'SubmitMark', { bib: 'K001' });
  assert.equal(r.sequence, '7');
  assert.equal(fetch.calls[0].url, '/api/v1/ScoringService/SubmitMark');
  assert.equal(fetch.calls[0].init.method, 'POST');
  assert.equal(fetch.calls[0].init.headers.Authorization, 'Bearer tok');
  assert.deepEqual(JSON.parse(fetch.calls[0].init.body), { bib: 'K001' });
});

test('Api errors carry code, status and message, and say whether to retry', async () => {
  const refused = new Api({ fetch: fakeFetch(412, { code: 9, status: 'FAILED_PRECONDITION', message: 'locked' }) });
  await assert.rejects(refused.call('S', 'M'), (e) => e instanceof ApiError && e.code === 9 &&
    e.status === 'FAILED_PRECONDITION' && e.message === 'locked' && e.httpStatus === 412 && !e.retryable);
  const offline = new Api({ fetch: fakeFetch(0, '', { throws: true }) });
  await assert.rejects(offline.call('S', 'M'), (e) => e.network && e.retryable && e.status === 'UNAVAILABLE');
  const unauth = new Api({ fetch: fakeFetch(401, { code: 16, status: 'UNAUTHENTICATED', message: 'no' }) });
  await assert.rejects(unauth.call('S', 'M'), (e) => e.unauthenticated && !e.retryable);
  // A captive portal's HTML page with 200 is not an answer from Podium.
  const portal = new Api({ fetch: fakeFetch(200, '<html>login</html>') });
  await assert.rejects(portal.call('S', 'M'), (e) => e.network && e.retryable);
  assert.equal(errorFromResponse(503, undefined).retryable, true);
  assert.equal(errorFromResponse(502, undefined).retryable, true);
  assert.equal(errorFromResponse(409, { code: 6, status: 'ALREADY_EXISTS', message: 'key' }).retryable, false);
  assert.equal(errorFromResponse(409, { code: 10, status: 'ABORTED', message: 'try again' }).retryable, true);
});
