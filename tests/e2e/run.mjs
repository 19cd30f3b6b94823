// End-to-end tests: the built dist/ served on localhost, driven in Debian's headless
// Chromium by playwright-core. Screenshots go to tests/e2e/artifacts/.
// Usage: node tests/e2e/run.mjs [dist-dir]
import { createRequire } from 'node:module';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveDist } from './serve-static.mjs';
import { launchChromium } from './chromium.mjs';
import { readFile, writeFile } from 'node:fs/promises';
import { differences, pageTranscript } from './iex-transcript.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');

const dist = resolve(process.argv[2] || join(root, 'dist'));
const artifacts = join(here, 'artifacts');
await mkdir(artifacts, { recursive: true });


const tests = [];
// opts.context: extra browser-context options (the axe test bypasses the page's CSP to
// inject axe-core; every other test fails on any CSP violation).
const test = (name, fn, opts = {}) => tests.push({ name, fn, opts });

const count = async (page, id) => Number(await page.textContent(`[data-testid="${id}"]`));

// axe-core, run in the page: the violations, each with how many elements and the first few.
const AXE = createRequire(join(root, 'tools', 'package.json')).resolve('axe-core/axe.min.js');
async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations);
  return violations.map((v) => `${v.id} (${v.impact}, ${v.nodes.length}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

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

const floorShot = (page, name) => page.locator('[data-testid="region-floor"]').screenshot({ path: join(artifacts, name) });
const floorData = (page) => page.$eval('[data-testid="floor"]', (e) => ({ live: Number(e.dataset.live), drawn: Number(e.dataset.drawn) }));
const captionOf = (page, key) => page.locator(`[data-testid="crash-caption"][data-key="${key}"]`);

// Types lines into the console and waits for each answer.
async function typeInConsole(page, lines) {
  for (const line of lines) {
    const before = await page.locator('[data-testid="console-output"]').count();
    await page.fill('[data-testid="console-input"]', line);
    await page.press('[data-testid="console-input"]', 'Enter');
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="console-output"]').length > n, before);
  }
}

test('customers arrive; a click tells the crash story and the supervisor brings it back with a new pid', async ({ page, url }) => {
  await page.goto(`${url}?seed=3&speed=20&arrivals=60&chaos=0&persistence=none`);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="session"]').length >= 3, null, { timeout: 30000 });
  await page.click('[data-testid="play-pause"]'); // pause, so the figure stays put
  await page.waitForTimeout(1600); // past the walk in
  await page.screenshot({ path: join(artifacts, 'customers.png') });
  const victim = page.locator('[data-testid="session"]').first();
  const key = await victim.getAttribute('data-key');
  const oldPid = await victim.getAttribute('data-pid');
  const restartsBefore = await count(page, 'restart-count');
  await victim.click();
  // First the death, with the pid that died, while the figure still shows it.
  await page.waitForFunction(([k, p]) => {
    const c = document.querySelector(`[data-testid="crash-caption"][data-key="${k}"]`);
    return c && c.textContent === `killed · ${p}`;
  }, [key, oldPid], { timeout: 5000 });
  await floorShot(page, 'crash-1-killed.png');
  await page.waitForFunction(([k, p]) => {
    const el = document.querySelector(`[data-testid="session"][data-key="${k}"]`);
    return el && el.getAttribute('data-pid') !== p;
  }, [key, oldPid], { timeout: 10000 });
  const newPid = await page.locator(`[data-testid="session"][data-key="${key}"]`).getAttribute('data-pid');
  const caption = await captionOf(page, key).textContent();
  if (!caption.startsWith(`restarted by Redfour.SessionSupervisor · ${oldPid} → ${newPid} · `)) throw new Error(`caption: ${caption}`);
  await floorShot(page, 'crash-2-restarted.png');
  const restartsAfter = await count(page, 'restart-count');
  if (restartsAfter !== restartsBefore + 1) throw new Error(`restarts ${restartsBefore} -> ${restartsAfter}`);
  const trace = await page.textContent('[data-testid="trace"]');
  if (!trace.includes(`exit #PID${oldPid} (${key}) reason :killed`)) throw new Error(`the trace does not show the kill, named: ${trace.slice(0, 400)}`);
  if (!trace.includes(`now #PID${newPid}`)) throw new Error('the trace does not show the restart');
  await page.screenshot({ path: join(artifacts, 'restored.png') });
});

for (const [policy, fate, reduced] of [
  ['none', 'cart lost: 3 items', false],
  ['snapshot', 'cart restored from snapshot: 3 items', true],
]) {
  test(`under ${policy}, the crash caption says what became of the cart${reduced ? ' (reduced motion)' : ''}`, async ({ page, url }) => {
    if (reduced) await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.goto(`${url}?seed=7&speed=1&arrivals=0&chaos=0&persistence=${policy}`);
    await page.waitForSelector('[data-testid="console-input"]');
    await typeInConsole(page, [
      'Redfour.Shopping.start_session key: :alice',
      'Redfour.Shopping.Session.select_item :alice, "R4-HELMET", 3',
    ]);
    const alice = page.locator('[data-testid="session"][data-key="alice"]');
    await alice.waitFor();
    await page.waitForTimeout(1600); // past the walk in
    const oldPid = await alice.getAttribute('data-pid');
    await alice.click();
    await page.waitForFunction((p) => document.querySelector('[data-testid="crash-caption"][data-key="alice"]')?.textContent === `killed · ${p}`, oldPid);
    await page.waitForFunction((f) => (document.querySelector('[data-testid="crash-caption"][data-key="alice"]')?.textContent || '').endsWith(f), fate, { timeout: 5000 });
    const newPid = await alice.getAttribute('data-pid');
    const caption = await captionOf(page, 'alice').textContent();
    const want = `restarted by Redfour.SessionSupervisor · ${oldPid} → ${newPid} · ${fate}`;
    if (caption !== want) throw new Error(`caption ${JSON.stringify(caption)}, want ${JSON.stringify(want)}`);
    await floorShot(page, `crash-fate-${policy}.png`);
    // the README's picture: the post's question answered on the floor (the cart is gone);
    // written only when asked (REDFOUR_DOCS_PICTURE=1), so a test run leaves the tree clean
    if (policy === 'none' && process.env.REDFOUR_DOCS_PICTURE) {
      await page.locator('[data-testid="region-floor"]').screenshot({ path: join(here, '..', '..', 'docs', 'floor-crash.png') });
    }
  });
}

test('keyboard: focus stays on one customer while it moves, Enter crashes it, arrows move to a neighbour', async ({ page, url }) => {
  await page.goto(`${url}?seed=3&speed=5&arrivals=40&chaos=0&persistence=none`);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="session"]').length >= 8, null, { timeout: 30000 });
  await page.focus('[data-testid="session"]');
  const key = await page.evaluate(() => document.activeElement.dataset.key);
  const seen = new Set();
  for (let i = 0; i < 20; i++) { // 5 s of movement and arrivals
    await page.waitForTimeout(250);
    seen.add(await page.evaluate(() => document.activeElement && document.activeElement.dataset.key));
  }
  if (seen.size !== 1 || !seen.has(key)) throw new Error(`focus drifted: ${key} -> ${[...seen].join(', ')}`);
  const card = await page.textContent('[data-testid="customer-card"]');
  if (!card.includes(`:${key}`)) throw new Error(`the card shows ${card}`);
  await floorShot(page, 'keyboard-focus.png');
  const oldPid = await page.evaluate(() => document.activeElement.dataset.pid);
  await page.keyboard.press('Enter');
  await page.waitForFunction(([k, p]) => (document.querySelector(`[data-testid="crash-caption"][data-key="${k}"]`)?.textContent || '').includes(p), [key, oldPid]);
  if ((await page.evaluate(() => document.activeElement.dataset.key)) !== key) throw new Error('focus left the crashed customer');
  let moved = false;
  for (const arrow of ['ArrowRight', 'ArrowLeft', 'ArrowDown', 'ArrowUp']) {
    await page.keyboard.press(arrow);
    await page.waitForTimeout(100);
    const now = await page.evaluate(() => document.activeElement.dataset.key);
    if (now && now !== key) { moved = true; break; }
  }
  if (!moved) throw new Error('no arrow key moved focus to another customer');
});

test('crowds: every customer is drawn at 10, 2,000 and 10,000, with zoom and fit', async ({ page, url }) => {
  await page.goto(`${url}?seed=3&speed=5&arrivals=60&chaos=0&persistence=none`);
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="floor"]')?.dataset.live) >= 10, null, { timeout: 60000 });
  await page.click('[data-testid="play-pause"]');
  await page.waitForTimeout(1600);
  await floorShot(page, 'floor-10.png');
  await page.click('[data-testid="play-pause"]');
  const admit = async (target) => {
    while ((await floorData(page)).live < target) await page.click('text=+1,000 shoppers');
    await page.waitForTimeout(2500); // they walk in
    const { live, drawn } = await floorData(page);
    if (drawn !== live) throw new Error(`${live} live, ${drawn} drawn`);
    return live;
  };
  await admit(1000);
  await floorShot(page, 'floor-1000.png');
  await admit(2000);
  await admit(10000);
  await floorShot(page, 'floor-10000.png');
  await page.click('[aria-label="Zoom in"]');
  await page.click('[aria-label="Zoom in"]');
  const zoom = await page.textContent('.floor-tools .zoom');
  if (zoom !== '225%') throw new Error(`zoom reads ${zoom}`);
  const floorBox = await page.locator('[data-testid="floor"]').boundingBox();
  await page.mouse.move(floorBox.x + floorBox.width / 2, floorBox.y + floorBox.height / 2);
  await page.mouse.wheel(0, -400); // the wheel zooms the floor, not the page
  await page.waitForFunction(() => document.querySelector('.floor-tools .zoom').textContent !== '225%', null, { timeout: 5000 })
    .catch(() => { throw new Error('the wheel did not zoom'); });
  await floorShot(page, 'floor-10000-zoomed.png');
  await page.click('[data-testid="floor-fit"]');
  if ((await page.textContent('.floor-tools .zoom')) !== '100%') throw new Error('fit did not return to 100%');
});

