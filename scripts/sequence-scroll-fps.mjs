// The sequence chart's frame rate while it scrolls, in the built page (dist/): the Catalog
// charted (S on its row of the process table) while 300 shoppers and 600 arrivals a minute shop at 50x, until the
// chart holds 10,000 arrows; then the chart is scrolled by the mouse wheel for 2 s and the
// page's frames counted. Headless Chromium.
//   node scripts/sequence-scroll-fps.mjs [dist]
import { join, resolve } from 'node:path';
import { serveDist } from '../tests/e2e/serve-static.mjs';
import { launchChromium, root } from '../tests/e2e/chromium.mjs';

const dist = resolve(process.argv[2] || join(root, 'dist'));
const { server, url } = await serveDist(dist);
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${url}?seed=3&speed=50&arrivals=600&chaos=0&persistence=none`);
  await page.waitForSelector('[data-testid="console-input"]');
  await page.fill('#process-filter', 'Redfour.Catalog');
  await page.locator('[data-testid="process-row"]', { hasText: 'Redfour.Catalog' }).focus();
  await page.keyboard.press('s');
  await page.fill('#process-filter', '');
  for (let i = 0; i < 3; i++) await page.click('text=+100 shoppers');
  const t0 = Date.now();
  await page.waitForFunction(() => {
    const m = document.querySelector('[data-testid="region-sequence"] .sequence-actions .panel-note');
    return m && Number((m.textContent.match(/([\d,]+) arrows/) || [])[1]?.replace(/,/g, '')) >= 10000;
  }, null, { timeout: 600000, polling: 1000 });
  const filled = ((Date.now() - t0) / 1000).toFixed(0);
  const note = await page.textContent('[data-testid="region-sequence"] .sequence-actions .panel-note');
  await page.click('[data-testid="play-pause"]'); // paused: only the scrolling moves
  await page.locator('.sequence-scroll').scrollIntoViewIfNeeded();
  const box = await page.locator('.sequence-scroll').boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const measure = page.evaluate(() => new Promise((resolve) => {
    let n = 0; const start = performance.now(); let last = start; let worst = 0;
    const tick = () => {
      const t = performance.now(); worst = Math.max(worst, t - last); last = t; n += 1;
      if (t - start < 2000) requestAnimationFrame(tick); else resolve({ fps: n / 2, worst });
    };
    requestAnimationFrame(tick);
  }));
  const wheel = (async () => {
    for (let i = 0; i < 100; i++) {
      await page.mouse.wheel(i % 20 < 10 ? 40 : 0, 400);
      await page.waitForTimeout(16);
    }
  })();
  const [{ fps, worst }] = await Promise.all([measure, wheel]);
  const top = await page.$eval('.sequence-scroll', (e) => `${e.scrollTop} px down, ${e.scrollLeft} px across`);
  console.log(`sequence chart (${note}, filled in ${filled} s): ${fps} frames a second while scrolled by the wheel (worst frame ${worst.toFixed(0)} ms), scrolled ${top}`);
} finally {
  await browser.close();
  server.close();
}
