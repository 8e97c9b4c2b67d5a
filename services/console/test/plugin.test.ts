import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp } from '@klaxon/kit';
import { silentLog } from '@klaxon/testing';
import { consolePlugin } from '../src';

// What a browser gets from the console's routes, built or not; the browser suite drives the screens.
describe('console plugin', () => {
  const dist = mkdtempSync(path.join(tmpdir(), 'klaxon-console-'));
  const empty = mkdtempSync(path.join(tmpdir(), 'klaxon-console-empty-'));
  beforeAll(() => {
    writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>Klaxon</title>');
    writeFileSync(path.join(dist, 'app.js'), 'console.info(1);');
    writeFileSync(path.join(dist, 'app.css'), 'body{}');
  });
  afterAll(() => {
    rmSync(dist, { recursive: true, force: true });
    rmSync(empty, { recursive: true, force: true });
  });

  async function appWith(distDir: string) {
    const app = createApp({ name: 'console', logger: silentLog });
    await app.register(consolePlugin, { distDir });
    return app;
  }

  it('serves the page at / and its assets under /console/, locked to its own origin', async () => {
    const app = await appWith(dist);
    const page = await app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('<title>Klaxon</title>');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    const script = await app.inject({ method: 'GET', url: '/console/app.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.body).toBe('console.info(1);');
    expect((await app.inject({ method: 'GET', url: '/console/app.css' })).headers['content-type']).toBe(
      'text/css; charset=utf-8',
    );
    await app.close();
  });

  it("answers other files with PagerDuty's 404 body and never reads outside its folder", async () => {
    const app = await appWith(dist);
    for (const url of ['/console/other.js', '/console/..%2Fpackage.json', '/console/index.html']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({ error: expect.objectContaining({ code: expect.any(Number) }) });
    }
    await app.close();
  });

  it('says how to build it when it was never built, and the rest of the app keeps running', async () => {
    const app = await appWith(empty);
    const page = await app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(503);
    expect(page.body).toContain('pnpm install');
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    await app.close();
  });
});