test('tree nodes are focusable: Enter inspects, Delete crashes', async ({ page, url }) => {
  await page.goto(`${url}?seed=5&speed=1&arrivals=0&chaos=0&persistence=none`);
  await page.waitForSelector('.tree-svg .node');
  await page.click('[data-testid="play-pause"]');
  await page.focus('.tree-svg .node[aria-label^="Catalog"]');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid="region-inspector"]').textContent.includes('Redfour.Catalog'));
  const oldPid = await page.getAttribute('.tree-svg .node[aria-label^="Catalog"]', 'data-pid');
  await page.focus('.tree-svg .node[aria-label^="Catalog"]');
  await page.keyboard.press('Delete');
  await page.waitForFunction((p) => {
    const node = document.querySelector('.tree-svg .node[aria-label^="Catalog"]');
    return node && node.getAttribute('data-pid') !== p;
  }, oldPid, { timeout: 5000 });
  const trace = await page.textContent('[data-testid="trace"]');
  if (!trace.includes('restart Redfour.Catalog')) throw new Error(`no Catalog restart in the trace: ${trace.slice(0, 300)}`);
});

test('crashing past the restart intensity escalates until the application stops, and it starts again', async ({ page, url }) => {
  await page.goto(`${url}?seed=5&speed=1&arrivals=0&chaos=0&persistence=none`);
  await page.waitForSelector('[data-testid="play-pause"]');
  await page.click('[data-testid="play-pause"]'); // paused: every kill lands in the same 5 virtual seconds
  for (let storm = 0; storm < 4; storm++) {
    await page.click('text=+100 shoppers');
    for (let k = 0; k < 4; k++) {
      // 100 figures overlap on a crowded floor: dispatch the click on the figure itself.
      // A live customer (one whose supervisor gave up is still telling its story).
      await page.locator('[data-testid="session"]:not(.dead)').first().dispatchEvent('click');
    }
    if (storm === 0) {
      const banner = await page.textContent('[data-testid="floor-escalation"]');
      if (!banner.includes('Redfour.SessionSupervisor gave up: more than 3 restarts in 5 s.') || !banner.includes('** (exit) :reached_max_restart_intensity')) throw new Error(`banner: ${banner}`);
      await floorShot(page, 'floor-give-up.png');
      // Stopping 100 sessions floods the trace: show restarts and give-ups only.
      await page.selectOption('select[aria-label="Show events of kind"]', 'restart');
      await page.screenshot({ path: join(artifacts, 'session-supervisor-gave-up.png') });
      const trace = await page.textContent('[data-testid="trace"]');
      if (!trace.includes('give up')) throw new Error('no give-up in the trace after 4 quick kills');
      if ((await count(page, 'session-count')) !== 0) throw new Error('the SessionSupervisor did not stop its sessions');
    }
  }
  await page.waitForSelector('[data-testid="app-stopped"]', { timeout: 5000 });
  await page.waitForSelector('[data-testid="floor-stopped"]');
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
    return outs.length === 12 && outs[11].textContent.startsWith('%Redfour.Shopping.Session{');
  }, null, { timeout: 30000 });
  const all = await page.$$eval('[data-testid="console-output"]', (els) => els.map((e) => e.textContent));
  const pid = (s) => (s.match(/#PID<0\.\d+\.0>/) || [])[0];
  // Task Three: the post's start_link, a Session under no supervisor
  const [linked, whereis, ...outputs] = all;
  const first = pid(outputs[0]);
  const checks = [
    [linked.startsWith('{:ok, #PID<0.'), 'Session.start_link'],
    [whereis === 'true', 'Process.whereis(:my_session) == pid'],
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
  await page.waitForSelector('[data-testid="session"][data-key="my_session"]');
  const badge = await page.textContent('[data-testid="supervisor-badge"]');
  if (!badge.endsWith('· 2 sessions')) throw new Error(`the badge counts the start_link session as the supervisor's: ${badge}`);
  await page.screenshot({ path: join(artifacts, 'console-seed-transcript.png'), fullPage: true });
  // Task Three's session has no supervisor: clicked, it stays dead, and the shell linked to
  // it goes down too (as in iex), while the supervised ones run on.
  await page.click('[data-testid="session"][data-key="my_session"]');
  await page.waitForFunction(() => (document.querySelector('[data-testid="crash-caption"][data-key="my_session"]')?.textContent || '').includes('not restarted: no supervisor watches it'), null, { timeout: 10000 });
  await floorShot(page, 'start-link-session-killed.png');
  await typeInConsole(page, ['Process.whereis(:my_session)']);
  const gone = await page.$$eval('[data-testid="console-output"]', (els) => els[els.length - 1].textContent);
  if (gone !== 'nil') throw new Error(`after the kill, whereis(:my_session) is ${gone}`);
});

test('the console speaks Elixir: values, a module typed over several lines, Tab, and Ctrl-C on an endless loop', async ({ page, url }) => {
  await page.goto(url);
  await page.waitForSelector('[data-testid="console-input"]');
  const input = page.locator('[data-testid="console-input"]');
  const lastOutput = () => page.$$eval('[data-testid="console-output"]', (els) => els.length ? els[els.length - 1].textContent : '');
  await typeInConsole(page, ['1 + 2', 'Enum.map([1, 2, 3], fn x -> x * 2 end)', '"abc" <> "def"']);
  const outs = await page.$$eval('[data-testid="console-output"]', (els) => els.map((e) => e.textContent));
  const want = ['3', '[2, 4, 6]', '"abcdef"'];
  if (JSON.stringify(outs.slice(-3)) !== JSON.stringify(want)) throw new Error(`answers ${JSON.stringify(outs)}`);
  // A module typed line by line: the prompt turns into ...(n)> until `end`.
  for (const line of ['defmodule Greeter do', '  def hello(name), do: "Hello, #{name}!"']) {
    await input.fill(line);
    await input.press('Enter');
  }
  await page.waitForSelector('[data-testid="console-pending"]');
  const prompt = await page.textContent('.console-line .prompt');
  if (!/^\.\.\.\(\d+\)>$/.test(prompt)) throw new Error(`continuation prompt is ${prompt}`);
  const before = await page.locator('[data-testid="console-output"]').count();
  await input.fill('end');
  await input.press('Enter');
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="console-output"]').length > n, before);
  if (!(await lastOutput()).startsWith('{:module, Greeter,')) throw new Error(`defmodule answered ${await lastOutput()}`);
  await typeInConsole(page, ['Greeter.hello("Ada")']);
  if ((await lastOutput()) !== '"Hello, Ada!"') throw new Error(`Greeter.hello answered ${await lastOutput()}`);
  // Processes typed in the console: a spawned process answers a message; an Agent keeps state.
  await typeInConsole(page, [
    'pid = spawn(fn -> receive do {:ping, from} -> send(from, :pong) end end)',
    'send(pid, {:ping, self()})',
    'flush()',
  ]);
  if ((await lastOutput()) !== ':pong\n:ok') throw new Error(`flush after a ping: ${JSON.stringify(await lastOutput())}`);
  await typeInConsole(page, ['{:ok, agent} = Agent.start_link(fn -> 0 end)', 'Agent.update(agent, &(&1 + 1))', 'Agent.get(agent, & &1)']);
  if ((await lastOutput()) !== '1') throw new Error(`Agent.get answered ${await lastOutput()}`);
  // The observer's tree shows the shell and what it started.
  await page.waitForSelector('[data-testid="console-tree"]');
  const consoleTree = await page.textContent('[data-testid="console-tree"]');
  if (!consoleTree.includes('IEx shell') || !consoleTree.includes('Agent.Server')) throw new Error(`console tree: ${consoleTree}`);
  await page.locator('[data-testid="region-tree"]').screenshot({ path: join(artifacts, 'tree-console-processes.png') });
  // Tab completes a module and lists the functions that fit.
  await input.fill('Gree');
  await input.press('Tab');
  if ((await input.inputValue()) !== 'Greeter') throw new Error(`Tab gave ${await input.inputValue()}`);
  await input.fill('Enum.red');
  await input.press('Tab');
  const hints = await page.textContent('[data-testid="console-hints"]');
  if (!hints.includes('Enum.reduce') || !hints.includes('Enum.reduce_while')) throw new Error(`hints: ${hints}`);
  // An endless loop keeps the page alive; Ctrl-C stops it and a new shell answers.
  await typeInConsole(page, ['defmodule Spin do def spin, do: spin() end']);
  await input.fill('Spin.spin()');
  await input.press('Enter');
  await page.waitForSelector('[data-testid="console-interrupt"]');
  const t0 = await page.evaluate(() => performance.now());
  const frames = await page.evaluate(() => new Promise((resolve) => {
    let n = 0; const start = performance.now();
    const tick = () => { n += 1; if (performance.now() - start < 1000) requestAnimationFrame(tick); else resolve(n); };
    requestAnimationFrame(tick);
  }));
  if (frames < 20) throw new Error(`only ${frames} frames in a second while the loop spins`);
  await page.locator('[data-testid="region-console"]').screenshot({ path: join(artifacts, 'console-elixir-spinning.png') });
  await input.press('Control+c');
  await page.waitForSelector('[data-testid="console-interrupt"]', { state: 'detached' });
  await typeInConsole(page, ['1 + 1']);
  if ((await lastOutput()) !== '2') throw new Error(`after Ctrl-C: ${await lastOutput()}`);
  await page.locator('[data-testid="region-console"]').screenshot({ path: join(artifacts, 'console-elixir.png') });
  void t0;
});

