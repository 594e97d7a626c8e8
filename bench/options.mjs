// Command-line options of bench/run.mjs and the data sizes they select.
import { parseArgs } from 'node:util';

/**
 * Data sizes at scale 1. The 10x data set multiplies each by 10, and --scale multiplies both.
 * With `--scale 25` the 10x set has 500,000 events, the city size of bench/data.mjs's defaults.
 */
export const BASE_SIZES = Object.freeze({
  citizens: 10_000,
  events: 2_000,
  registrations: 40_000,
  seasons: 3,
});

const DEFAULTS = {
  duration: '5',
  connections: '100',
  crowd: '1000',
  places: '5000',
  attempts: '20000',
  crowdSeconds: '60',
  scale: '1',
  port: '3900',
  only: 'all',
};

const PARTS = ['all', 'baseline', 'reads', 'registrations', 'growth', 'scale-out'];

export const USAGE = `Usage: npm run bench -- [options]
  --duration SECONDS     length of each timed scenario (default ${DEFAULTS.duration}, at most 600)
  --connections N        concurrent clients of the steady scenarios (default ${DEFAULTS.connections})
  --crowd N              concurrent clients of the flash crowd (default ${DEFAULTS.crowd})
  --places N             places of the flash crowd's event (default ${DEFAULTS.places})
  --attempts N           registration attempts of the flash crowd (default ${DEFAULTS.attempts})
  --crowd-seconds N      time after which the flash crowd stops, sent or not (default ${DEFAULTS.crowdSeconds}, at most 600)
  --scale N              multiplies the data sizes of the 1x and 10x data sets (default ${DEFAULTS.scale})
  --port N               first of the four ports the run listens on (default ${DEFAULTS.port})
  --only PARTS           comma-separated parts: ${PARTS.join(', ')} (default all)
  --fresh                regenerate the data sets even when they match the sizes
  --skip-build           measure the build already in server/dist and web/dist
  --data-url URL         measure the data set already filled in this PostgreSQL database,
                         labelled "city", instead of the 1x and 10x sets; takes the parts
                         baseline, reads and registrations (all selects these three). The
                         server gets DATA_KEY, else the key in bench/results/data-key
DATABASE_URL names any database of the PostgreSQL server to use (default
postgres://postgres@127.0.0.1:5432/postgres); the run creates its own databases there.`;

/** Raised for an invalid command line; its message names the option and the accepted values. */
export class OptionError extends Error {}

/** Options that take a positive integer. */
const INTEGER_OPTIONS = [
  'duration',
  'connections',
  'crowd',
  'places',
  'attempts',
  'crowd-seconds',
  'scale',
  'port',
];

/** Largest --duration and --crowd-seconds: longer scenarios would make a run last hours. */
const MAX_SECONDS = 600;

function positiveInteger(raw, name, max = Number.MAX_SAFE_INTEGER) {
  const value = /^[0-9]+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(value) || value < 1) {
    throw new OptionError(`--${name} must be a positive integer, got "${raw}"`);
  }
  if (value > max) throw new OptionError(`--${name} must be at most ${max}, got "${raw}"`);
  return value;
}

/**
 * Rejects a negative number after an integer option, such as `--duration -1`, with the same
 * message as other bad values. parseArgs would report the value as an ambiguous option.
 */
function rejectNegativeValues(args) {
  args.forEach((arg, index) => {
    const name = arg.replace(/^--/, '');
    const next = args[index + 1];
    if (arg.startsWith('--') && INTEGER_OPTIONS.includes(name) && /^-[0-9]/.test(next ?? '')) {
      throw new OptionError(`--${name} must be a positive integer, got "${next}"`);
    }
  });
}

/** Returns the URL of --data-url, or undefined without it. Throws on a URL not of PostgreSQL. */
function dataUrl(raw) {
  if (raw === undefined) return undefined;
  let url;
  try {
    url = new URL(raw);
  } catch {
    throw new OptionError(`--data-url must be a postgres:// URL, got "${raw}"`);
  }
  if (!['postgres:', 'postgresql:'].includes(url.protocol) || url.pathname.length < 2) {
    throw new OptionError(`--data-url must be a postgres:// URL with a database, got "${raw}"`);
  }
  return raw;
}

/** Multiplies every size but the seasons by `factor`. */
export function scaledSizes(factor) {
  return {
    citizens: BASE_SIZES.citizens * factor,
    events: BASE_SIZES.events * factor,
    registrations: BASE_SIZES.registrations * factor,
    seasons: BASE_SIZES.seasons,
  };
}

/** Parses and checks the command line; throws OptionError on a bad or unknown option. */
export function parseBenchOptions(args) {
  rejectNegativeValues(args);
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        duration: { type: 'string', default: DEFAULTS.duration },
        connections: { type: 'string', default: DEFAULTS.connections },
        crowd: { type: 'string', default: DEFAULTS.crowd },
        places: { type: 'string', default: DEFAULTS.places },
        attempts: { type: 'string', default: DEFAULTS.attempts },
        'crowd-seconds': { type: 'string', default: DEFAULTS.crowdSeconds },
        scale: { type: 'string', default: DEFAULTS.scale },
        port: { type: 'string', default: DEFAULTS.port },
        only: { type: 'string', default: DEFAULTS.only },
        fresh: { type: 'boolean', default: false },
        'skip-build': { type: 'boolean', default: false },
        'data-url': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    throw new OptionError(error.message);
  }
  const values = parsed.values;
  const only = values.only.split(',');
  for (const part of only) {
    if (!PARTS.includes(part)) {
      throw new OptionError(`--only takes parts of ${PARTS.join(', ')}, got "${part}"`);
    }
  }
  const port = positiveInteger(values.port, 'port');
  if (port + 3 > 65535) throw new OptionError(`--port must be at most 65532, got "${port}"`);
  const options = {
    duration: positiveInteger(values.duration, 'duration', MAX_SECONDS),
    connections: positiveInteger(values.connections, 'connections'),
    crowd: positiveInteger(values.crowd, 'crowd'),
    places: positiveInteger(values.places, 'places'),
    attempts: positiveInteger(values.attempts, 'attempts'),
    crowdSeconds: positiveInteger(values['crowd-seconds'], 'crowd-seconds', MAX_SECONDS),
    scale: positiveInteger(values.scale, 'scale'),
    port,
    only,
    fresh: values.fresh,
    skipBuild: values['skip-build'],
    dataUrl: dataUrl(values['data-url']),
    help: values.help,
  };
  if (options.dataUrl) {
    for (const part of ['growth', 'scale-out']) {
      if (only.includes(part)) {
        throw new OptionError(
          `--only ${part} needs the generated 1x and 10x data sets, so it cannot run with --data-url`,
        );
      }
    }
    if (options.fresh) {
      throw new OptionError(
        '--fresh fills the generated data sets, so it cannot run with --data-url',
      );
    }
  }
  if (options.attempts < options.places) {
    throw new OptionError(
      `--attempts (${options.attempts}) must be at least --places (${options.places}), ` +
        'so the flash crowd can fill its event',
    );
  }
  return options;
}

/** Returns whether --only selects the part of the run named `part`. */
export function runsPart(options, part) {
  return options.only.includes('all') || options.only.includes(part);
}
