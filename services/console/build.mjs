// Bundles the browser console (web/) into web-dist/ with esbuild (dist/ is the server's compiled code). Runs on `pnpm install` (postinstall),
// so a fresh clone serves the console with no build step at runtime.
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(here, 'web-dist');
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [path.join(here, 'web', 'main.ts')],
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2022',
  outfile: path.join(out, 'app.js'),
  logLevel: 'warning',
});
for (const file of ['index.html', 'app.css']) copyFileSync(path.join(here, 'web', file), path.join(out, file));