test('a line that once stopped the page gets its answer, and the floor keeps running', async ({ page, url }) => {
  // Each of these panicked in the interpreter before issue 28; on wasm32 a panic aborts the
  // whole module, so the floor, the console and the timeline all stopped.
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${url}?seed=5&speed=20&arrivals=60&chaos=0&persistence=none`);
  await page.waitForSelector('[data-testid="console-input"]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="session"]').length >= 2, null, { timeout: 30000 });
  const clock = async () => parseFloat(await page.textContent('[data-testid="clock"]'));
  const lines = {
    'Integer.parse("a2", 38)': '** (ArgumentError) invalid base 38',
    'Integer.mod(-9223372036854775807 - 1, -1)': '0',
    'String.slice("a,b,,c", 1..9223372036854775807)': '",b,,c"',
    'Enum.sum(-9223372036854775807..9223372036854775807)': '0',
    'Bitwise.bsl(1, 64)': '18446744073709551616',
    'Enum.product(1..9223372036854775807)': '** (SystemLimitError) a system limit has been reached: an integer wider than this console holds (1048576 bits)',
    'Integer.pow(2, 100)': '1267650600228229401496703205376',
    'Integer.parse("a2", 36)': '{362, ""}',
  };
  for (const [line, want] of Object.entries(lines)) {
    await typeInConsole(page, [line]);
    const got = await page.$$eval('[data-testid="console-output"]', (els) => els[els.length - 1].textContent);
    if (got !== want) throw new Error(`${line} answered ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  }
  const t0 = await clock();
  await page.waitForFunction((t) => parseFloat(document.querySelector('[data-testid="clock"]').textContent) > t + 1, t0, { timeout: 10000 });
  if (await page.isVisible('#internal-error')) throw new Error('internal error banner is showing');
  if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
  await page.screenshot({ path: join(artifacts, 'console-edges-floor-running.png'), fullPage: true });
});

test('the documentation examples run in the page: a lazy stream, a protocol, a binary, a regex, a big integer, a date', async ({ page, url }) => {
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${url}?seed=6&speed=20&arrivals=60&chaos=0&persistence=none`);
  await page.waitForSelector('[data-testid="console-input"]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="session"]').length >= 2, null, { timeout: 30000 });
  const clock = async () => parseFloat(await page.textContent('[data-testid="clock"]'));
  // each line's answer, as iex 1.14 prints it (tests/fixtures/iex/*.exs hold many more)
  const lines = {
    'Stream.iterate(1, &(&1 * 2)) |> Stream.map(&(&1 + 1)) |> Enum.take(5)': '[2, 3, 5, 9, 17]',
    'Enum.zip(Stream.cycle([:a, :b]), 1..3)': '[a: 1, b: 2, a: 3]',
    'defprotocol Size do def size(data) end': null,
    'defimpl Size, for: BitString do def size(s), do: byte_size(s) end': null,
    'Size.size("héllo")': '6',
    '<<r::8, g::8, b::8>> = <<255, 128, 0>>': '<<255, 128, 0>>',
    '{r, g, b}': '{255, 128, 0}',
    'Regex.scan(~r/\\d+/, "order 66, room 101")': '[["66"], ["101"]]',
    'String.replace("2024-05-06", ~r/(\\d+)-(\\d+)-(\\d+)/, "\\\\3/\\\\2/\\\\1")': '"06/05/2024"',
    'Base.encode64("Red:4")': '"UmVkOjQ="',
    'Enum.reduce(1..30, 1, &*/2)': '265252859812191058636308480000000',
    '[1, 2 | 3]': '[1, 2 | 3]',
    'Date.add(~D[2015-01-13], 30)': '~D[2015-02-12]',
    'String.length("e\\u0301")': '1',
  };
  for (const [line, want] of Object.entries(lines)) {
    await typeInConsole(page, [line]);
    if (want === null) continue;
    const got = await page.$$eval('[data-testid="console-output"]', (els) => els[els.length - 1].textContent);
    if (got !== want) throw new Error(`${line} answered ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  }
  await page.locator('[data-testid="region-console"]').screenshot({ path: join(artifacts, 'console-library.png') });
  // a regex that backtracks without end stops with a clear error; the floor never stopped
  const t0 = await clock();
  await typeInConsole(page, ['Regex.run(~r/^(a+)+$/, String.duplicate("a", 40) <> "b")']);
  const got = await page.$$eval('[data-testid="console-output"]', (els) => els[els.length - 1].textContent);
  if (!got.startsWith('** (RuntimeError) the regular expression gave up after 5000000 steps')) throw new Error(`pathological regex: ${got}`);
  await page.waitForFunction((t) => parseFloat(document.querySelector('[data-testid="clock"]').textContent) > t + 1, t0, { timeout: 10000 });
  if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
  await page.locator('[data-testid="region-console"]').screenshot({ path: join(artifacts, 'console-regex-limit.png') });
});

// Types a file's lines as a person would, one Enter each, waiting after each for the console
// to finish (a multi-line input waits at ...(n)> meanwhile).
async function typeFile(page, text) {
  const input = page.locator('[data-testid="console-input"]');
  for (const line of text.replace(/\n$/, '').split('\n')) {
    const before = await page.$eval('ol.console-log', (ol) => ol.textContent.length + ol.children.length * 100000);
    await input.fill(line);
    await input.press('Enter');
    if (line.trim() === '' && !(await page.$('[data-testid="console-pending"]'))) continue;
    await page.waitForFunction((n) => {
      const ol = document.querySelector('ol.console-log');
      if (ol.textContent.length + ol.children.length * 100000 === n) return false;
      if (document.querySelector('[data-testid="console-interrupt"]')) return false;
      return true;
    }, before, { timeout: 20000 });
  }
}

// The guide's Processes chapter and the GenServer, Agent, Task and Supervisor docs' examples,
// typed into the page: the transcript must match the one captured from real iex 1.14.
for (const fixture of ['processes', 'processes_more', 'genserver_agent_task', 'supervisors', 'guide_ets']) {
  test(`typed into the console, ${fixture}.exs answers as iex 1.14 does`, async ({ page, url }) => {
    await page.goto(`${url}?seed=9&speed=1&arrivals=0&chaos=0&persistence=none`);
    await page.waitForSelector('[data-testid="console-input"]');
    const dir = join(root, 'tests', 'fixtures', 'iex');
    const input = await readFile(join(dir, `${fixture}.exs`), 'utf8');
    const expected = await readFile(join(dir, `${fixture}.out`), 'utf8');
    await typeFile(page, input);
    const banner = expected.split('\n')[0];
    const prompt = await page.textContent('.console-line .prompt');
    const actual = `${banner}\n${await page.evaluate(pageTranscript)}${prompt} `;
    const diffs = differences(expected, actual);
    if (diffs.length) throw new Error(`${fixture}: the page differs from iex 1.14:\n${diffs.join('\n')}`);
    if (fixture === 'supervisors') {
      await page.locator('[data-testid="region-tree"]').screenshot({ path: join(artifacts, 'tree-console-supervisors.png') });
      await page.locator('[data-testid="region-console"]').screenshot({ path: join(artifacts, 'console-supervisors.png') });
    }
  });
}

// The Mix and OTP guide's ETS chapter typed in: the registry's table shows in the observer
// under the process table, owned by KV.Registry; killed from the inspector, the table goes
// and the trace says why.
test('ETS: the guide\'s registry table appears in the observer with its owner and goes when the owner is killed', async ({ page, url }) => {
  await page.goto(`${url}?seed=9&speed=1&arrivals=0&chaos=0&persistence=none`);
  await page.waitForSelector('[data-testid="console-input"]');
  const source = await readFile(join(root, 'tests', 'fixtures', 'iex', 'guide_ets.exs'), 'utf8');
  const upTo = source.indexOf(':ets.info(:registry_table, :protection)');
  await typeFile(page, source.slice(0, upTo));
  const row = page.locator('[data-testid="ets-row"]', { hasText: ':registry_table' });
  await row.waitFor({ timeout: 10000 });
  const text = (await row.textContent()).replace(/\s+/g, ' ');
  for (const want of ['set', 'protected', 'KV.Registry']) {
    if (!text.includes(want)) throw new Error(`the table's row lacks ${want}: ${text}`);
  }
  const objects = await row.locator('td.num').first().textContent();
  if (objects.trim() !== '1') throw new Error(`the table holds ${objects} objects, not 1`);
  await row.scrollIntoViewIfNeeded();
  await page.locator('[data-testid="ets-tables"]').screenshot({ path: join(artifacts, 'ets-tables.png') });
  const found = await axeViolations(page);
  if (found.length) throw new Error(`axe-core violations:\n${found.join('\n')}`);
  // the owner, inspected and killed: its table goes with it
  await row.locator('button').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="region-inspector"]').textContent.includes('KV.Registry'));
  await typeInConsole(page, ['Process.unlink(registry)']);
  await page.locator('[data-testid="region-inspector"] button.danger').click();
  await row.waitFor({ state: 'detached', timeout: 10000 });
  await page.selectOption('[data-testid="region-trace"] select', 'ets');
  await page.waitForFunction(() => document.querySelector('[data-testid="trace"]').textContent.includes('ETS table :registry_table deleted: its owner exited'));
  await typeInConsole(page, [':ets.whereis(:registry_table)']);
  const last = await page.locator('[data-testid="console-output"]').last().textContent();
  if (last.trim() !== ':undefined') throw new Error(`after the kill :ets.whereis answered ${last}`);
  await page.locator('[data-testid="region-processes"]').screenshot({ path: join(artifacts, 'ets-after-kill.png') });
}, { context: { bypassCSP: true } });

