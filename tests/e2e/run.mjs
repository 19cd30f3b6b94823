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

const count = async (page, id) => Number(await page.textContent(`[data-testid="${id}"]`));

test('the page renders from a sub-path with its regions and no errors', async ({ page, url }) => {
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  await page.waitForSelector('[data-testid="app"]', { timeout: 20000 });
  const title = await page.textContent('.brand');
  if (title !== 'Red:4 Store') throw new Error(`title is ${JSON.stringify(title)}`);
  for (const region of ['floor', 'tree', 'processes', 'inspector', 'console', 'trace', 'charts']) {
    if (!(await page.$(`[data-testid="region-${region}"]`))) throw new Error(`no ${region} region`);
  }
  if (await page.isVisible('#internal-error')) throw new Error('internal error banner is showing');
  if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
  await page.screenshot({ path: join(artifacts, 'shell.png'), fullPage: true });
});

test('customers arrive; a click crashes one and its supervisor restores it with a new pid', async ({ page, url }) => {
  await page.goto(`${url}?seed=3&speed=20&arrivals=60&chaos=0&persistence=none`);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="session"]').length >= 3, null, { timeout: 30000 });
  await page.click('[data-testid="play-pause"]'); // pause, so the figure stays put
  await page.screenshot({ path: join(artifacts, 'customers.png') });
  const victim = page.locator('[data-testid="session"]').first();
  const key = await victim.getAttribute('data-key');
  const oldPid = await victim.getAttribute('data-pid');
  const restartsBefore = await count(page, 'restart-count');
  await victim.click();
  const again = page.locator(`[data-testid="session"][data-key="${key}"]`);
  await page.waitForFunction(([k, p]) => {
    const el = document.querySelector(`[data-testid="session"][data-key="${k}"]`);
    return el && el.getAttribute('data-pid') !== p;
  }, [key, oldPid], { timeout: 10000 });
  const newPid = await again.getAttribute('data-pid');
  const restartsAfter = await count(page, 'restart-count');
  if (restartsAfter !== restartsBefore + 1) throw new Error(`restarts ${restartsBefore} -> ${restartsAfter}`);
  const trace = await page.textContent('[data-testid="trace"]');
  if (!trace.includes(`exit #PID${oldPid} reason :killed`)) throw new Error('the trace does not show the kill');
  if (!trace.includes(`now #PID${newPid}`)) throw new Error('the trace does not show the restart');
  await page.screenshot({ path: join(artifacts, 'restored.png') });
});

test('crashing past the restart intensity escalates until the application stops, and it starts again', async ({ page, url }) => {
  await page.goto(`${url}?seed=5&speed=1&arrivals=0&chaos=0&persistence=none`);
  await page.waitForSelector('[data-testid="play-pause"]');
  await page.click('[data-testid="play-pause"]'); // paused: every kill lands in the same 5 virtual seconds
  for (let storm = 0; storm < 4; storm++) {
    await page.click('text=+100 shoppers');
    for (let k = 0; k < 4; k++) {
      // 100 figures overlap on a crowded floor: dispatch the click on the figure itself.
      await page.locator('[data-testid="session"]').first().dispatchEvent('click');
    }
    if (storm === 0) {
      // Stopping 100 sessions floods the trace: show restarts and give-ups only.
      await page.selectOption('select[aria-label="Show events of kind"]', 'restart');
      await page.screenshot({ path: join(artifacts, 'session-supervisor-gave-up.png') });
      const trace = await page.textContent('[data-testid="trace"]');
      if (!trace.includes('give up')) throw new Error('no give-up in the trace after 4 quick kills');
      if ((await count(page, 'session-count')) !== 0) throw new Error('the SessionSupervisor did not stop its sessions');
    }
  }
  await page.waitForSelector('[data-testid="app-stopped"]', { timeout: 5000 });
  await page.screenshot({ path: join(artifacts, 'application-stopped.png') });
  await page.click('[data-testid="start-app"]');
  await page.waitForSelector('[data-testid="app-stopped"]', { state: 'detached', timeout: 5000 });
  await page.click('text=+100 shoppers');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="session"]').length > 0);
  await page.screenshot({ path: join(artifacts, 'application-restarted.png') });
});

test('the console plays the seed transcript and answers as iex does', async ({ page, url }) => {
  await page.goto(`${url}?seed=2&speed=1&arrivals=0&chaos=0&persistence=none`);
  await page.waitForSelector('[data-testid="console-input"]');
  await page.click("text=Play the seed's transcript");
  await page.waitForFunction(() => {
    const outs = document.querySelectorAll('[data-testid="console-output"]');
    return outs.length === 10 && outs[9].textContent.startsWith('%Redfour.Shopping.Session{');
  }, null, { timeout: 30000 });
  const outputs = await page.$$eval('[data-testid="console-output"]', (els) => els.map((e) => e.textContent));
  const pid = (s) => (s.match(/#PID<0\.\d+\.0>/) || [])[0];
  const first = pid(outputs[0]);
  const checks = [
    [outputs[0].startsWith('{:ok, #PID<0.'), 'start_session :my_key'],
    [outputs[2] === `{:error, {:already_started, ${first}}}`, 'already_started with the first pid'],
    [outputs[3] === first, 'whereis gives the first pid'],
    [outputs[4] === 'true', 'Process.exit answers true'],
    [pid(outputs[5]) && pid(outputs[5]) !== first, 'a new pid after the kill'],
    [outputs[6] === 'false', 'the old pid is dead'],
    [outputs[7] === '%{active: 2, specs: 2, supervisors: 0, workers: 2}', 'count_children'],
    [outputs[8] === '** (RuntimeError) Please use an atom key', 'the seed raise'],
  ];
  for (const [ok, what] of checks) if (!ok) throw new Error(`${what}: ${JSON.stringify(outputs)}`);
  // The console's sessions are on the floor too.
  await page.waitForSelector('[data-testid="session"][data-key="another_key"]');
  await page.screenshot({ path: join(artifacts, 'console-seed-transcript.png'), fullPage: true });
});

test('settings survive a reload and travel in the URL', async ({ page, url }) => {
  await page.goto(`${url}?seed=11&speed=5&arrivals=7&chaos=0&persistence=snapshot`);
  await page.waitForSelector('[data-testid="play-pause"]');
  await page.selectOption('select[aria-label="Speed"]', '25');
  await page.waitForFunction(() => location.search.includes('speed=25'));
  await page.goto(url); // no query: the saved settings come back
  await page.waitForSelector('[data-testid="play-pause"]');
  const speed = await page.inputValue('select[aria-label="Speed"]');
  const persistence = await page.inputValue('select[aria-label="Persistence policy"]');
  if (speed !== '25' || persistence !== 'snapshot') throw new Error(`after reload: speed ${speed}, persistence ${persistence}`);
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
