// Checks of the benchmark's options, read scenarios and target evaluation; no server or database.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import { DATA_SET_VERSION, DataSetError, dataSetAction, matchesDataSet } from './database.mjs';
import { OptionError, USAGE, parseBenchOptions, runsPart, scaledSizes } from './options.mjs';
import { LISTING_AND_SEARCH_SCENARIOS, ROTATING_SEARCH_PATHS } from './read-scenarios.mjs';
import { LIMITS, evaluateTargets, verificationProblems } from './targets.mjs';

describe('parseBenchOptions', () => {
  it('returns the defaults', () => {
    const options = parseBenchOptions([]);
    assert.equal(options.duration, 5);
    assert.equal(options.connections, 100);
    assert.equal(options.crowd, 1000);
    assert.equal(options.places, 5000);
    assert.equal(options.attempts, 20000);
    assert.equal(options.crowdSeconds, 60);
    assert.equal(options.scale, 1);
    assert.deepEqual(options.only, ['all']);
    assert.equal(options.fresh, false);
    assert.equal(options.skipBuild, false);
    assert.equal(parseBenchOptions(['--skip-build']).skipBuild, true);
  });

  it('prints the help without building', () => {
    const root = fileURLToPath(new URL('..', import.meta.url));
    const help = spawnSync('npm', ['run', '--silent', 'bench', '--', '--help'], {
      cwd: root,
      encoding: 'utf8',
    });
    assert.equal(help.status, 0, help.stderr);
    // Only the usage: a build would print its own lines before it.
    assert.equal(help.stdout, `${USAGE}\n`);
    assert.match(help.stdout, /--skip-build/);
  });

  it('reads numbers and parts', () => {
    const options = parseBenchOptions([
      '--duration',
      '12',
      '--scale',
      '25',
      '--only',
      'growth,reads',
    ]);
    assert.equal(options.duration, 12);
    assert.equal(options.scale, 25);
    assert.equal(runsPart(options, 'growth'), true);
    assert.equal(runsPart(options, 'reads'), true);
    assert.equal(runsPart(options, 'scale-out'), false);
  });

  it('rejects bad values', () => {
    const cases = [
      [['--duration', '0'], /--duration must be a positive integer, got "0"/],
      [['--scale', '1.5'], /--scale must be a positive integer/],
      [['--connections', 'many'], /--connections must be a positive integer/],
      [['--only', 'reads,writes'], /--only takes parts of .*, got "writes"/],
      [['--port', '65534'], /--port must be at most 65532/],
      [['--places', '100', '--attempts', '99'], /--attempts \(99\) must be at least --places/],
      [['--unknown'], /Unknown option '--unknown'/],
      [['--duration', '-1'], /--duration must be a positive integer, got "-1"/],
      [['--duration=-1'], /--duration must be a positive integer, got "-1"/],
      [['--duration', '601'], /--duration must be at most 600, got "601"/],
      [['--crowd-seconds', '100000'], /--crowd-seconds must be at most 600/],
      [['--scale', '1e2'], /--scale must be a positive integer, got "1e2"/],
    ];
    for (const [args, message] of cases) {
      assert.throws(() => parseBenchOptions(args), OptionError, args.join(' '));
      assert.throws(() => parseBenchOptions(args), message, args.join(' '));
    }
  });

  it('reads a data set URL', () => {
    const url = 'postgres://postgres@127.0.0.1:5432/cityleague_benchdata_city';
    const options = parseBenchOptions(['--data-url', url, '--only', 'baseline,reads']);
    assert.equal(options.dataUrl, url);
    assert.equal(parseBenchOptions([]).dataUrl, undefined);
  });

  it('rejects a bad data set URL and parts it cannot run', () => {
    const url = 'postgres://postgres@127.0.0.1:5432/city';
    const cases = [
      [['--data-url', 'city'], /--data-url must be a postgres:\/\/ URL, got "city"/],
      [['--data-url', 'http://127.0.0.1/city'], /--data-url must be a postgres:\/\/ URL with/],
      [['--data-url', 'postgres://127.0.0.1:5432'], /--data-url must be a postgres:\/\/ URL with/],
      [['--data-url', url, '--only', 'growth'], /--only growth needs the generated/],
      [['--data-url', url, '--only', 'reads,scale-out'], /--only scale-out needs the generated/],
      [['--data-url', url, '--fresh'], /--fresh fills the generated data sets/],
    ];
    for (const [args, message] of cases) {
      assert.throws(() => parseBenchOptions(args), OptionError, args.join(' '));
      assert.throws(() => parseBenchOptions(args), message, args.join(' '));
    }
  });

  it('scales every size but the seasons', () => {
    assert.deepEqual(scaledSizes(10), {
      citizens: 100_000,
      events: 20_000,
      registrations: 400_000,
      seasons: 3,
    });
  });
});