// The Mix and OTP guide's application typed in: `Application.start(:kv)` starts its tree under
// an application master, drawn in the console's part of the supervision tree.
test('an application typed in the console starts its tree, drawn under its application master', async ({ page, url }) => {
  await page.goto(`${url}?seed=9&speed=1&arrivals=0&chaos=0&persistence=none`);
  await page.waitForSelector('[data-testid="console-input"]');
  const source = await readFile(join(root, 'tests', 'fixtures', 'iex', 'guide_application.exs'), 'utf8');
  const upTo = source.indexOf('Application.started_applications()');
  await typeFile(page, source.slice(0, upTo));
  const last = await page.locator('[data-testid="console-output"]').last().textContent();
  if (last.trim() !== ':ok') throw new Error(`Application.start(:kv) answered ${last}`);
  const tree = page.locator('[data-testid="console-tree"]');
  await tree.waitFor();
  await page.waitForFunction(() => {
    const t = document.querySelector('[data-testid="console-tree"]').textContent;
    return t.includes('application_master kv') && t.includes('KV.Supervisor') && t.includes('KV.Registry');
  }, null, { timeout: 10000 });
  // the store's tree stays the store's: the kv application is the console's
  const storeTree = await page.locator('[data-testid="region-tree"] .tree-scroll').first().textContent();
  if (!storeTree.includes('Shopping.Supervisor') || storeTree.includes('KV.')) {
    throw new Error(`the store's tree shows ${storeTree}`);
  }
  const groups = await page.locator('[data-testid="process-row"]', { hasText: 'KV.Registry' }).locator('.group').textContent();
  if (groups.trim() !== 'console') throw new Error(`KV.Registry is in the ${groups} group`);
  await page.locator('[data-testid="region-tree"]').screenshot({ path: join(artifacts, 'tree-console-application.png') });
  // the registry's table, named by the module, as iex prints it
  const tableName = await page.locator('[data-testid="ets-row"] th').first().textContent();
  if (tableName.trim() !== 'KV.Registry') throw new Error(`the table is listed as ${tableName}`);
  await page.locator('[data-testid="region-processes"]').screenshot({ path: join(artifacts, 'ets-application.png') });
});

// Frames the page draws in one second.
const framesInASecond = (page) => page.evaluate(() => new Promise((resolve) => {
  let n = 0; const start = performance.now();
  const tick = () => { n += 1; if (performance.now() - start < 1000) requestAnimationFrame(tick); else resolve(n); };
  requestAnimationFrame(tick);
}));

test('spawned processes that spin or allocate keep the frame rate; past max_heap_size one is killed with a log line', async ({ page, url }) => {
  await page.goto(`${url}?seed=5&speed=1&arrivals=30&chaos=0&persistence=none`);
  await page.waitForSelector('[data-testid="console-input"]');
  // A slower machine, as CI's can be: each frame's share of processes is bounded in wall
  // time, so the page keeps its frame rate there too.
  const throttle = Number(process.env.E2E_CPU_THROTTLE || 1.5);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
  await page.waitForTimeout(1500);
  const calm = await framesInASecond(page);
  await typeInConsole(page, [
    'defmodule Busy do\n  def spin(n), do: spin(n + 1)\n  def grow(acc), do: grow([Enum.to_list(1..10_000) | acc])\nend',
    'spinner = spawn(Busy, :spin, [0])',
  ]);
  const spinning = await framesInASecond(page);
  await typeInConsole(page, ['grower = spawn(fn -> Busy.grow([]) end)']);
  const busy = await framesInASecond(page);
  const busy2 = await framesInASecond(page);
  console.log(`    frames per second, CPU slowed ${throttle}×: ${calm} calm, ${spinning} with a spinner, ${busy} and ${busy2} with a spinner and an allocator`);
  if (Math.min(spinning, busy, busy2) < 0.8 * calm) throw new Error(`frame rate fell from ${calm} to ${spinning}, ${busy}, ${busy2}`);
  // The allocator passes max_heap_size and is killed with a report; the spinner still runs.
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="console-notice"]')].some((n) => /max_heap_size/.test(n.textContent)), null, { timeout: 60000 });
  await typeInConsole(page, ['Process.alive?(grower)', 'Process.alive?(spinner)']);
  const outs = await page.$$eval('[data-testid="console-output"]', (els) => els.map((e) => e.textContent));
  if (JSON.stringify(outs.slice(-2)) !== '["false","true"]') throw new Error(`alive? answered ${JSON.stringify(outs.slice(-2))}`);
  await page.locator('[data-testid="region-console"]').screenshot({ path: join(artifacts, 'console-max-heap.png') });
  await typeInConsole(page, ['Process.exit(spinner, :kill)']);
});

const seekTo = (page, ms) => page.$eval('[data-testid="timeline"]', (el, v) => {
  el.value = String(v);
  el.dispatchEvent(new Event('input', { bubbles: true }));
}, ms);
const statusOf = (page) => page.textContent('[data-testid="timeline-status"]');

test('time travel: scrub back before a crash and forward past it, share the run as a link that replays to the same hash, fork and come back', async ({ page, url, browser }) => {
  await page.goto(`${url}?seed=7&speed=1&arrivals=0&chaos=0&persistence=none`);
  await page.waitForSelector('[data-testid="console-input"]');
  await typeInConsole(page, [
    'Redfour.Shopping.start_session key: :alice',
    'Redfour.Shopping.Session.select_item :alice, "R4-HELMET", 3',
  ]);
  const alice = page.locator('[data-testid="session"][data-key="alice"]');
  await alice.waitFor();
  await page.waitForTimeout(1600); // past the walk in
  const oldPid = await alice.getAttribute('data-pid');
  await alice.click();
  await page.waitForFunction((p) => {
    const a = document.querySelector('[data-testid="session"][data-key="alice"]');
    return a && a.dataset.pid !== p && !a.classList.contains('dead');
  }, oldPid, { timeout: 10000 });
  const newPid = await alice.getAttribute('data-pid');
  const crash = await page.waitForSelector('[data-testid="timeline-marker"][data-kind="crash"]');
  const t1 = Number(await crash.getAttribute('data-at'));
  const title = await crash.getAttribute('title');
  if (!title.includes('alice') || !title.includes('killed')) throw new Error(`the crash marker says ${title}`);
  await page.waitForTimeout(1500);
  await page.locator('[data-testid="region-timeline"]').screenshot({ path: join(artifacts, 'timeline-live.png') });

  // Before t1: the old pid is alive, with its cart, on the floor and in the table.
  await seekTo(page, t1 - 300);
  await page.waitForFunction(() => /Looking back/.test(document.querySelector('[data-testid="timeline-status"]').textContent));
  if ((await alice.getAttribute('data-pid')) !== oldPid) throw new Error(`in the past alice is ${await alice.getAttribute('data-pid')}, want ${oldPid}`);
  if (!(await alice.getAttribute('aria-label')).includes('3 items in cart')) throw new Error(`alice: ${await alice.getAttribute('aria-label')}`);
  await page.$eval('.table-scroll', (e) => { e.scrollTop = e.scrollHeight; });
  await page.waitForSelector(`[data-testid="process-row"][data-pid="${oldPid}"]`);
  if (await page.$(`[data-testid="process-row"][data-pid="${newPid}"]`)) throw new Error('the new pid exists before the crash');
  await page.screenshot({ path: join(artifacts, 'time-travel-past.png'), fullPage: true });
  // , and . step between events (here: the console lines and the crash).
  await page.focus('[data-testid="timeline"]');
  await page.keyboard.press('.');
  await page.waitForFunction((t) => Number(document.querySelector('[data-testid="timeline"]').value) >= t, t1);
  // one event forward is the crash: alice is down (or already restarted)
  await page.waitForFunction((p) => {
    const a = document.querySelector('[data-testid="session"][data-key="alice"]');
    return a && (a.dataset.pid !== p || a.classList.contains('dead'));
  }, oldPid, { timeout: 5000 });

  // The end: the present, with the new pid.
  await seekTo(page, 1e12);
  await page.waitForFunction(() => /^Live/.test(document.querySelector('[data-testid="timeline-status"]').textContent));
  if ((await alice.getAttribute('data-pid')) !== newPid) throw new Error(`at the end alice is ${await alice.getAttribute('data-pid')}, want ${newPid}`);

  // Share: pause, copy the link, open it in a new page: the same trace hash.
  await page.click('[data-testid="play-pause"]');
  await page.click('[data-testid="share-link"]');
  const link = await page.inputValue('[data-testid="share-url"]');
  const hash = await page.textContent('[data-testid="trace-hash"]');
  if (!link.includes('#run=1.') || link.length > 2048) throw new Error(`link (${link.length} bytes): ${link}`);
  const other = await page.context().newPage();
  await other.goto(link);
  await other.waitForSelector('[data-testid="replay-note"]', { timeout: 20000 });
  const note = await other.textContent('[data-testid="replay-note"]');
  if (!note.startsWith('replayed · trace hash matches')) throw new Error(`replay note: ${note}`);
  if ((await other.textContent('[data-testid="trace-hash"]')) !== hash) throw new Error('the opened link shows another hash');
  const alice2 = other.locator('[data-testid="session"][data-key="alice"]');
  await other.waitForTimeout(500);
  if ((await alice2.getAttribute('data-pid')) !== newPid) throw new Error(`the replayed page has ${await alice2.getAttribute('data-pid')}, want ${newPid}`);
  await other.screenshot({ path: join(artifacts, 'time-travel-replayed.png'), fullPage: true });

  // Fork: back before the crash, Play: the run goes on without the kill; then back.
  await seekTo(other, t1 - 300);
  await other.waitForFunction(() => /Looking back/.test(document.querySelector('[data-testid="timeline-status"]').textContent));
  await other.click('[data-testid="play-pause"]');
  await other.waitForSelector('[data-testid="timeline-other"]');
  await other.waitForTimeout(1500);
  if ((await alice2.getAttribute('data-pid')) !== oldPid) throw new Error('in the fork alice was killed anyway');
  await other.locator('[data-testid="region-timeline"]').screenshot({ path: join(artifacts, 'timeline-fork.png') });
  await other.click('[data-testid="timeline-other"]');
  await other.waitForFunction((p) => document.querySelector('[data-testid="session"][data-key="alice"]')?.dataset.pid === p, newPid);
  if ((await other.textContent('[data-testid="trace-hash"]')) !== hash) throw new Error('the other timeline came back with another hash');
  await other.close();
  void browser;
});

