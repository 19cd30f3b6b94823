// End-to-end tests: the built dist/ served on localhost, driven in Debian's headless
// Chromium by playwright-core. Screenshots go to tests/e2e/artifacts/.
// Usage: node tests/e2e/run.mjs [dist-dir]
import { createRequire } from 'node:module';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveDist } from './serve-static.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const require = createRequire(join(root, 'tools', 'package.json'));
const { chromium } = require('playwright-core');

const dist = resolve(process.argv[2] || join(root, 'dist'));
const artifacts = join(here, 'artifacts');
await mkdir(artifacts, { recursive: true });

const CHROMIUM_ARGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--no-first-run', '--disable-quic',
];

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

test('the shell renders from a sub-path with its four regions', async ({ page, url }) => {
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  await page.waitForSelector('[data-testid="app"]', { timeout: 20000 });
  const title = await page.textContent('.brand');
  if (title !== 'Red:4 Store') throw new Error(`title is ${JSON.stringify(title)}`);
  for (const region of ['floor', 'tree', 'processes', 'console']) {
    if (!(await page.$(`[data-testid="region-${region}"]`))) throw new Error(`no ${region} region`);
  }
  if (await page.isVisible('#internal-error')) throw new Error('internal error banner is showing');
  if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
  await page.screenshot({ path: join(artifacts, 'shell.png'), fullPage: true });
});

const { server, url } = await serveDist(dist);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
let passed = 0;
let failed = 0;
try {
  for (const { name, fn } of tests) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    try {
      await fn({ page, url });
      passed += 1;
      console.log(`ok - ${name}`);
    } catch (e) {
      failed += 1;
      console.log(`FAILED - ${name}\n    ${String(e && e.stack || e).split('\n').join('\n    ')}`);
      await page.screenshot({ path: join(artifacts, `failed-${passed + failed}.png`) }).catch(() => {});
    } finally {
      await context.close();
    }
  }
} finally {
  await browser.close();
  server.close();
}
console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
