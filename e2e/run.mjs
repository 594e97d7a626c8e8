// Builds the platform and runs the browser tests in Debian's Chromium. Without Chromium the
// tests are skipped with a notice, unless E2E_REQUIRED=1 (as in CI), which makes that a failure.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

if (!existsSync(chromium)) {
  const message = `Chromium not found at ${chromium}; install it with: apt-get install -y chromium`;
  if (process.env.E2E_REQUIRED === '1') {
    console.error(`Browser tests cannot run. ${message}`);
    process.exit(1);
  }
  console.log(`Browser tests skipped. ${message}`);
  process.exit(0);
}

function run(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run('npm', ['run', 'build'], join(here, '..'));
const tests = readdirSync(join(here, 'tests'))
  .filter((name) => name.endsWith('.test.mjs'))
  .map((name) => join('tests', name));
// Two files at a time: each starts its own server and browser, and much of a browser test is
// waiting, so two overlap well on two cores. E2E_CONCURRENCY=1 runs them one by one.
const concurrency = process.env.E2E_CONCURRENCY ?? '2';
run(process.execPath, ['--test', `--test-concurrency=${concurrency}`, ...tests], here);
