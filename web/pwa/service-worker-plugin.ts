import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { OutputBundle } from 'rolldown';
import type { Plugin } from 'vite';

type Bundle = OutputBundle;

/** Files the app shell needs offline besides its scripts and styles. */
const STATIC_FILES = ['/', '/manifest.webmanifest', '/favicon.svg', '/icons/icon-192.png'];

/** Collects a chunk and every chunk, style and asset it imports, statically or lazily. */
function collectFiles(bundle: Bundle, entry: string, files: Set<string>): void {
  if (files.has(entry)) return;
  const output = bundle[entry];
  if (!output) return;
  files.add(entry);
  if (output.type !== 'chunk') return;
  for (const name of [...output.imports, ...output.dynamicImports]) {
    collectFiles(bundle, name, files);
  }
  for (const name of output.viteMetadata?.importedCss ?? []) files.add(name);
  for (const name of output.viteMetadata?.importedAssets ?? []) files.add(name);
}

/**
 * Emits sw.js, the citizens' app's service worker, with the list of every file the app loads,
 * lazy pages included, so that the installed app and its tickets open without a network. The
 * cache version is a hash of that list, so each build with changed files replaces the cache.
 */
export function serviceWorkerPlugin(templatePath: string, entryName: string): Plugin {
  return {
    name: 'citizen-service-worker',
    apply: 'build',
    generateBundle(_options, bundle) {
      const entry = Object.values(bundle).find(
        (output) => output.type === 'chunk' && output.isEntry && output.name === entryName,
      );
      if (!entry) throw new Error(`The bundle has no entry chunk named ${entryName}`);
      const files = new Set<string>();
      collectFiles(bundle, entry.fileName, files);
      const precache = [...STATIC_FILES, ...[...files].sort().map((name) => `/${name}`)];
      const version = createHash('sha256').update(precache.join('\n')).digest('hex').slice(0, 12);
      const source = readFileSync(templatePath, 'utf8')
        .replace("'__PRECACHE_FILES__'", JSON.stringify(precache))
        .replace('__CACHE_VERSION__', version);
      this.emitFile({ type: 'asset', fileName: 'sw.js', source });
    },
  };
}

const COMPRESSIBLE = /\.(js|css|html|svg|webmanifest|json)$/;

/**
 * Writes a gzip copy (level 9) beside each text file of the build, which the server sends to
 * browsers that accept gzip. Scripts shrink to about a third, which matters most on slow
 * mobile networks.
 */
export function gzipPlugin(outDir: string): Plugin {
  return {
    name: 'gzip-copies',
    apply: 'build',
    writeBundle(_options, bundle) {
      for (const fileName of Object.keys(bundle)) {
        if (!COMPRESSIBLE.test(fileName)) continue;
        const path = join(outDir, fileName);
        writeFileSync(`${path}.gz`, gzipSync(readFileSync(path), { level: 9 }));
      }
    },
  };
}