describe('evaluateTargets', () => {
  const clean = { overbooked: 0, duplicates: 0, counterMismatches: 0 };

  it('passes a flash crowd at the limits', () => {
    const rows = evaluateTargets({
      healthzRps: 1000,
      flashCrowd: {
        registrationsPerSecond: 750,
        p99Ms: 150,
        serverErrors: 0,
        verification: clean,
      },
    });
    assert.deepEqual(
      rows.map((row) => row.pass),
      [true, true, true, true],
    );
  });

  it('fails a slow flash crowd that overbooked', () => {
    const rows = evaluateTargets({
      healthzRps: 1000,
      flashCrowd: {
        registrationsPerSecond: 749,
        p99Ms: 151,
        serverErrors: 2,
        verification: { overbooked: 1, duplicates: 0, counterMismatches: 0 },
      },
    });
    assert.deepEqual(
      rows.map((row) => row.pass),
      [false, false, false, false],
    );
    assert.equal(rows[1].value, '1 events overbooked');
  });

  it('compares p99 growth from 1x to 10x', () => {
    const rows = evaluateTargets({
      growth: [
        { scenario: 'search', p99At1x: 10, p99At10x: 30 },
        { scenario: 'listing', p99At1x: 10, p99At10x: 31 },
      ],
    });
    assert.equal(rows[0].pass, true);
    assert.equal(rows[1].pass, false);
    assert.equal(rows[1].value, 3.1);
  });

  it('fails a scenario without completed requests', () => {
    const rows = evaluateTargets({
      reads: [{ scenario: 'search', p99Ms: null }],
      growth: [{ scenario: 'search', p99At1x: 10, p99At10x: null }],
    });
    assert.equal(rows[0].pass, false);
    assert.equal(rows[1].pass, false);
  });

  it('checks reads and dashboards against their limits', () => {
    const rows = evaluateTargets({
      reads: [{ scenario: 'listing', p99Ms: 51 }],
      dashboards: [{ scenario: 'dashboard city', p99Ms: 200 }],
    });
    assert.equal(rows[0].pass, false);
    assert.equal(rows[1].pass, true);
  });
});

describe('verificationProblems', () => {
  it('lists each problem', () => {
    assert.deepEqual(verificationProblems(undefined), ['not verified']);
    assert.deepEqual(verificationProblems({ overbooked: 0, duplicates: 3, counterMismatches: 2 }), [
      '3 duplicate entries',
      '2 counters differ from the entries',
    ]);
  });
});