test('a long seek in a busy run replays across frames: the page keeps drawing, shows its progress, and lands at the instant', async ({ page, url }) => {
  // 600 arrivals a minute at 100x: thousands of processes come and go each virtual minute.
  await page.goto(`${url}?seed=3&speed=100&arrivals=600&chaos=0&persistence=none`);
  await page.waitForSelector('[data-testid="timeline"]');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="timeline"]').max) >= 360000, null, { timeout: 90000 });
  const end = Number(await page.$eval('[data-testid="timeline"]', (e) => e.max));
  await page.evaluate(() => {
    window.__frames = 0;
    const f = () => { window.__frames++; requestAnimationFrame(f); };
    requestAnimationFrame(f);
  });
  const target = Math.floor((end - 20000) / 10) * 10; // the slider steps by a tick (10 ms)
  const started = Date.now();
  await seekTo(page, target);
  await page.waitForSelector('[data-testid="replay-progress"]', { timeout: 5000 });
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="replay-progress"]')?.value) >= 20, null, { timeout: 60000 });
  const status = await statusOf(page);
  if (!/^Replaying to/.test(status)) throw new Error(`while replaying the status says ${status}`);
  const fps20 = (await page.evaluate(() => window.__frames)) / ((Date.now() - started) / 1000);
  // the rest of the way measured apart from the screenshot (which holds up frames itself)
  await page.screenshot({ path: join(artifacts, 'time-travel-replaying.png') });
  const [f0, t0] = [await page.evaluate(() => window.__frames), Date.now()];
  await page.waitForSelector('[data-testid="replay-progress"]', { state: 'detached', timeout: 120000 });
  const took = (Date.now() - started) / 1000;
  const rest = (Date.now() - t0) / 1000;
  const fps = ((await page.evaluate(() => window.__frames)) - f0) / rest;
  console.log(`    replayed ${(target / 60000).toFixed(1)} virtual minutes at 600/min in ${took.toFixed(1)} s (a screenshot included); the page drew ${fps20.toFixed(0)} fps to 20% (the seek's first slice and the new page included), ${fps.toFixed(0)} fps over the last ${rest.toFixed(1)} s`);
  // Each frame gives the replay 22 ms, then draws a floor of ~1,700 shoppers: 17-32 fps
  // here. Below 8 the page would feel stuck.
  if (rest >= 0.5 && fps < 8) throw new Error(`the page drew ${fps.toFixed(1)} frames a second while replaying`);
  await page.waitForFunction(() => /Looking back/.test(document.querySelector('[data-testid="timeline-status"]').textContent));
  const at = Number(await page.$eval('[data-testid="timeline"]', (e) => e.value));
  if (at < target || at > target + 10) throw new Error(`landed at ${at}, asked for ${target}`);
  if ((await page.$$('[data-testid="process-row"]')).length < 10) throw new Error('the table is empty after the replay');
  // Back to live parks that past as a checkpoint (a diamond on the track); a seek a little
  // later starts from it instead of from the run's start.
  await page.click('[data-testid="timeline-live"]');
  await page.waitForSelector('[data-testid="timeline-checkpoint"]', { timeout: 5000 });
  const parkedAt = await page.$$eval('[data-testid="timeline-checkpoint"]', (els) => els.map((e) => e.getAttribute('title')));
  if (!parkedAt.some((t) => Math.abs(parseFloat(t) - at / 1000) <= 0.06)) throw new Error(`checkpoints: ${parkedAt}`);
  await page.screenshot({ path: join(artifacts, 'time-travel-checkpoint.png') });
  const again = Date.now();
  await seekTo(page, target + 5000);
  await page.waitForFunction(() => /Looking back/.test(document.querySelector('[data-testid="timeline-status"]').textContent), null, { timeout: 20000 });
  const quick = (Date.now() - again) / 1000;
  console.log(`    Back to live parked the past at ${(at / 1000).toFixed(1)} s; a seek 5 s after it took ${quick.toFixed(2)} s (from the start: ${took.toFixed(1)} s)`);
  // the seek took that replay (it is not copied): its diamond is gone
  if ((await page.$$('[data-testid="timeline-checkpoint"]')).length !== parkedAt.length - 1) throw new Error('the checkpoint the seek started from is still marked');
  if (quick > took / 2) throw new Error(`the seek after a checkpoint took ${quick} s, the one from the start ${took} s`);
});

test('export a run as JSON and import it in a new page: it replays to the same hash; a broken file is refused', async ({ page, url }) => {
  await page.goto(`${url}?seed=11&speed=5&arrivals=40&chaos=0&persistence=none`);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="session"]').length >= 3, null, { timeout: 30000 });
  await typeInConsole(page, ['Enum.map(1..3, &(&1 * 2))']);
  await page.locator('[data-testid="session"]').first().click();
  await page.waitForSelector('[data-testid="timeline-marker"][data-kind="crash"]');
  await page.click('[data-testid="play-pause"]');
  const hash = await page.textContent('[data-testid="trace-hash"]');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Export run')]);
  const file = join(artifacts, 'exported-run.json');
  await download.saveAs(file);
  const doc = JSON.parse(await readFile(file, 'utf8'));
  if (doc.redfour_run !== 1 || doc.trace_hash !== hash || !doc.inputs.some((i) => i.kind === 'kill') || !doc.inputs.some((i) => i.kind === 'console')) {
    throw new Error(`exported: ${JSON.stringify(doc).slice(0, 300)}`);
  }
  const other = await page.context().newPage();
  await other.goto(`${url}?seed=1&arrivals=0`);
  await other.waitForSelector('[data-testid="console-input"]');
  await other.setInputFiles('input[type=file]', file);
  await other.waitForSelector('[data-testid="replay-note"]', { timeout: 20000 });
  const note = await other.textContent('[data-testid="replay-note"]');
  if (!note.startsWith('replayed · trace hash matches') || (await other.textContent('[data-testid="trace-hash"]')) !== hash) throw new Error(`import: ${note}`);
  // a broken file: a message, and the run on the page goes on untouched
  const broken = join(artifacts, 'broken-run.json');
  await writeFile(broken, JSON.stringify({ ...doc, inputs: 'nope' }));
  await other.setInputFiles('input[type=file]', broken);
  await other.waitForFunction(() => /This file is damaged or not a run: its inputs are missing; nothing was changed/.test(document.querySelector('.banner.info')?.textContent || ''));
  if ((await other.textContent('[data-testid="trace-hash"]')) !== hash) throw new Error('a broken file changed the run');
  await other.close();
});

test('a damaged or newer run link starts a fresh run with a message', async ({ page, url }) => {
  for (const [fragment, words] of [
    ['#run=1.seed%3D7.zz', 'This link is damaged'],
    ['#run=7.seed%3D7.0.0.', 'newer Redfour'],
    ['#run=1.seed%3D1.10.ab.0-q', 'unknown'],
  ]) {
    await page.goto('about:blank');
    await page.goto(`${url}${fragment}`);
    await page.waitForSelector('[data-testid="console-input"]');
    const banner = await page.textContent('.banner.info');
    if (!banner.includes(words) || !banner.includes('starting a fresh run')) throw new Error(`${fragment}: ${banner}`);
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="timeline"]').max) > 500);
  }
});

test('sequence chart: a session\'s call to the Catalog and its reply as a pair; after a kill its lifeline ends :killed and the successor starts from the supervisor; Mermaid', async ({ page, url }) => {
  await page.goto(`${url}?seed=7&speed=1&arrivals=0&chaos=0&persistence=none`);
  await page.waitForSelector('[data-testid="sequence-empty"]');
  await typeInConsole(page, ['Redfour.Shopping.start_session key: :alice']);
  const alice = page.locator('[data-testid="session"][data-key="alice"]');
  await alice.waitFor();
  const oldPid = await alice.getAttribute('data-pid');
  await page.$eval('.table-scroll', (e) => { e.scrollTop = e.scrollHeight; });
  await page.click(`[data-testid="process-row"][data-pid="${oldPid}"]`);
  await page.click('[data-testid="chart-toggle"]');
  await typeInConsole(page, ['Redfour.Shopping.Session.select_item :alice, "R4-HELMET", 2']);
  const catalog = await page.waitForSelector('[data-testid="lifeline"]:has-text("Redfour.Catalog")');
  const catalogPid = await catalog.getAttribute('data-pid');
  const call = await page.waitForSelector(`[data-testid="sequence-arrow"][data-kind="call"][data-from="${oldPid}"][data-to="${catalogPid}"]`);
  const pair = await call.getAttribute('data-pair');
  const reply = await page.$(`[data-testid="sequence-arrow"][data-index="${pair}"]`);
  if (!reply || (await reply.getAttribute('data-kind')) !== 'reply' || (await reply.getAttribute('data-to')) !== oldPid) throw new Error('the call has no reply paired with it');
  const hover = await call.$eval('title', (t) => t.textContent);
  if (!hover.includes('{:price, "R4-HELMET"}')) throw new Error(`the call's full text: ${hover}`);
  await page.locator('[data-testid="region-sequence"]').screenshot({ path: join(artifacts, 'sequence-call.png') });
  // a kill: the old lifeline ends with :killed, the new one starts from the supervisor's spawn
  await alice.click();
  await page.waitForFunction((p) => document.querySelector('[data-testid="session"][data-key="alice"]')?.dataset.pid !== p, oldPid);
  const newPid = await alice.getAttribute('data-pid');
  await page.waitForSelector(`[data-testid="lifeline"][data-pid="${oldPid}"][data-end=":killed"]`);
  const spawn = await page.waitForSelector(`[data-testid="sequence-arrow"][data-kind="spawn"][data-to="${newPid}"]`);
  const from = await spawn.getAttribute('data-from');
  const supName = await page.textContent(`[data-testid="lifeline"][data-pid="${from}"] .lifeline-name`);
  if (!supName.includes('SessionSupervisor')) throw new Error(`the successor was spawned by ${supName}`);
  await page.click('[data-testid="sequence-mermaid-show"]');
  const mermaidText = await page.textContent('[data-testid="sequence-mermaid-text"]');
  const o = oldPid.slice(3, -3);
  for (const want of ['sequenceDiagram', `participant P${o} as alice ${oldPid}`, `P${o}->>P${catalogPid.slice(3, -3)}: call {:price, "R4-HELMET"}`, `Note over P${o}: exited :killed`]) {
    if (!mermaidText.includes(want)) throw new Error(`Mermaid has no ${want}:\n${mermaidText}`);
  }
  await page.locator('[data-testid="region-sequence"]').screenshot({ path: join(artifacts, 'sequence-restart.png') });
  // S on a row of the table charts that process (◆), and S again stops
  await page.fill('#process-filter', 'Redfour.Sales');
  const salesRow = page.locator('[data-testid="process-row"]', { hasText: 'Redfour.Sales' });
  await salesRow.focus();
  await page.keyboard.press('s');
  await page.waitForSelector('[data-testid="process-row"].charted:has-text("Redfour.Sales")');
  // on the floor, the customer's card charts it too
  await alice.focus();
  await page.waitForSelector('[data-testid="chart-customer"][aria-pressed="true"]');
  await page.locator('[data-testid="region-floor"]').screenshot({ path: join(artifacts, 'sequence-floor-card.png') });
  await page.locator('[data-testid="region-processes"]').screenshot({ path: join(artifacts, 'sequence-table-charted.png') });
  const found = await axeViolations(page);
  if (found.length) throw new Error(`axe: ${found.join('; ')}`);
}, { context: { bypassCSP: true } });

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

