import { createCipheriv, createDecipheriv, createHmac, hkdfSync } from 'node:crypto';

import { pooledRandomBytes } from './ids.js';

/**
 * Master keys for personal data, by key id. New ciphertexts use the active key; every other
 * key stays in the ring so that older ciphertexts still decrypt until `npm run data:rekey`
 * has moved them. The keyed hashes always come from the hash key, which never rotates.
 */
export interface DataKeyRing {
  readonly activeKeyId: string;
  readonly hashKeyId: string;
  readonly keys: ReadonlyMap<string, Buffer>;
}

/** Key id of a ring configured with the single-key DATA_KEY variable or the development key. */
export const SINGLE_KEY_ID = 'k0';

/** Key ids appear inside ciphertexts (`v2:<id>:...`), so they exclude the colon. */
export const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

const V1 = 'v1';
const V2 = 'v2';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Raised when a ciphertext is malformed, names a key outside the ring, or fails authentication. */
export class CiphertextError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CiphertextError';
  }
}

/** Wraps one master key as a ring with the fixed id `k0`, active and used for hashes. */
export function singleKeyRing(masterKey: Buffer): DataKeyRing {
  return {
    activeKeyId: SINGLE_KEY_ID,
    hashKeyId: SINGLE_KEY_ID,
    keys: new Map([[SINGLE_KEY_ID, masterKey]]),
  };
}

/**
 * Computes a fingerprint of a master key that reveals nothing about it: HMAC-SHA256 of a
 * fixed text under a key derived for this purpose alone, as hex.
 */
export function keyFingerprint(masterKey: Buffer): string {
  const checkKey = Buffer.from(hkdfSync('sha256', masterKey, '', 'cityleague-key-check', 32));
  return createHmac('sha256', checkKey).update('cityleague data key', 'utf8').digest('hex');
}

function deriveEncryptionKey(masterKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, '', 'cityleague-encrypt', 32));
}

function deriveHashKey(masterKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, '', 'cityleague-hash', 32));
}

/**
 * Encrypts personal data (AES-256-GCM) and computes keyed hashes (HMAC-SHA256) for lookups
 * and duplicate checks. Each master key yields its encryption key and its hash key through
 * HKDF. Ciphertexts are `v2:<key id>:` + base64 of IV, tag and ciphertext, with the key id as
 * additional authenticated data. `v1:` ciphertexts, written before key ids existed, are still
 * read: they carry no key id, so every key of the ring is tried, and GCM authentication
 * rejects the wrong ones.
 */
export class PersonalDataCipher {
  readonly activeKeyId: string;
  private readonly encryptionKeys: ReadonlyMap<string, Buffer>;
  private readonly hashKey: Buffer;

  /** Takes a key ring, or one master key, which becomes the ring `k0`. */
  constructor(keys: Buffer | DataKeyRing) {
    const ring = Buffer.isBuffer(keys) ? singleKeyRing(keys) : keys;
    const hashMaster = ring.keys.get(ring.hashKeyId);
    if (!ring.keys.has(ring.activeKeyId)) {
      throw new Error(`Active data key id "${ring.activeKeyId}" is not in the key ring`);
    }
    if (!hashMaster) throw new Error(`Hash key id "${ring.hashKeyId}" is not in the key ring`);
    this.activeKeyId = ring.activeKeyId;
    this.encryptionKeys = new Map(
      [...ring.keys].map(([id, master]) => [id, deriveEncryptionKey(master)]),
    );
    this.hashKey = deriveHashKey(hashMaster);
  }

  /** Encrypts a value with the active key to `v2:<key id>:<base64>`. */
  encrypt(plaintext: string): string {
    const key = this.encryptionKeys.get(this.activeKeyId)!;
    const iv = pooledRandomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(this.activeKeyId, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const sealed = Buffer.concat([iv, cipher.getAuthTag(), ciphertext]);
    return `${V2}:${this.activeKeyId}:${sealed.toString('base64')}`;
  }

  /**
   * Decrypts a value made by `encrypt`, by this version or by the `v1:` format. Throws
   * CiphertextError when the value is malformed, names a key outside the ring, or was
   * tampered with. The message never contains the value.
   */
  decrypt(sealed: string): string {
    const version = sealed.slice(0, sealed.indexOf(':'));
    if (version === V2) {
      const keyId = this.keyIdOf(sealed);
      if (keyId === undefined) throw new CiphertextError('Malformed v2 ciphertext');
      const key = this.encryptionKeys.get(keyId);
      if (!key) throw new CiphertextError(`Data key "${keyId}" is not in the key ring`);
      return open(key, sealed.slice(V2.length + keyId.length + 2), keyId);
    }
    if (version === V1) {
      const body = sealed.slice(V1.length + 1);
      for (const key of this.encryptionKeys.values()) {
        try {
          return open(key, body, undefined);
        } catch (error) {
          if (!(error instanceof CiphertextError)) throw error;
        }
      }
      throw new CiphertextError('No data key in the ring decrypts this v1 ciphertext');
    }
    throw new CiphertextError('Unknown ciphertext version');
  }

  /** Returns the key id of a `v2:` ciphertext, or undefined for other formats. */
  keyIdOf(sealed: string): string | undefined {
    const match = /^v2:([^:]+):/.exec(sealed);
    return match?.[1];
  }

  /** Tells whether a ciphertext uses a key other than the active one, or the `v1:` format. */
  needsRekey(sealed: string): boolean {
    return this.keyIdOf(sealed) !== this.activeKeyId;
  }

  /** Decrypts a ciphertext and encrypts the value again with the active key. */
  rekey(sealed: string): string {
    return this.encrypt(this.decrypt(sealed));
  }

  /** Computes the keyed hash of a normalised value, as hex. It does not change on rotation. */
  hash(value: string): string {
    return createHmac('sha256', this.hashKey).update(value, 'utf8').digest('hex');
  }
}

/** Opens base64 of IV, tag and ciphertext; `keyId` is the additional authenticated data. */
function open(key: Buffer, body: string, keyId: string | undefined): string {
  const bytes = Buffer.from(body, 'base64');
  if (bytes.length < IV_BYTES + TAG_BYTES) throw new CiphertextError('Ciphertext is too short');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
    if (keyId !== undefined) decipher.setAAD(Buffer.from(keyId, 'utf8'));
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    const plaintext = Buffer.concat([
      decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)),
      decipher.final(),
    ]);
    return plaintext.toString('utf8');
  } catch (error) {
    throw new CiphertextError('Ciphertext failed authentication', { cause: error });
  }
}
