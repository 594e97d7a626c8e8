import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ConfigError, loadConfig } from './config.js';

// loadConfig reads no database, so these tests need no test context.
const KEY = randomBytes(32);
const KEY_BASE64 = KEY.toString('base64');
/** The SMS settings that production needs, since it rejects the development provider. */
const PRODUCTION_SMS = {
  SMS_PROVIDER: 'http',
  SMS_HTTP_URL: 'https://sms.example.test/send',
  SMS_HTTP_TOKEN: 'gateway-token',
};

let dataDir: string;

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'cityleague-config-'));
});

afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

/** Runs loadConfig and returns the problems of the ConfigError it must throw. */
function problemsOf(environment: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(environment);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('loadConfig accepted an invalid environment');
}

describe('loadConfig', () => {
  it('lists every invalid variable at once', () => {
    const environment = {
      PORT: 'abc',
      LOG_LEVEL: 'loud',
      DATA_KEY: Buffer.from('too short').toString('base64'),
      DATABASE_URL: 'mysql://league@127.0.0.1:3306/league',
    };
    expect(problemsOf(environment)).toEqual([
      'PORT must be an integer from 0 to 65535, got "abc"',
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
      'DATABASE_URL must start with postgres:// or postgresql://',
      'DATA_KEY must be 32 bytes in base64 (openssl rand -base64 32), got 9 bytes',
    ]);
  });

  it('names every problem in the message', () => {
    let message = '';
    try {
      loadConfig({ PORT: 'abc', LOG_LEVEL: 'loud', DATA_KEY: KEY_BASE64 });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe(
      'Invalid configuration:\n' +
        '  - PORT must be an integer from 0 to 65535, got "abc"\n' +
        '  - LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
    );
  });

  it('rejects production without DATA_KEY', () => {
    expect(problemsOf({ NODE_ENV: 'production', DATA_DIR: dataDir, ...PRODUCTION_SMS })).toEqual([
      'DATA_KEY or DATA_KEYS is required in production',
    ]);
    expect(existsSync(join(dataDir, 'dev-data-key'))).toBe(false);
  });

  it.each([
    ['NODE_ENV', 'staging', 'NODE_ENV must be development, production or test, got "staging"'],
    ['PORT', '70000', 'PORT must be an integer from 0 to 65535, got "70000"'],
    ['PORT', '80.5', 'PORT must be an integer from 0 to 65535, got "80.5"'],
    ['SESSION_HOURS', '0', 'SESSION_HOURS must be an integer from 1 to 72, got "0"'],
    ['SESSION_HOURS', '73', 'SESSION_HOURS must be an integer from 1 to 72, got "73"'],
    ['SEED_DEMO', 'maybe', 'SEED_DEMO must be true, false or accounts, got "maybe"'],
    ['TRUST_PROXY', '2', 'TRUST_PROXY must be true or false, got "2"'],
    ['SMS_PROVIDER', 'aliyun', 'SMS_PROVIDER must be development or http, got "aliyun"'],
    ['OUTBOX_POLL_SECONDS', '0', 'OUTBOX_POLL_SECONDS must be an integer from 1 to 300, got "0"'],
    [
      'DATABASE_URL',
      'postgres:/missing-slash',
      'DATABASE_URL must start with postgres:// or postgresql://',
    ],
    ['REDIS_URL', 'http://127.0.0.1:6379', 'REDIS_URL must start with redis:// or rediss://'],
    [
      'REDIS_KEY_PREFIX',
      'league prefix',
      'REDIS_KEY_PREFIX may hold only letters, digits, _ : . - (at most 64), got "league prefix"',
    ],
  ])('rejects %s=%s', (name, value, problem) => {
    expect(problemsOf({ DATA_KEY: KEY_BASE64, [name]: value })).toEqual([problem]);
  });

  it('reads a valid environment', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '8080',
      DATABASE_URL: 'postgresql://league@127.0.0.1:5432/league',
      REDIS_URL: 'redis://127.0.0.1:6379/2',
      REDIS_KEY_PREFIX: 'league-a:',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      DATA_KEY: KEY_BASE64,
      SESSION_HOURS: '12',
      TRUST_PROXY: 'yes',
      SEED_DEMO: 'accounts',
      WEB_DIR: 'web-build',
      SMS_PROVIDER: 'http',
      SMS_HTTP_URL: 'https://sms.example.test/send',
      SMS_HTTP_TOKEN: 'gateway-token',
      OUTBOX_POLL_SECONDS: '10',
      REPORT_POLL_SECONDS: '5',
      ALERT_EVALUATION_SECONDS: '600',
      READ_CACHE_MILLISECONDS: '250',
    });
    expect(config).toEqual({
      env: 'production',
      host: '127.0.0.1',
      port: 8080,
      databaseUrl: 'postgresql://league@127.0.0.1:5432/league',
      redisUrl: 'redis://127.0.0.1:6379/2',
      redisKeyPrefix: 'league-a:',
      dataDir,
      logLevel: 'warn',
      dataKeys: { activeKeyId: 'k0', hashKeyId: 'k0', keys: new Map([['k0', KEY]]) },
      sessionHours: 12,
      sessionIdleMinutes: 15,
      trustProxy: true,
      seedDemo: 'accounts',
      webDir: resolve('web-build'),
      smsProvider: 'http',
      smsHttpUrl: 'https://sms.example.test/send',
      smsHttpToken: 'gateway-token',
      outboxPollSeconds: 10,
      reportPollSeconds: 5,
      alertEvaluationSeconds: 600,
      portal: undefined,
      developmentPortal: false,
      documentsDir: join(dataDir, 'documents'),
      documentMaxBytes: 20 * 1024 * 1024,
      readCacheMilliseconds: 250,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('applies the defaults', () => {
    const config = loadConfig({ DATA_KEY: KEY_BASE64 });
    expect(config).toMatchObject({
      env: 'development',
      host: '127.0.0.1',
      port: 3000,
      databaseUrl: undefined,
      redisUrl: undefined,
      redisKeyPrefix: 'cityleague:',
      logLevel: 'info',
      sessionHours: 12,
      sessionIdleMinutes: 15,
      trustProxy: false,
      seedDemo: 'league',
      webDir: undefined,
      smsProvider: 'development',
      smsHttpUrl: undefined,
      smsHttpToken: undefined,
      outboxPollSeconds: 2,
      reportPollSeconds: 2,
      alertEvaluationSeconds: 300,
    });
  });

  it('keeps documents under DATA_DIR unless DOCUMENTS_DIR is set', () => {
    const defaults = loadConfig({ DATA_KEY: KEY_BASE64, DATA_DIR: dataDir });
    expect(defaults.documentsDir).toBe(join(dataDir, 'documents'));
    expect(defaults.documentMaxBytes).toBe(20 * 1024 * 1024);

    const set = loadConfig({
      DATA_KEY: KEY_BASE64,
      DOCUMENTS_DIR: 'uploads',
      DOCUMENT_MAX_BYTES: '1048576',
    });
    expect(set.documentsDir).toBe(resolve('uploads'));
    expect(set.documentMaxBytes).toBe(1048576);
  });

  it('rejects a document size limit outside 1 byte to 100 MiB', () => {
    expect(problemsOf({ DATA_KEY: KEY_BASE64, DOCUMENT_MAX_BYTES: '0' })).toEqual([
      'DOCUMENT_MAX_BYTES must be an integer from 1 to 104857600, got "0"',
    ]);
    expect(problemsOf({ DATA_KEY: KEY_BASE64, DOCUMENT_MAX_BYTES: '20MB' })).toEqual([
      'DOCUMENT_MAX_BYTES must be an integer from 1 to 104857600, got "20MB"',
    ]);
  });

  it('caches reads 1 s outside tests by default', () => {
    expect(loadConfig({ DATA_KEY: KEY_BASE64 }).readCacheMilliseconds).toBe(1000);
    const production = { NODE_ENV: 'production', DATA_KEY: KEY_BASE64, ...PRODUCTION_SMS };
    expect(loadConfig(production).readCacheMilliseconds).toBe(1000);
    expect(loadConfig({ NODE_ENV: 'test', DATA_KEY: KEY_BASE64 }).readCacheMilliseconds).toBe(0);
    const off = { DATA_KEY: KEY_BASE64, READ_CACHE_MILLISECONDS: '0' };
    expect(loadConfig(off).readCacheMilliseconds).toBe(0);
  });

  it.each(['-1', '60001', '1.5', '1s', '1e3', '0x10', ' 1000'])(
    'rejects READ_CACHE_MILLISECONDS=%s',
    (value) => {
      expect(problemsOf({ DATA_KEY: KEY_BASE64, READ_CACHE_MILLISECONDS: value })).toEqual([
        `READ_CACHE_MILLISECONDS must be an integer from 0 to 60000, got "${value}"`,
      ]);
    },
  );

  it('requires a real SMS provider in production', () => {
    const production = { NODE_ENV: 'production', DATA_KEY: KEY_BASE64 };
    expect(problemsOf(production)).toEqual([
      'SMS_PROVIDER is required in production: set it to http with SMS_HTTP_URL',
    ]);
    expect(problemsOf({ ...production, SMS_PROVIDER: 'development' })).toEqual([
      'SMS_PROVIDER=development sends no SMS and is not allowed in production',
    ]);
    expect(problemsOf({ ...production, SMS_PROVIDER: 'http' })).toEqual([
      'SMS_HTTP_URL is required when SMS_PROVIDER is http',
      'SMS_HTTP_TOKEN is required when SMS_PROVIDER is http',
    ]);
    expect(
      problemsOf({
        ...production,
        SMS_PROVIDER: 'http',
        SMS_HTTP_URL: 'http://sms.example.test/send',
        SMS_HTTP_TOKEN: 'token',
      }),
    ).toEqual(['SMS_HTTP_URL must use https:// in production']);
    expect(loadConfig({ ...production, ...PRODUCTION_SMS }).smsProvider).toBe('http');
  });

  it('rejects an SMS gateway address that is not a URL', () => {
    expect(
      problemsOf({
        DATA_KEY: KEY_BASE64,
        SMS_PROVIDER: 'http',
        SMS_HTTP_URL: 'sms.example.test',
        SMS_HTTP_TOKEN: 'token',
      }),
    ).toEqual(['SMS_HTTP_URL must be an http:// or https:// URL']);
  });

  it('seeds no demo in production by default', () => {
    const config = loadConfig({ NODE_ENV: 'production', DATA_KEY: KEY_BASE64, ...PRODUCTION_SMS });
    expect(config.seedDemo).toBe('none');
    expect(config.host).toBe('0.0.0.0');
    expect(config.logLevel).toBe('info');
  });

  it.each([
    ['true', 'league'],
    ['1', 'league'],
    ['accounts', 'accounts'],
    ['false', 'none'],
    ['no', 'none'],
  ])('reads SEED_DEMO=%s as %s', (raw, seedDemo) => {
    expect(loadConfig({ SEED_DEMO: raw, DATA_KEY: KEY_BASE64 }).seedDemo).toBe(seedDemo);
  });

  it('silences logs in tests by default', () => {
    expect(loadConfig({ NODE_ENV: 'test', DATA_KEY: KEY_BASE64 }).logLevel).toBe('silent');
  });

  it('keeps one development key', () => {
    const first = loadConfig({ NODE_ENV: 'development', DATA_DIR: dataDir });
    const file = join(dataDir, 'dev-data-key');
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const key = first.dataKeys.keys.get('k0');
    expect(key).toHaveLength(32);
    expect(first.dataKeys.activeKeyId).toBe('k0');
    expect(readFileSync(file, 'utf8')).toBe(key?.toString('base64'));

    const second = loadConfig({ NODE_ENV: 'development', DATA_DIR: dataDir });
    expect(second.dataKeys.keys.get('k0')?.equals(key!)).toBe(true);
  });
});

describe('data key ring', () => {
  const K1 = randomBytes(32);
  const K2 = randomBytes(32);
  const K1_BASE64 = K1.toString('base64');
  const K2_BASE64 = K2.toString('base64');

  it('makes the first DATA_KEYS entry active', () => {
    const { dataKeys } = loadConfig({
      DATA_KEYS: `k2:${K2_BASE64}, k1:${K1_BASE64}`,
      DATA_HASH_KEY_ID: 'k1',
    });
    expect(dataKeys.activeKeyId).toBe('k2');
    expect(dataKeys.hashKeyId).toBe('k1');
    expect([...dataKeys.keys.keys()]).toEqual(['k2', 'k1']);
    expect(dataKeys.keys.get('k1')?.equals(K1)).toBe(true);
    expect(dataKeys.keys.get('k2')?.equals(K2)).toBe(true);
  });

  it('takes the active key from DATA_KEY_ID', () => {
    const { dataKeys } = loadConfig({
      DATA_KEYS: `k2:${K2_BASE64},k1:${K1_BASE64}`,
      DATA_KEY_ID: 'k1',
      DATA_HASH_KEY_ID: 'k1',
    });
    expect(dataKeys.activeKeyId).toBe('k1');
  });

  it('uses a single DATA_KEYS entry for hashes too', () => {
    const { dataKeys } = loadConfig({ DATA_KEYS: `main-2026:${K1_BASE64}` });
    expect(dataKeys).toEqual({
      activeKeyId: 'main-2026',
      hashKeyId: 'main-2026',
      keys: new Map([['main-2026', K1]]),
    });
  });

  it('accepts DATA_KEYS in production', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      DATA_KEYS: `k1:${K1_BASE64}`,
      ...PRODUCTION_SMS,
    });
    expect(config.dataKeys.activeKeyId).toBe('k1');
  });

  it.each([
    [
      'an unknown active id',
      { DATA_KEYS: `k2:${K2_BASE64},k1:${K1_BASE64}`, DATA_KEY_ID: 'k3', DATA_HASH_KEY_ID: 'k1' },
      'DATA_KEY_ID "k3" is not in DATA_KEYS (k2, k1)',
    ],
    [
      'an unknown hash key id',
      { DATA_KEYS: `k2:${K2_BASE64},k1:${K1_BASE64}`, DATA_HASH_KEY_ID: 'k0' },
      'DATA_HASH_KEY_ID "k0" is not in DATA_KEYS (k2, k1)',
    ],
    [
      'several keys without a hash key id',
      { DATA_KEYS: `k2:${K2_BASE64},k1:${K1_BASE64}` },
      'DATA_HASH_KEY_ID is required when DATA_KEYS has several keys: set it to the id of the ' +
        'key that the stored lookup hashes were made with (the first key in use)',
    ],
    [
      'a duplicate id',
      { DATA_KEYS: `k1:${K2_BASE64},k1:${K1_BASE64}` },
      'DATA_KEYS lists the key id "k1" twice',
    ],
    [
      'a short key',
      { DATA_KEYS: `k1:${randomBytes(16).toString('base64')}` },
      'DATA_KEYS key "k1" must be 32 bytes in base64 (openssl rand -base64 32), got 16 bytes',
    ],
    [
      'a long key',
      { DATA_KEYS: `k1:${randomBytes(48).toString('base64')}` },
      'DATA_KEYS key "k1" must be 32 bytes in base64 (openssl rand -base64 32), got 48 bytes',
    ],
    [
      'a key that is not base64',
      { DATA_KEYS: `k1:${K1_BASE64.slice(0, 40)}!!!=` },
      'DATA_KEYS key "k1" must be 32 bytes in base64 (openssl rand -base64 32), got 30 bytes',
    ],
    [
      'an entry without an id',
      { DATA_KEYS: K1_BASE64 },
      'DATA_KEYS entries must be id:base64 with an id of 1 to 32 letters, digits, _ or -',
    ],
    [
      'an id with a colon-free but invalid character',
      { DATA_KEYS: `k/1:${K1_BASE64}` },
      'DATA_KEYS entries must be id:base64 with an id of 1 to 32 letters, digits, _ or -',
    ],
    [
      'both DATA_KEY and DATA_KEYS',
      { DATA_KEY: K1_BASE64, DATA_KEYS: `k1:${K1_BASE64}` },
      'Set either DATA_KEY or DATA_KEYS, not both',
    ],
    [
      'DATA_KEY_ID beside DATA_KEY',
      { DATA_KEY: K1_BASE64, DATA_KEY_ID: 'k0' },
      'DATA_KEY_ID and DATA_HASH_KEY_ID need DATA_KEYS',
    ],
  ])('rejects %s', (_case, environment, problem) => {
    expect(problemsOf({ ...environment, DATA_DIR: dataDir })).toEqual([problem]);
  });

  it('reads DATA_KEY as the one-key ring k0', () => {
    const { dataKeys } = loadConfig({ DATA_KEY: K1_BASE64 });
    expect(dataKeys).toEqual({ activeKeyId: 'k0', hashKeyId: 'k0', keys: new Map([['k0', K1]]) });
  });
});
