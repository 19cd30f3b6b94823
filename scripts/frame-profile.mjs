// Where a frame's main-thread time goes: opens the built page (dist/) in headless Chromium,
// lets the store run, records 2 s of Chrome's timeline and prints the main thread's busy time
// per second by kind (script in animation frames, style, layout, paint, commit …).
//   node scripts/frame-profile.mjs [dist] [cpu-slowdown] [query]
// e.g. node scripts/frame-profile.mjs dist 2 'arrivals=600'
import { join, resolve } from 'node:path';
import { serveDist } from '../tests/e2e/serve-static.mjs';
import { launchChromium, root } from '../tests/e2e/chromium.mjs';

const dist = resolve(process.argv[2] || join(root, 'dist'));
const slowdown = Number(process.argv[3] || 1);
const query = process.argv[4] || 'seed=5&speed=1&arrivals=30&chaos=0&persistence=none';

const { server, url } = await serveDist(dist);
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${url}?${query}`);
  await page.waitForSelector('[data-testid="console-input"]');
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: slowdown });
  await page.waitForTimeout(2000);
  await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
  await page.waitForTimeout(2000);
  const { traceEvents } = JSON.parse((await browser.stopTracing()).toString());
  const main = traceEvents.find((e) => e.name === 'thread_name' && e.args.name === 'CrRendererMain');
  const sum = {};
  const count = {};
  for (const e of traceEvents) {
    if (e.ph !== 'X' || !main || e.tid !== main.tid || e.pid !== main.pid) continue;
    sum[e.name] = (sum[e.name] || 0) + (e.dur || 0);
    count[e.name] = (count[e.name] || 0) + 1;
  }
  const frames = count.FireAnimationFrame || 1;
  const durations = traceEvents
    .filter((e) => e.ph === 'X' && main && e.tid === main.tid && e.pid === main.pid && e.name === 'FireAnimationFrame')
    .map((e) => e.dur / 1000)
    .sort((a, b) => a - b);
  const at = (q) => durations[Math.min(durations.length - 1, Math.floor(q * durations.length))] || 0;
  console.log(`script per animation frame: median ${at(0.5).toFixed(1)} ms, p90 ${at(0.9).toFixed(1)} ms, max ${at(1).toFixed(1)} ms`);
  console.log(`CPU slowed ${slowdown}x, ${query}: ${(frames / 2).toFixed(0)} animation frames a second`);
  console.log('   ms/s  ms/frame  events  kind (RunTask holds the rest)');
  for (const [k, v] of Object.entries(sum).sort((a, b) => b[1] - a[1]).slice(0, 14)) {
    console.log(`${(v / 2000).toFixed(1).padStart(7)} ${(v / 1000 / frames).toFixed(2).padStart(9)} ${String(count[k]).padStart(7)}  ${k}`);
  }
} finally {
  await browser.close();
  server.close();
}
