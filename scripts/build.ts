// Production build: every workspace package's src/**/*.ts is transpiled file by file to CommonJS in
// that package's own dist/, mirroring src/. Kept beside src, a compiled file finds what it reads next
// to the package exactly as its source does (path.join(__dirname, '..', 'drizzle') reaches the
// committed migrations), so nothing is copied. Types are checked by `pnpm typecheck`, not here
// (isolatedModules keeps file-by-file transpiling faithful). Compiled processes run with
// `node --conditions=klaxon-dist`, which makes each @klaxon/* package resolve to dist/index.js
// through its package.json "exports"; tsx, jest and tsc keep resolving to src/index.ts.
import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const root = path.resolve(__dirname, '..');
// The test helpers are never deployed.
const skipped = new Set(['packages/testing']);

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

function bytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((sum, entry) => {
    const full = path.join(dir, entry.name);
    return sum + (entry.isDirectory() ? bytes(full) : statSync(full).size);
  }, 0);
}

async function main(): Promise<void> {
  const packages = ['packages', 'services'].flatMap((group) =>
    readdirSync(path.join(root, group))
      .map((name) => `${group}/${name}`)
      .filter((pkg) => !skipped.has(pkg) && statSync(path.join(root, pkg, 'src'), { throwIfNoEntry: false })),
  );
  let total = 0;
  for (const pkg of packages) {
    const src = path.join(root, pkg, 'src');
    const dist = path.join(root, pkg, 'dist');
    rmSync(dist, { recursive: true, force: true });
    await build({
      entryPoints: tsFiles(src),
      outdir: dist,
      outbase: src,
      format: 'cjs',
      platform: 'node',
      // The image runs Node 24; `pnpm start` and the tests still run on Node 20.
      target: 'node20',
      logLevel: 'warning',
    });
    total += bytes(dist);
  }
  process.stdout.write(`built ${packages.length} packages, ${(total / 1024).toFixed(0)} KiB of JavaScript\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
