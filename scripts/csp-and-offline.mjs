// Trunk post-build hook (Trunk.toml): a Content-Security-Policy for the built page, and the
// offline file list for the service worker.
//
// - CSP: trunk injects an inline <script type="module"> that loads the wasm. A static host
//   cannot add nonces, so the policy allows exactly that script by its SHA-256 hash, and
//   WebAssembly compilation ('wasm-unsafe-eval'); everything else comes from the page's own
//   origin. Style attributes (positions of the floor's buttons) need style-src-attr.
// - Offline: every file of the build is listed in sw.js, which caches them on install.
// - The loader is told the wasm's real size: trunk passes the size before wasm-opt, so the
//   loading progress would stop at about 70% of its total.
import { createHash } from 'node:crypto';
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) throw new Error('TRUNK_STAGING_DIR is not set: run this from trunk (Trunk.toml hooks)');

const indexPath = join(dir, 'index.html');
let html = await readFile(indexPath, 'utf8');
for (const [call, wasm, size] of [...html.matchAll(/__trunkInitializer\(init, '\.\/([^']+\.wasm)', (\d+),/g)]) {
  const real = (await stat(join(dir, wasm))).size;
  html = html.replace(call, call.replace(`, ${size},`, `, ${real},`));
}
const hashes = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)]
  .map(([, body]) => `'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`);
const policy = [
  "default-src 'self'",
  `script-src 'self' 'wasm-unsafe-eval' ${hashes.join(' ')}`.trim(),
  "style-src 'self'",
  "style-src-attr 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');
const meta = `<meta http-equiv="Content-Security-Policy" content="${policy}" />`;
html = html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>\s*/g, '');
html = html.replace(/<head>/, `<head>\n    ${meta}`);
await writeFile(indexPath, html);

const files = (await readdir(dir)).filter((f) => f !== 'sw.js').sort();
const assets = ['./', ...files.map((f) => `./${f}`)];
const swPath = join(dir, 'sw.js');
const sw = await readFile(swPath, 'utf8');
await writeFile(swPath, sw.replace('[/* filled in by the build */]', JSON.stringify(assets)));
console.log(`[csp-and-offline] ${hashes.length} inline script(s) allowed by hash; ${assets.length} files for offline`);