test('a hostile address is refused with a notice: the clock runs and nothing bad is saved', async ({ page, url }) => {
  await page.goto(`${url}?speed=NaN&arrivals=1e309&chaos=1e9&seed=7`);
  await page.waitForSelector('[data-testid="play-pause"]');
  const notice = await page.textContent('.banner.info');
  if (!notice.includes('Ignored speed=NaN from the address')) throw new Error(`notice: ${notice}`);
  await page.waitForFunction(() => parseFloat(document.querySelector('[data-testid="clock"]')?.textContent) > 0.5, null, { timeout: 5000 });
  const labels = await page.textContent('[aria-label="Simulation controls"]');
  if (/NaN|10000|600\/min/.test(labels)) throw new Error(`controls show ${labels}`);
  const saved = await page.evaluate(() => localStorage.getItem('redfour.settings'));
  if (!saved || /NaN|inf|e309|e9/.test(saved)) throw new Error(`saved: ${saved}`);
  await page.goto(url); // the bare address, after a reload: still running
  await page.waitForFunction(() => parseFloat(document.querySelector('[data-testid="clock"]')?.textContent) > 0.5, null, { timeout: 5000 });
});

test('no text under 12 px, and no CSS animation under prefers-reduced-motion', async ({ page, url }) => {
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.goto(`${url}?seed=3&speed=10&arrivals=60&chaos=0&persistence=none`);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="session"]').length >= 5, null, { timeout: 30000 });
  await page.waitForTimeout(1600);
  await page.locator('[data-testid="session"]').first().click(); // restarts flash in the tree
  await page.waitForTimeout(100);
  const small = await page.evaluate(() => {
    const out = [];
    for (const el of document.querySelectorAll('body *')) {
      if (![...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
      const r = el.getBoundingClientRect();
      if (!r.width || !r.height) continue;
      const fs = parseFloat(getComputedStyle(el).fontSize);
      if (fs < 12) out.push(`${el.tagName.toLowerCase()}.${el.className.baseVal ?? el.className} ${fs}px: ${el.textContent.slice(0, 30)}`);
    }
    return out;
  });
  if (small.length) throw new Error(`text under 12 px:\n${small.slice(0, 10).join('\n')}`);
  // Table numbers sit under their headers (both right-aligned) and never run into the next cell.
  const table = await page.evaluate(() => {
    const textRight = (el) => { const r = document.createRange(); r.selectNodeContents(el); return r.getBoundingClientRect().right; };
    const heads = [...document.querySelectorAll('[role=columnheader]')];
    const out = [];
    for (const row of [...document.querySelectorAll('[data-testid=process-row]')].slice(0, 8)) {
      [...row.querySelectorAll('[role=cell]')].forEach((cell, i) => {
        if (cell.scrollWidth > cell.clientWidth + 1 && !cell.title) out.push(`cut without a tooltip: ${cell.textContent}`);
        if (cell.classList.contains('num') && cell.textContent.trim()) {
          const gap = Math.abs(textRight(cell) - textRight(heads[i].querySelector('button, span')));
          if (gap > 3) out.push(`${heads[i].textContent}: ${cell.textContent} is ${Math.round(gap)} px off its header`);
        }
      });
    }
    return out;
  });
  if (table.length) throw new Error(`process table:\n${table.slice(0, 8).join('\n')}`);
  // The console input shows underscores (DejaVu Sans Mono's "_" fell outside the input's
  // text box: "start_session" read "start session"): "a_b" and "a b" must look different.
  const input = page.locator('[data-testid="console-input"]');
  const placeholder = await input.getAttribute('placeholder');
  await input.evaluate((el) => el.setAttribute('placeholder', 'start_session a_b'));
  const withUnderscore = await input.screenshot();
  await input.evaluate((el) => el.setAttribute('placeholder', 'start session a b'));
  const withSpace = await input.screenshot();
  await input.evaluate((el, p) => el.setAttribute('placeholder', p), placeholder);
  if (withUnderscore.equals(withSpace)) throw new Error('the console placeholder draws "a_b" as "a b"');
  const running = await page.evaluate(() => document.getAnimations().map((a) => a.animationName || a.constructor.name));
  if (running.length) throw new Error(`animations running with reduced motion: ${running.join(', ')}`);
});

test('a map for newcomers: the post\'s link, a line per panel, the console in view on a laptop', async ({ page, url }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${url}?seed=3&speed=1&arrivals=12`);
  await page.waitForSelector('[data-testid="console-input"]');
  const link = await page.getAttribute('.tagline a', 'href');
  if (link !== 'https://rob.conery.io/2016/02/11/red-4-store-part-2/') throw new Error(`blog link ${link}`);
  const notes = await page.$$eval('.region', (rs) => rs.map((r) => [r.dataset.testid, !!r.querySelector('.panel-note, h2 .hint')]));
  const missing = notes.filter(([, has]) => !has).map(([id]) => id);
  if (missing.length) throw new Error(`panels without a line saying what they show: ${missing}`);
  // Charts carry their units, axes and current values.
  await page.waitForTimeout(2500);
  const captions = await page.$$eval('.chart figcaption', (fs) => fs.map((f) => f.textContent));
  if (!captions.some((c) => c.startsWith('live sessions (sessions)')) || !captions.some((c) => c.startsWith('revenue (total, $)'))) throw new Error(`chart captions: ${captions}`);
  const ticks = await page.$$eval('.chart .tick', (ts) => ts.map((t) => t.textContent));
  if (ticks.length !== 20 || !ticks.some((t) => /^\d+ s$/.test(t))) throw new Error(`chart ticks: ${ticks}`);
  await page.locator('[data-testid="region-charts"]').screenshot({ path: join(artifacts, 'charts.png') });
  // back at the top, as a newcomer lands (the chart's picture scrolled down to it)
  await page.evaluate(() => window.scrollTo(0, 0));
  const box = await page.locator('[data-testid="console-input"]').boundingBox();
  if (!box || box.y + box.height > 800) throw new Error(`the console input is below the fold: ${JSON.stringify(box)}`);
  await page.screenshot({ path: join(artifacts, 'laptop-1280x800.png') });
});

test('a phone (390x844): nothing off the edge, 44 px touch targets, all nine columns of the table reachable', async ({ page, url }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${url}?seed=3&speed=10&arrivals=60&chaos=0&persistence=none`);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="session"]').length >= 5, null, { timeout: 30000 });
  const report = await page.evaluate(() => {
    const visible = (e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
    const small = [...document.querySelectorAll('button, select, input, [role=columnheader] button')]
      .filter((e) => visible(e) && !e.classList.contains('customer-target'))
      .filter((e) => e.getBoundingClientRect().height < 44)
      .map((e) => `${e.tagName.toLowerCase()} "${(e.textContent || e.getAttribute('aria-label') || '').trim().slice(0, 20)}" ${Math.round(e.getBoundingClientRect().height)}px`);
    const scroller = document.querySelector('.table-scroll');
    return {
      pageWidth: document.documentElement.scrollWidth,
      small,
      columns: document.querySelectorAll('[role=columnheader]').length,
      hiddenColumns: [...document.querySelectorAll('[role=columnheader]')].filter((e) => !visible(e)).length,
      tableScrolls: scroller.scrollWidth > scroller.clientWidth,
      hint: visible(document.querySelector('.scroll-hint')),
    };
  });
  if (report.pageWidth > 390) throw new Error(`the page is ${report.pageWidth} px wide`);
  if (report.small.length) throw new Error(`touch targets under 44 px: ${report.small.join('; ')}`);
  if (report.columns !== 9 || report.hiddenColumns) throw new Error(`columns: ${JSON.stringify(report)}`);
  if (!report.tableScrolls || !report.hint) throw new Error(`the table does not say it scrolls: ${JSON.stringify(report)}`);
  await page.screenshot({ path: join(artifacts, 'phone-390x844.png') });
  await page.locator('[data-testid="region-floor"]').screenshot({ path: join(artifacts, 'phone-floor.png') });
});

