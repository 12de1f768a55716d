// What the browser tests share: a real `podium serve` on loopback (restartable
// on the same port, over the same ledger), tokens issued with `podium tokens`,
// and Debian's Chromium driven by playwright-core. Every wait is bounded.
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const root = resolve(here, '../..');
export const podiumBinary = process.env.PODIUM_BINARY || join(root, 'build/bin/podium');
export const dataDir = process.env.PODIUM_DATA_DIR || join(root, 'data');
// Screenshots land here (CI keeps them as artifacts).
export const artifactsDir = process.env.PODIUM_ARTIFACTS || join(root, 'build/browser-artifacts');

export const TABLET = { width: 1024, height: 768 };
export const BIG_SCREEN = { width: 1920, height: 1080 };

// A TCP port free right now on 127.0.0.1.
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolvePort(port));
    });
  });
}

// A scratch directory removed by the returned function.
export function scratchDir(name) {
  const dir = mkdtempSync(join(tmpdir(), `podium-${name}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

// Issues every holder's token; returns them keyed by id ("P01", "CJ01",
// "display-1", "organizer-1").
export async function issueTokens(competitionDir, db, baseUrl) {
  const { stdout } = await promisify(execFile)(
    podiumBinary,
    ['tokens', competitionDir, '--db', db, '--url', baseUrl, '--format', 'json'],
    { timeout: 30_000 },
  );
  return Object.fromEntries(JSON.parse(stdout).map((h) => [h.id, h]));
}

// `podium serve` of one competition over one ledger, on a fixed HTTP port so
// that pages reconnect to it after a restart.
export class PodiumServer {
  constructor(competitionDir, db, httpPort) {
    this.competitionDir = competitionDir;
    this.db = db;
    this.httpPort = httpPort;
    this.baseUrl = `http://127.0.0.1:${httpPort}`;
    this.child = null;
    this.output = '';
  }

  static async create(competition, scratch) {
    const server = new PodiumServer(join(dataDir, competition), join(scratch, 'contest.db'),
                                    await freePort());
    server.tokens = await issueTokens(server.competitionDir, server.db, server.baseUrl);
    await server.start();
    return server;
  }

  // Starts and waits until the pages are served (at most 30 s).
  start() {
    this.output = '';
    const child = spawn(podiumBinary, [
      'serve', this.competitionDir, '--db', this.db, '--address', '127.0.0.1:0',
      '--http', `127.0.0.1:${this.httpPort}`, '--threads', '1',
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const exited = new Promise((resolveExit) => child.once('exit', resolveExit));
    this.exited = exited;
    return new Promise((resolveStart, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`podium serve did not start in 30 s:\n${this.output}`));
      }, 30_000);
      const onData = (chunk) => {
        this.output += chunk;
        if (this.output.includes('podium serve: pages on ')) {
          clearTimeout(timer);
          resolveStart();
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', (chunk) => { this.output += chunk; });
      exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`podium serve exited (${code}) before serving:\n${this.output}`));
      });
    });
  }

  // SIGTERM and wait for the exit (SIGKILL after 15 s).
  async stop() {
    if (!this.child || this.child.exitCode !== null) return;
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    this.child.kill('SIGTERM');
    await this.exited;
    clearTimeout(timer);
  }

  // One JSON API call, as a page makes it.
  async call(method, who, body = {}) {
    const response = await fetch(`${this.baseUrl}/api/v1/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json',
                 authorization: `Bearer ${this.tokens[who].token}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const json = await response.json();
    if (!response.ok) throw new Error(`${method}: ${response.status} ${json.message}`);
    return json;
  }

  // The page link a holder logs in with.
  link(who) { return this.tokens[who].link; }
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.PODIUM_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
           '--disable-background-networking', '--no-first-run'],
    timeout: 60_000,
  });
}

// A page of its own context (own storage) at `viewport`; fails the test on
// an uncaught page error.
export async function openPage(browser, viewport, errors) {
  const context = await browser.newContext({ viewport, locale: 'zh-CN' });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (error) => errors.push(error));
  return page;
}

// Saves a screenshot once the page's finite animations have finished (rank
// changes, reveal steps), so the picture shows what stays on the screen.
export async function screenshot(page, name) {
  mkdirSync(artifactsDir, { recursive: true });
  await page.waitForFunction(() => document.getAnimations().every(
    (a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity));
  await page.screenshot({ path: join(artifactsDir, `${name}.png`) });
}
