import { readFileSync } from 'node:fs';
import path from 'node:path';

/** One built file of the console, held in memory: three small files, read once at start. */
export interface Asset {
  body: Buffer;
  contentType: string;
}

const types: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
};

/** The folder `build.mjs` writes on `pnpm install`. */
export const defaultDistDir = path.join(__dirname, '..', 'web-dist');

/**
 * Reads the built console. Returns null when it was never built (install scripts skipped), so the
 * API keeps running and `/` says how to build it instead of failing the whole process.
 */
export function loadAssets(distDir: string): Map<string, Asset> | null {
  const assets = new Map<string, Asset>();
  try {
    for (const [name, contentType] of Object.entries(types)) {
      assets.set(name, { body: readFileSync(path.join(distDir, name)), contentType });
    }
  } catch {
    return null;
  }
  return assets;
}
