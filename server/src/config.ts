import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import {
  parseDevelopmentPortal,
  parsePortalConfig,
  type PortalConfig,
} from './portal/portal.config.js';
import { KEY_ID_PATTERN, singleKeyRing, type DataKeyRing } from './shared/personal-data.js';

/** Settings read from the environment once at start-up, then frozen. */
export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly host: string;
  readonly port: number;
  readonly databaseUrl: string | undefined;
  /** Redis for state shared between API instances (rate limits); undefined keeps it in memory. */
  readonly redisUrl: string | undefined;
  /** Prefix of every Redis key this deployment writes, so deployments can share one server. */
  readonly redisKeyPrefix: string;
  readonly dataDir: string;
  readonly logLevel: string;
  /** 32-byte master keys for personal data encryption and keyed hashes, by key id. */
  readonly dataKeys: DataKeyRing;
  /** Absolute lifetime of a console session in hours, counted from sign-in. */
  readonly sessionHours: number;
  /** Minutes without a request after which a console session is rejected. */
  readonly sessionIdleMinutes: number;
  /** Whether to trust X-Forwarded-For from a reverse proxy in front of the server. */
  readonly trustProxy: boolean;
  /** Demo data to seed into an empty database: the demo league, its accounts alone, or nothing. */
  readonly seedDemo: 'league' | 'accounts' | 'none';
  /** Folder of the built web apps, or undefined to serve the API alone. */
  readonly webDir: string | undefined;
  /** Destination of outbox SMS: a table read by GET /api/dev/sms, or an HTTP gateway. */
  readonly smsProvider: 'development' | 'http';
  /** Gateway URL that receives each SMS as a JSON POST when smsProvider is http. */
  readonly smsHttpUrl: string | undefined;
  /** Bearer token sent to the SMS gateway. */
  readonly smsHttpToken: string | undefined;
  /** Seconds between two polls of the notification outbox. */
  readonly outboxPollSeconds: number;
  /** Seconds between two polls for queued report jobs. */
  readonly reportPollSeconds: number;
  /** Seconds between two evaluations of the anomaly alert rules. */
  readonly alertEvaluationSeconds: number;
  /** Government portal log-in for self-registration; undefined turns it off. */
  readonly portal: PortalConfig | undefined;
  /** Whether to start a local stand-in for the portal, in development without OIDC_*. */
  readonly developmentPortal: boolean;
  /** Folder of uploaded event documents and chat-group QR images. */
  readonly documentsDir: string;
  /** Maximum size of one uploaded event document, in bytes. */
  readonly documentMaxBytes: number;
  /**
   * Milliseconds that the public event list and detail and the dashboards reuse a computed
   * result in this process; 0 computes every request.
   */
  readonly readCacheMilliseconds: number;
}

/** Raised when one or more environment variables are invalid; lists every one of them. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const DEV_KEY_FILE = 'dev-data-key';
const MIB = 1024 * 1024;
const DEFAULT_DOCUMENT_MAX_BYTES = 20 * MIB;
const MAX_DOCUMENT_MAX_BYTES = 100 * MIB;
// Tests write and then read at once, so they need every read computed.
const DEFAULT_READ_CACHE_MILLISECONDS = { development: 1000, production: 1000, test: 0 };
const MAX_READ_CACHE_MILLISECONDS = 60_000;

function parseInteger(
  raw: string | undefined,
  name: string,
  fallback: number,
  range: [number, number],
  problems: string[],
): number {
  if (raw === undefined || raw === '') return fallback;
  // Decimal digits only: Number() would also take " 1000", 1e3 and 0x10.
  const value = /^-?[0-9]+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(value) || value < range[0] || value > range[1]) {
    problems.push(`${name} must be an integer from ${range[0]} to ${range[1]}, got "${raw}"`);
    return fallback;
  }
  return value;
}

function parseBoolean(
  raw: string | undefined,
  name: string,
  fallback: boolean,
  problems: string[],
): boolean {
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no'].includes(raw.toLowerCase())) return false;
  problems.push(`${name} must be true or false, got "${raw}"`);
  return fallback;
}

function parseSeedDemo(
  raw: string | undefined,
  env: Config['env'],
  problems: string[],
): Config['seedDemo'] {
  if (raw === undefined || raw === '') return env === 'production' ? 'none' : 'league';
  if (raw === 'accounts') return 'accounts';
  if (['1', 'true', 'yes'].includes(raw.toLowerCase())) return 'league';
  if (['0', 'false', 'no'].includes(raw.toLowerCase())) return 'none';
  problems.push(`SEED_DEMO must be true, false or accounts, got "${raw}"`);
  return 'none';
}

function decodeKey(raw: string, name: string, problems: string[]): Buffer | undefined {
  const key = Buffer.from(raw, 'base64');
  if (key.length !== 32 || key.toString('base64') !== raw) {
    problems.push(
      `${name} must be 32 bytes in base64 (openssl rand -base64 32), got ${key.length} bytes`,
    );
    return undefined;
  }
  return key;
}

/**
 * Parses DATA_KEYS (`id:base64,id:base64`, active key first unless DATA_KEY_ID names another)
 * with DATA_HASH_KEY_ID, or the single DATA_KEY as the ring `k0`. Returns undefined when
 * neither is set or a problem was found.
 */