test('with localStorage full: a banner while saves fail, the crash story says why, settings say they were not saved', async ({ page, url }) => {
  await page.goto(`${url}?seed=7&speed=1&arrivals=0&chaos=0&persistence=snapshot`);
  await page.waitForSelector('[data-testid="console-input"]');
  await page.evaluate(() => { // fill the origin's storage to its quota
    let size = 1 << 20;
    for (let i = 0; size >= 16; i++) {
      try { localStorage.setItem(`fill.${i}`, 'x'.repeat(size)); } catch (e) { size >>= 1; }
    }
  });
  await typeInConsole(page, [
    'Redfour.Shopping.start_session key: :alice',
    'Redfour.Shopping.Session.select_item :alice, "R4-HELMET", 2',
  ]);
  await page.waitForSelector('[data-testid="storage-failing"]');
  const banner = await page.textContent('[data-testid="storage-failing"]');
  if (!banner.includes('quota exceeded')) throw new Error(`banner: ${banner}`);
  const alice = page.locator('[data-testid="session"][data-key="alice"]');
  await page.waitForTimeout(1600);
  await alice.click();
  await page.waitForFunction(() => (document.querySelector('[data-testid="crash-caption"][data-key="alice"]')?.textContent || '').includes('cart could not be restored'), null, { timeout: 5000 });
  const caption = await captionOf(page, 'alice').textContent();
  if (!/cart could not be restored: 2 items lost \(saves were failing: .*quota exceeded/.test(caption)) throw new Error(`caption: ${caption}`);
  await page.screenshot({ path: join(artifacts, 'storage-full.png') });
  await page.selectOption('select[aria-label="Speed"]', '5');
  await page.waitForFunction(() => (document.querySelector('.banner.info')?.textContent || '').includes('settings could not be saved'));
  await page.evaluate(() => localStorage.clear());
});

test('while the wasm loads the page says so; if it cannot load, it says that', async ({ page, url }) => {
  let release;
  const held = new Promise((r) => { release = r; });
  await page.route('**/*_bg.wasm', async (route) => { await held; await route.continue(); });
  await page.goto(url);
  const loading = await page.textContent('#loading');
  if (!loading.includes('Loading Redfour')) throw new Error(`loading state: ${loading}`);
  await page.screenshot({ path: join(artifacts, 'loading.png') });
  release();
  await page.waitForSelector('[data-testid="app"]', { timeout: 20000 });
  await page.waitForSelector('#loading', { state: 'detached' });
  // The progress counts against the wasm's real size (trunk's figure is before wasm-opt).
  const sizes = await page.evaluate(async () => {
    const html = await (await fetch(location.pathname)).text();
    const [, file, told] = html.match(/__trunkInitializer\(init, '([^']+)', (\d+)/);
    const real = (await (await fetch(file)).arrayBuffer()).byteLength;
    return [Number(told), real];
  });
  if (sizes[0] !== sizes[1]) throw new Error(`the loader is told ${sizes[0]} bytes, the wasm has ${sizes[1]}`);
  const failing = await page.context().newPage();
  await failing.route('**/*_bg.wasm', (route) => route.abort());
  await failing.goto(url);
  await failing.waitForSelector('#loading.failed', { timeout: 10000 });
  const failed = await failing.textContent('#loading');
  if (!failed.startsWith('Redfour could not start:')) throw new Error(`failure: ${failed}`);
  await failing.screenshot({ path: join(artifacts, 'load-failed.png') });
}, { context: { serviceWorkers: 'block' } }); // the worker would serve the wasm past the route

test('after the first visit the page works offline', async ({ page, url }) => {
  await page.goto(`${url}?seed=3&speed=5&arrivals=60`);
  await page.waitForSelector('[data-testid="app"]', { timeout: 20000 });
  await page.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.controller, null, { timeout: 20000 });
  await page.context().setOffline(true);
  await page.reload();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="session"]').length >= 2, null, { timeout: 30000 });
  await page.context().setOffline(false);
});

// The guided lesson: its state as the page's hooks show it.
const lessonState = (page) => page.$eval('[data-testid="lesson"]', (e) => ({ step: Number(e.dataset.step), done: Number(e.dataset.done) }));

test('the guided lesson: opened from a visible button, Run completes all eight steps from the runtime; a reload keeps the progress and the share link reopens the same step', async ({ page, url }) => {
  await page.goto(`${url}?seed=5&speed=1&arrivals=30&chaos=0&persistence=none`);
  await page.waitForSelector('[data-testid="console-input"]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="session"]').length >= 2, null, { timeout: 20000 });
  const opener = page.locator('[data-testid="lesson-open"]');
  if (!(await opener.isVisible())) throw new Error('no visible button opens the lesson');
  await opener.click();
  await page.waitForSelector('[data-testid="lesson"]');
  for (let step = 1; step <= 8; step += 1) {
    const state = await lessonState(page);
    if (state.step !== step || state.done !== step - 1) throw new Error(`before step ${step}: ${JSON.stringify(state)}`);
    const panel = await page.$eval('.region.lesson-focus', (e) => e.dataset.testid).catch(() => null);
    if (!panel) throw new Error(`step ${step} highlights no panel`);
    await page.click('[data-testid="lesson-run"]');
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid="lesson"]').dataset.done) >= n, step, { timeout: 15000 })
      .catch(async () => { throw new Error(`step ${step} not done: ${await page.textContent('[data-testid="lesson-status"]')}; console: ${(await page.$$eval('[data-testid="console-output"]', (o) => o.slice(-3).map((x) => x.textContent))).join(' | ')}`); });
    await page.waitForTimeout(step === 1 || step === 7 ? 900 : 300); // the crash story plays
    await page.screenshot({ path: join(artifacts, `lesson-step-${step}.png`) });
    if (step < 8) await page.click('[data-testid="lesson-next"]');
  }
  const out = (await page.$$eval('[data-testid="console-output"]', (o) => o.map((x) => x.textContent))).join('\n');
  for (const want of ['Hello World', '%MyShop.Session{', 'Please use an atom key', 'R4-HELMET']) {
    if (!out.includes(want)) throw new Error(`the console never answered ${want}`);
  }
  // the module of step 4 is in the editor
  if (!(await page.inputValue('[data-testid="editor"]')).includes('use GenServer')) throw new Error('the editor does not hold the GenServer');
  // back to step 3, reload: the lesson is open at step 3 with 8 done
  await page.click('.lesson-steps li:nth-child(3) button');
  await page.waitForFunction(() => location.search.includes('lesson=3'));
  await page.reload();
  await page.waitForSelector('[data-testid="lesson"]');
  let state = await lessonState(page);
  if (state.step !== 3 || state.done !== 8) throw new Error(`after a reload: ${JSON.stringify(state)}`);
  // the share link carries the step: a new page opens at it
  await page.click('[data-testid="play-pause"]');
  await page.click('[data-testid="share-link"]');
  const link = await page.inputValue('[data-testid="share-url"]');
  if (!link.includes('lesson=3')) throw new Error(`the share link has no lesson: ${link}`);
  const other = await page.context().newPage();
  await other.goto(link);
  await other.waitForSelector('[data-testid="lesson"]');
  state = await lessonState(other);
  if (state.step !== 3 || state.done !== 8) throw new Error(`the shared link opens ${JSON.stringify(state)}`);
  // closed, it can be reopened where it was
  await other.click('.lesson-close');
  await other.waitForSelector('[data-testid="lesson"]', { state: 'detached' });
  await other.click('[data-testid="lesson-open"]');
  state = await lessonState(other);
  if (state.step !== 3) throw new Error(`reopened at ${JSON.stringify(state)}`);
  await other.close();
});

test('a lesson step done by hand completes too: a click on a customer, spawn typed in the console', async ({ page, url }) => {
  await page.goto(`${url}?seed=6&speed=1&arrivals=30&chaos=0&persistence=none&lesson=1`);
  await page.waitForSelector('[data-testid="lesson"]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="session"]').length >= 1, null, { timeout: 20000 });
  await page.waitForTimeout(1600); // past the walk in
  if ((await lessonState(page)).done !== 0) throw new Error('step 1 done before anything crashed');
  await page.locator('[data-testid="session"]').first().click();
  await page.waitForFunction(() => document.querySelector('[data-testid="lesson"]').dataset.done === '1', null, { timeout: 10000 });
  await page.click('[data-testid="lesson-next"]');
  await typeInConsole(page, ['spawn(fn -> IO.puts "Hello World" end)']);
  await page.waitForFunction(() => document.querySelector('[data-testid="lesson"]').dataset.done === '2');
});

