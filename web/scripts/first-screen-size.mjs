// Reports the JavaScript that the citizens' app's first screen loads: the entry script of
// dist/index.html and every module it preloads, each gzipped at level 9 as a server would.
// Lazy pages are left out because the first screen does not request them.
// Usage: node scripts/first-screen-size.mjs [--max-kb 250]
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');

/** Returns the gzipped sizes of the scripts the app's index.html loads before it renders. */
export function firstScreenScripts() {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const paths = new Set();
  for (const match of html.matchAll(/<script[^>]+src="([^"]+)"/g)) paths.add(match[1]);
  for (const match of html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g)) {
    paths.add(match[1]);
  }
  return [...paths].map((path) => {
    const source = readFileSync(join(dist, path));
    return { path, bytes: source.length, gzipBytes: gzipSync(source, { level: 9 }).length };
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const scripts = firstScreenScripts();
  for (const script of scripts) {
    console.log(`${script.path}  ${script.bytes} B  gzip ${script.gzipBytes} B`);
  }
  const total = scripts.reduce((sum, script) => sum + script.gzipBytes, 0);
  console.log(`first screen JavaScript: ${(total / 1024).toFixed(1)} KB gzipped`);
  const maxIndex = process.argv.indexOf('--max-kb');
  const maxKb = maxIndex > 0 ? Number(process.argv[maxIndex + 1]) : undefined;
  if (maxKb !== undefined && total > maxKb * 1024) {
    console.error(`over the budget of ${maxKb} KB`);
    process.exit(1);
  }
}