function parseDataKeys(
  environment: NodeJS.ProcessEnv,
  problems: string[],
): DataKeyRing | undefined {
  const { DATA_KEY, DATA_KEYS, DATA_KEY_ID, DATA_HASH_KEY_ID } = environment;
  if (DATA_KEY && DATA_KEYS) {
    problems.push('Set either DATA_KEY or DATA_KEYS, not both');
    return undefined;
  }
  if (!DATA_KEYS) {
    if (DATA_KEY_ID || DATA_HASH_KEY_ID) {
      problems.push('DATA_KEY_ID and DATA_HASH_KEY_ID need DATA_KEYS');
    }
    if (!DATA_KEY) return undefined;
    const key = decodeKey(DATA_KEY, 'DATA_KEY', problems);
    return key && singleKeyRing(key);
  }

  const keys = new Map<string, Buffer>();
  const before = problems.length;
  for (const entry of DATA_KEYS.split(',').map((item) => item.trim())) {
    const separator = entry.indexOf(':');
    const id = separator > 0 ? entry.slice(0, separator) : '';
    if (!KEY_ID_PATTERN.test(id)) {
      problems.push(
        'DATA_KEYS entries must be id:base64 with an id of 1 to 32 letters, digits, _ or -',
      );
      continue;
    }
    if (keys.has(id)) {
      problems.push(`DATA_KEYS lists the key id "${id}" twice`);
      continue;
    }
    const key = decodeKey(entry.slice(separator + 1), `DATA_KEYS key "${id}"`, problems);
    if (key) keys.set(id, key);
  }
  if (problems.length > before) return undefined;

  const ids = [...keys.keys()];
  const activeKeyId = DATA_KEY_ID || ids[0]!;
  if (!keys.has(activeKeyId)) {
    problems.push(`DATA_KEY_ID "${activeKeyId}" is not in DATA_KEYS (${ids.join(', ')})`);
  }
  // The hash key cannot be guessed from the order of DATA_KEYS: choosing the wrong one would
  // silently change every lookup hash, so a ring of two or more keys must name it.
  const hashKeyId = DATA_HASH_KEY_ID || (ids.length === 1 ? ids[0]! : undefined);
  if (hashKeyId === undefined) {
    problems.push(
      'DATA_HASH_KEY_ID is required when DATA_KEYS has several keys: set it to the id of ' +
        'the key that the stored lookup hashes were made with (the first key in use)',
    );
  } else if (!keys.has(hashKeyId)) {
    problems.push(`DATA_HASH_KEY_ID "${hashKeyId}" is not in DATA_KEYS (${ids.join(', ')})`);
  }
  if (problems.length > before || hashKeyId === undefined) return undefined;
  return { activeKeyId, hashKeyId, keys };
}

/**
 * Reads the development data key from the data folder, creating it on first use, so that
 * encrypted demo data stays readable across restarts. Production must set DATA_KEY or DATA_KEYS.
 */
function developmentKey(dataDir: string): Buffer {
  const file = join(dataDir, DEV_KEY_FILE);
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('base64'), { mode: 0o600 });
  return key;
}

function parseSms(environment: NodeJS.ProcessEnv, env: Config['env'], problems: string[]) {
  const raw = environment.SMS_PROVIDER || undefined;
  let provider: Config['smsProvider'] = 'development';
  if (raw === undefined) {
    if (env === 'production') {
      problems.push('SMS_PROVIDER is required in production: set it to http with SMS_HTTP_URL');
    }
  } else if (raw === 'http' || raw === 'development') {
    provider = raw;
  } else {
    problems.push(`SMS_PROVIDER must be development or http, got "${raw}"`);
  }
  if (provider === 'development' && raw !== undefined && env === 'production') {
    problems.push('SMS_PROVIDER=development sends no SMS and is not allowed in production');
  }

  const url = environment.SMS_HTTP_URL || undefined;
  const token = environment.SMS_HTTP_TOKEN || undefined;
  if (provider === 'http') {
    if (url === undefined) problems.push('SMS_HTTP_URL is required when SMS_PROVIDER is http');
    else if (!/^https?:\/\/[^/\s]+/.test(url)) {
      problems.push('SMS_HTTP_URL must be an http:// or https:// URL');
    } else if (env === 'production' && !url.startsWith('https://')) {
      problems.push('SMS_HTTP_URL must use https:// in production');
    }
    if (token === undefined) problems.push('SMS_HTTP_TOKEN is required when SMS_PROVIDER is http');
  }
  return { smsProvider: provider, smsHttpUrl: url, smsHttpToken: token };
}