test('the lesson on a phone: a sheet at the bottom, keyboard-operable, the step\'s panel in view', async ({ page, url }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${url}?seed=6&speed=1&arrivals=12&chaos=0&persistence=none&lesson=2`);
  await page.waitForSelector('[data-testid="lesson"]');
  await page.focus('[data-testid="lesson-run"]');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid="lesson"]').dataset.done === '1', null, { timeout: 10000 });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  if (width > 390) throw new Error(`the page is ${width} px wide with the lesson open`);
  await page.screenshot({ path: join(artifacts, 'lesson-phone.png') });
});

// A GenServer of 15 lines, written in the editor as a learner would.
const EDITOR_SERVER = [
  'defmodule Stack do',
  'use GenServer',
  '',
  'def start_link(items) do',
  'GenServer.start_link(__MODULE__, items, name: :stack)',
  'end',
  '',
  'def init(items), do: {:ok, items}',
  '',
  'def handle_call(:pop, _from, [top | rest]) do',
  '{:reply, top, rest',
  'end',
  '',
  'def handle_cast({:push, item}, items), do: {:noreply, [item | items]}',
  'end',
];

test('the editor: a 15-line GenServer typed with auto-indent, a syntax error marked on its line, fixed and run again', async ({ page, url }) => {
  await page.goto(`${url}?seed=8&speed=1&arrivals=0&chaos=0&persistence=none`);
  const editor = page.locator('[data-testid="editor"]');
  await editor.waitFor();
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  // typed line by line: Enter indents, `end` moves under its `do`
  for (const [i, line] of EDITOR_SERVER.entries()) {
    await page.keyboard.type(line);
    if (i < EDITOR_SERVER.length - 1) await page.keyboard.press('Enter');
  }
  const typed = await editor.inputValue();
  const lines = typed.split('\n');
  if (lines.length !== 15) throw new Error(`${lines.length} lines`);
  if (!lines[1].startsWith('  use GenServer') || !lines[4].startsWith('    GenServer.start_link') || lines[5] !== '  end' || lines[14] !== 'end') throw new Error(`indentation:\n${typed}`);
  // the colours come from the tokenizer
  const kinds = await page.$$eval('.editor-colours span', (s) => [...new Set(s.map((x) => x.className.split(' ')[0]))]);
  for (const k of ['kw', 'mod', 'atom']) if (!kinds.includes(k)) throw new Error(`no ${k} colour: ${kinds}`);
  await page.keyboard.press('Control+Enter');
  const error = page.locator('[data-testid="editor-error"]');
  await error.waitFor();
  if ((await error.getAttribute('data-line')) !== '12') throw new Error(`the error is on line ${await error.getAttribute('data-line')}: ${await error.textContent()}`);
  if (!(await page.$eval('.editor-gutter .error', (e) => e.textContent)).includes('12')) throw new Error('the gutter does not mark line 12');
  await page.locator('[data-testid="region-editor"]').screenshot({ path: join(artifacts, 'editor-error.png') });
  // fix line 11: add the missing brace
  await editor.click();
  const fixed = typed.replace('{:reply, top, rest', '{:reply, top, rest}');
  await editor.fill(fixed);
  await page.click('[data-testid="editor-run"]');
  await page.waitForSelector('[data-testid="editor-error"]', { state: 'detached' });
  await page.waitForSelector('.editor-ok');
  await typeInConsole(page, ['Stack.start_link([1, 2])', 'GenServer.cast(:stack, {:push, 0})', 'GenServer.call(:stack, :pop)']);
  const answers = await page.$$eval('[data-testid="console-output"]', (o) => o.slice(-3).map((x) => x.textContent.trim()));
  if (!/^\{:ok, #PID<0\.\d+\.0>\}$/.test(answers[0]) || answers[2] !== '0') throw new Error(`answers: ${answers}`);
  // an undefined function is a CompileError on its line
  await editor.fill(fixed.replace('{:ok, items}', '{:ok, prepare(items)}'));
  await page.keyboard.press('Control+Enter');
  await error.waitFor();
  if ((await error.getAttribute('data-line')) !== '8' || !(await error.textContent()).includes('undefined function prepare/1')) throw new Error(`compile error: ${await error.getAttribute('data-line')} ${await error.textContent()}`);
  await page.locator('[data-testid="region-editor"]').screenshot({ path: join(artifacts, 'editor-compile-error.png') });
});

test('embedded: a plain page from another origin shows a console and a floor in iframes; both work, the CSP holds', async ({ page, url }) => {
  const src = (q) => `${url}?${q}`.replace(/&/g, '&amp;');
  const host = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>A teacher's post</title></head>
<body style="font-family: sans-serif; max-width: 760px; margin: 2rem auto">
<h1>Processes in Elixir</h1><p>Try it here:</p>
<iframe id="console" title="Redfour console" src="${src('embed=console&code=' + encodeURIComponent('Enum.map(1..3, &(&1 * 2))'))}" width="720" height="420" style="border:1px solid #ccc"></iframe>
<p>And crash a shopper:</p>
<iframe id="floor" title="Redfour floor" src="${src('embed=floor&seed=9&arrivals=40')}" width="720" height="460" style="border:1px solid #ccc"></iframe>
</body></html>`;
  const { createServer } = await import('node:http');
  const other = createServer((req, res) => { res.writeHead(200, { 'content-type': 'text/html' }); res.end(host); });
  await new Promise((ok) => other.listen(0, '127.0.0.1', ok));
  try {
    await page.goto(`http://127.0.0.1:${other.address().port}/post.html`);
    const consoleFrame = page.frameLocator('#console');
    const floorFrame = page.frameLocator('#floor');
    // the console: the code from the link has run, and it takes a typed line
    await consoleFrame.locator('[data-testid="console-output"]').first().waitFor({ timeout: 20000 });
    const first = await consoleFrame.locator('[data-testid="console-output"]').first().textContent();
    if (first.trim() !== '[2, 4, 6]') throw new Error(`code= answered ${first}`);
    await consoleFrame.locator('[data-testid="console-input"]').fill('self()');
    await consoleFrame.locator('[data-testid="console-input"]').press('Enter');
    await consoleFrame.locator('[data-testid="console-output"]').nth(1).waitFor();
    // no dashboard around it
    if (await consoleFrame.locator('[data-testid="region-floor"]').count()) throw new Error('the console embed shows the floor');
    if (await consoleFrame.locator('.controls').count()) throw new Error('the console embed shows the controls');
    const open = await consoleFrame.locator('[data-testid="embed-open"]').getAttribute('target');
    if (open !== '_blank') throw new Error('no "open in Redfour" link to a new tab');
    // the floor: customers come in, a click crashes one and it comes back
    const session = floorFrame.locator('[data-testid="session"]').first();
    await session.waitFor({ timeout: 20000 });
    await page.waitForTimeout(1600);
    const pid = await session.getAttribute('data-pid');
    const key = await session.getAttribute('data-key');
    await session.click();
    await floorFrame.locator(`[data-testid="crash-caption"][data-key="${key}"]`).waitFor({ timeout: 10000 });
    // the frame is another origin: ask it through the locator until the new pid shows
    const same = floorFrame.locator(`[data-testid="session"][data-key="${key}"]`);
    let now = pid;
    for (let i = 0; i < 50 && now === pid; i += 1) {
      await page.waitForTimeout(200);
      now = await same.getAttribute('data-pid').catch(() => pid);
    }
    if (now === pid) throw new Error(`${key} was not restarted in the frame`);
    if (await floorFrame.locator('[data-testid="region-console"]').count()) throw new Error('the floor embed shows the console');
    await page.screenshot({ path: join(artifacts, 'embed.png'), fullPage: true });
  } finally {
    other.close();
  }
});

test('accessibility: axe-core finds no violations in the lesson, the editor with an error, and an embedded lesson, on a laptop and a phone', async ({ page, url }) => {
  const found = [];
  for (const [w, h] of [[1280, 800], [390, 844]]) {
    await page.setViewportSize({ width: w, height: h });
    await page.goto(`${url}?seed=3&speed=1&arrivals=12&chaos=0&persistence=none&lesson=3`);
    await page.waitForSelector('[data-testid="lesson"]');
    await page.click('[data-testid="lesson-run"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="lesson"]').dataset.done === '1', null, { timeout: 10000 });
    await page.fill('[data-testid="editor"]', 'defmodule Broken do\n  def f do\n    [1, 2\n  end\nend');
    await page.click('[data-testid="editor-run"]');
    await page.waitForSelector('[data-testid="editor-error"]');
    for (const v of await axeViolations(page)) found.push(`${w}x${h} lesson+editor: ${v}`);
    await page.screenshot({ path: join(artifacts, `axe-lesson-${w}x${h}.png`) });
    await page.goto(`${url}?embed=lesson&seed=3`);
    await page.waitForSelector('[data-testid="lesson"]');
    await page.waitForTimeout(500);
    for (const v of await axeViolations(page)) found.push(`${w}x${h} embed=lesson: ${v}`);
    await page.screenshot({ path: join(artifacts, `embed-lesson-${w}x${h}.png`) });
  }
  if (found.length) throw new Error(`axe-core violations:\n${found.join('\n')}`);
}, { context: { bypassCSP: true } });

test('accessibility: axe-core finds no violations on a laptop and a phone, calm or mid-crash', async ({ page, url }) => {
  const found = [];
  for (const [w, h] of [[1280, 800], [390, 844]]) {
    await page.setViewportSize({ width: w, height: h });
    await page.goto(`${url}?seed=3&speed=10&arrivals=60&chaos=0&persistence=none`);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="session"]').length >= 5, null, { timeout: 30000 });
    await page.waitForTimeout(1600);
    for (const v of await axeViolations(page)) found.push(`${w}x${h} calm: ${v}`);
    await page.locator('[data-testid="session"]').first().click();
    await page.waitForSelector('[data-testid="crash-caption"]');
    await page.focus('[data-testid="session"]');
    for (const v of await axeViolations(page)) found.push(`${w}x${h} crash: ${v}`);
    await page.screenshot({ path: join(artifacts, `axe-${w}x${h}.png`), fullPage: true });
  }
  if (found.length) throw new Error(`axe-core violations:\n${found.join('\n')}`);
}, { context: { bypassCSP: true } });

const { server, url } = await serveDist(dist);
const browser = await launchChromium();
let passed = 0;
let failed = 0;
try {
  // E2E_ONLY=text runs only the tests whose name contains it (for working on one).
  const only = process.env.E2E_ONLY;
  for (const { name, fn, opts } of tests.filter((t) => !only || t.name.includes(only))) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...(opts.context || {}) });
    // The page's Content-Security-Policy must hold: any violation fails the test.
    const violations = [];
    await context.exposeBinding('__cspViolation', (_, v) => violations.push(v));
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => window.__cspViolation(`${e.violatedDirective} ${e.blockedURI}`));
    });
    const page = await context.newPage();
    page.on('console', (m) => { if (m.type() === 'error' && /Content Security Policy/.test(m.text())) violations.push(m.text()); });
    try {
      await fn({ page, url });
      if (!opts.context?.bypassCSP && violations.length) throw new Error(`CSP violations: ${violations.join('; ')}`);
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