describe('listing and search scenarios', () => {
  it('include full pinyin of a sport and a district', () => {
    const paths = new Map(LISTING_AND_SEARCH_SCENARIOS);
    assert.equal(paths.get('search pinyin lanqiu'), '/api/events?q=lanqiu');
    assert.equal(paths.get('search pinyin xuhui'), '/api/events?q=xuhui');
    assert.equal(paths.get('search pinyin lq'), '/api/events?q=lq');
  });

  it('include a rotating search of distinct queries', () => {
    const rotating = LISTING_AND_SEARCH_SCENARIOS.find(([name]) => name.includes('rotating'));
    assert.ok(rotating, 'no rotating search scenario');
    assert.equal(rotating[0], 'search rotating over 4320 queries');
    assert.equal(rotating[1], ROTATING_SEARCH_PATHS);
    assert.equal(ROTATING_SEARCH_PATHS.length, 4320);
    assert.equal(new Set(ROTATING_SEARCH_PATHS).size, ROTATING_SEARCH_PATHS.length);
    // Neighbouring requests differ in the search word, so concurrent clients do not share one.
    assert.notEqual(ROTATING_SEARCH_PATHS[0], ROTATING_SEARCH_PATHS[1]);
    for (const path of ROTATING_SEARCH_PATHS) {
      const query = new URL(path, 'http://127.0.0.1').searchParams;
      assert.ok(query.get('q'), path);
      const limit = Number(query.get('limit'));
      assert.ok(limit >= 1, path);
      assert.ok(limit <= 100, path);
    }
  });

  it('have unique names that the read target selects', () => {
    const names = LISTING_AND_SEARCH_SCENARIOS.map(([name]) => name);
    assert.equal(new Set(names).size, names.length);
    for (const name of names) assert.match(name, /^(listing|search)/);
  });

  it('are each judged against the listing limit', () => {
    const reads = LISTING_AND_SEARCH_SCENARIOS.map(([name]) => ({
      scenario: `${name} (10x)`,
      p99Ms: LIMITS.listingP99Ms + 1,
    }));
    const rows = evaluateTargets({ reads });
    assert.deepEqual(
      rows.map((row) => row.target),
      reads.map((read) => `${read.scenario} p99 ms`),
    );
    for (const row of rows) {
      assert.equal(row.limit, `<= ${LIMITS.listingP99Ms}`);
      assert.equal(row.pass, false);
    }
  });
});

describe('matchesDataSet', () => {
  const sizes = scaledSizes(1);

  it('reuses a data set of this version and sizes', () => {
    assert.equal(matchesDataSet({ version: DATA_SET_VERSION, sizes }, sizes), true);
  });

  it('fills again without the search columns', () => {
    // Data sets written before the version field lack the events' pinyin columns.
    assert.equal(matchesDataSet({ sizes }, sizes), false);
    assert.equal(matchesDataSet({ version: DATA_SET_VERSION - 1, sizes }, sizes), false);
  });

  it('fills again for other sizes', () => {
    const meta = { version: DATA_SET_VERSION, sizes: scaledSizes(2) };
    assert.equal(matchesDataSet(meta, sizes), false);
  });
});

describe('dataSetAction', () => {
  const sizes = { citizens: 10, events: 2, registrations: 40, seasons: 3 };
  const meta = { version: DATA_SET_VERSION, sizes, dataKey: 'k', complete: true };
  const base = { name: 'cityleague_benchdata_1x', fresh: false, sizes, exists: true, filled: true };

  it('reuses a complete data set that this checkout filled', () => {
    assert.equal(dataSetAction({ ...base, meta }), 'reuse');
    // Files written before the completion flag existed count as complete.
    assert.equal(dataSetAction({ ...base, meta: { ...meta, complete: undefined } }), 'reuse');
  });

  it('fills a missing database or on --fresh', () => {
    assert.equal(dataSetAction({ ...base, exists: false, filled: false, meta: undefined }), 'fill');
    assert.equal(dataSetAction({ ...base, fresh: true, meta: undefined }), 'fill');
  });

  it('fills again after a stopped fill, other sizes or no events', () => {
    assert.equal(dataSetAction({ ...base, meta: { ...meta, complete: false } }), 'fill');
    assert.equal(
      dataSetAction({ ...base, meta: { ...meta, sizes: { ...sizes, events: 3 } } }),
      'fill',
    );
    assert.equal(dataSetAction({ ...base, filled: false, meta }), 'fill');
  });

  it('leaves alone a database that another checkout filled', () => {
    assert.throws(
      () => dataSetAction({ ...base, meta: undefined }),
      (error) =>
        error instanceof DataSetError &&
        error.message.includes('cityleague_benchdata_1x exists') &&
        error.message.includes('--fresh'),
    );
  });
});