/** Validates the environment and returns the frozen configuration, or throws ConfigError. */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];

  const rawEnv = environment.NODE_ENV ?? 'development';
  let env: Config['env'] = 'development';
  if (rawEnv === 'production' || rawEnv === 'test' || rawEnv === 'development') env = rawEnv;
  else problems.push(`NODE_ENV must be development, production or test, got "${rawEnv}"`);

  const port = parseInteger(environment.PORT, 'PORT', 3000, [0, 65535], problems);
  const sessionHours = parseInteger(
    environment.SESSION_HOURS,
    'SESSION_HOURS',
    12,
    [1, 72],
    problems,
  );
  const sessionIdleMinutes = parseInteger(
    environment.SESSION_IDLE_MINUTES,
    'SESSION_IDLE_MINUTES',
    15,
    [1, 1440],
    problems,
  );
  // Development listens on loopback only, because the demo accounts share a public password.
  const host = environment.HOST || (env === 'production' ? '0.0.0.0' : '127.0.0.1');

  const logLevel = environment.LOG_LEVEL || (env === 'test' ? 'silent' : 'info');
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }

  const databaseUrl = environment.DATABASE_URL || undefined;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must start with postgres:// or postgresql://');
  }

  const redisUrl = environment.REDIS_URL || undefined;
  if (redisUrl !== undefined && !/^rediss?:\/\/[^\s]+$/.test(redisUrl)) {
    problems.push('REDIS_URL must start with redis:// or rediss://');
  }
  const redisKeyPrefix = environment.REDIS_KEY_PREFIX || 'cityleague:';
  if (!/^[\w:.-]{1,64}$/.test(redisKeyPrefix)) {
    problems.push(
      `REDIS_KEY_PREFIX may hold only letters, digits, _ : . - (at most 64), got "${redisKeyPrefix}"`,
    );
  }

  const dataDir = resolve(environment.DATA_DIR || 'data');
  const dataKeys = parseDataKeys(environment, problems);
  if (!environment.DATA_KEY && !environment.DATA_KEYS && env === 'production') {
    problems.push('DATA_KEY or DATA_KEYS is required in production');
  }

  const seedDemo = parseSeedDemo(environment.SEED_DEMO, env, problems);
  const trustProxy = parseBoolean(environment.TRUST_PROXY, 'TRUST_PROXY', false, problems);
  const webDir = environment.WEB_DIR ? resolve(environment.WEB_DIR) : undefined;
  const sms = parseSms(environment, env, problems);
  const outboxPollSeconds = parseInteger(
    environment.OUTBOX_POLL_SECONDS,
    'OUTBOX_POLL_SECONDS',
    2,
    [1, 300],
    problems,
  );
  const reportPollSeconds = parseInteger(
    environment.REPORT_POLL_SECONDS,
    'REPORT_POLL_SECONDS',
    2,
    [1, 300],
    problems,
  );
  const alertEvaluationSeconds = parseInteger(
    environment.ALERT_EVALUATION_SECONDS,
    'ALERT_EVALUATION_SECONDS',
    300,
    [10, 86_400],
    problems,
  );
  const documentsDir = resolve(environment.DOCUMENTS_DIR || join(dataDir, 'documents'));
  const documentMaxBytes = parseInteger(
    environment.DOCUMENT_MAX_BYTES,
    'DOCUMENT_MAX_BYTES',
    DEFAULT_DOCUMENT_MAX_BYTES,
    [1, MAX_DOCUMENT_MAX_BYTES],
    problems,
  );
  const readCacheMilliseconds = parseInteger(
    environment.READ_CACHE_MILLISECONDS,
    'READ_CACHE_MILLISECONDS',
    DEFAULT_READ_CACHE_MILLISECONDS[env],
    [0, MAX_READ_CACHE_MILLISECONDS],
    problems,
  );
  const portal = parsePortalConfig(environment, env, problems);
  const developmentPortal = parseDevelopmentPortal(environment, env, portal, problems);

  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({
    env,
    host,
    port,
    databaseUrl,
    redisUrl,
    redisKeyPrefix,
    dataDir,
    logLevel,
    dataKeys: dataKeys ?? singleKeyRing(developmentKey(dataDir)),
    sessionHours,
    sessionIdleMinutes,
    trustProxy,
    seedDemo,
    webDir,
    ...sms,
    outboxPollSeconds,
    reportPollSeconds,
    alertEvaluationSeconds,
    portal,
    developmentPortal,
    documentsDir,
    documentMaxBytes,
    readCacheMilliseconds,
  });
}
