// examples/web, built by Vite as an app would build it, served over HTTP and driven in
// headless Chromium against a PieEmulator: the page shows the growing stdout and the
// connection state through a reconnect.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PieEmulator } from '../../src/testing.js';
import { ensureBuilt, root } from '../package/built.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => existsSync(path));
const out = join(root, 'build/web');
let emu: PieEmulator;
let server: Server;
let browser: Browser | undefined;
let release: () => void = () => undefined;

beforeAll(async () => {
  if (!CHROMIUM) throw new Error('headless Chromium not found (.ci/run installs Debian\'s chromium)');
  ensureBuilt();
  await build({ root: join(root, 'examples/web'), logLevel: 'silent', build: { outDir: join(out, 'dist'), emptyOutDir: true } });
  emu = await PieEmulator.start();
  const gate = new Promise<void>((resolve) => (release = resolve));
  emu.registerInferlet('story@1.0.0', async (ctx) => {
    ctx.stdout('Once upon a time, ');
    await new Promise((r) => setTimeout(r, 200));
    ctx.stdout('there was a stream ');
    await gate; // the test drops the connection here, then lets the story finish
    ctx.stdout('that survived a reconnect.');
    return '';
  });
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
  server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    const file = join(out, 'dist', path === '/' ? 'index.html' : path);
    if (!file.startsWith(join(out, 'dist')) || !existsSync(file)) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}, 120_000);

afterAll(async () => {
  release();
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  await emu?.close();
});

describe('examples/web in headless Chromium', () => {
  it('renders the process stdout as it grows and the connection state through a reconnect', async () => {
    const page = await browser!.newPage({ viewport: { width: 900, height: 640 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const { port } = server.address() as AddressInfo;
    await page.goto(`http://127.0.0.1:${port}/?url=${encodeURIComponent(emu.url)}&program=story@1.0.0&input=x`);

    await page.waitForFunction(() => document.getElementById('stdout')?.textContent?.includes('there was a stream'));
    expect(await page.textContent('#state')).toBe('ready');
    expect(await page.textContent('#status')).toBe('running');

    emu.dropConnections();
    await page.waitForFunction(() => document.getElementById('history')?.textContent?.includes('reconnecting'));
    await page.waitForFunction(() => document.getElementById('state')?.dataset.kind === 'ready');
    release();
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'done');

    expect(await page.textContent('#stdout')).toBe('Once upon a time, there was a stream that survived a reconnect.');
    const history = await page.$$eval('#history li', (items) => items.map((li) => li.textContent));
    expect(history).toEqual(expect.arrayContaining(['ready', 'reconnecting']));
    expect(history.lastIndexOf('ready')).toBeGreaterThan(history.indexOf('reconnecting'));
    expect(await page.textContent('#process')).toMatch(/^[0-9a-f-]{36}$/);
    expect(errors).toEqual([]);
    mkdirSync(out, { recursive: true });
    await page.screenshot({ path: join(out, 'screenshot.png') });
  }, 60_000);
});
