import { createCipheriv, hkdfSync, randomBytes } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { CiphertextError, PersonalDataCipher, type DataKeyRing } from './personal-data.js';

const K1 = randomBytes(32);
const K2 = randomBytes(32);
const PHONE = '13800138123';

const RING_K1: DataKeyRing = { activeKeyId: 'k1', hashKeyId: 'k1', keys: new Map([['k1', K1]]) };
const RING_K2: DataKeyRing = {
  activeKeyId: 'k2',
  hashKeyId: 'k1',
  keys: new Map([
    ['k2', K2],
    ['k1', K1],
  ]),
};

/** Encrypts in the `v1:` format written before key ids: HKDF key, no additional data. */
function sealV1(masterKey: Buffer, plaintext: string): string {
  const key = Buffer.from(hkdfSync('sha256', masterKey, '', 'cityleague-encrypt', 32));
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `v1:${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64')}`;
}

/** Flips one bit of the byte at `index` of a ciphertext's base64 body. */
function flipByte(sealed: string, index: number): string {
  const prefix = sealed.slice(0, sealed.lastIndexOf(':') + 1);
  const bytes = Buffer.from(sealed.slice(prefix.length), 'base64');
  bytes[index] = (bytes[index] ?? 0) ^ 0x01;
  return prefix + bytes.toString('base64');
}

function decryptError(cipher: PersonalDataCipher, sealed: string): Error {
  try {
    cipher.decrypt(sealed);
  } catch (error) {
    return error as Error;
  }
  throw new Error('decrypt accepted the ciphertext');
}

describe('PersonalDataCipher', () => {
  it('writes v2 ciphertexts that carry the active key id', () => {
    const cipher = new PersonalDataCipher(RING_K2);
    const sealed = cipher.encrypt(PHONE);
    expect(sealed).toMatch(/^v2:k2:[A-Za-z0-9+/]+=*$/);
    expect(sealed).not.toContain(PHONE);
    expect(cipher.keyIdOf(sealed)).toBe('k2');
    expect(cipher.decrypt(sealed)).toBe(PHONE);
    expect(cipher.encrypt(PHONE)).not.toBe(sealed);
  });

  it('wraps a single master key as ring k0', () => {
    const cipher = new PersonalDataCipher(K1);
    expect(cipher.activeKeyId).toBe('k0');
    expect(cipher.encrypt(PHONE)).toMatch(/^v2:k0:/);
  });

  it('decrypts the old key after rotation', () => {
    const before = new PersonalDataCipher(RING_K1);
    const after = new PersonalDataCipher(RING_K2);
    const sealed = before.encrypt(PHONE);
    expect(after.decrypt(sealed)).toBe(PHONE);
    expect(after.needsRekey(sealed)).toBe(true);
    const moved = after.rekey(sealed);
    expect(after.keyIdOf(moved)).toBe('k2');
    expect(after.needsRekey(moved)).toBe(false);
    expect(after.decrypt(moved)).toBe(PHONE);
    // The ring before rotation cannot read what the new key wrote.
    expect(decryptError(before, moved).message).toBe('Data key "k2" is not in the key ring');
  });

  it('keeps hashes across rotation', () => {
    const before = new PersonalDataCipher(RING_K1);
    const after = new PersonalDataCipher(RING_K2);
    expect(after.hash(PHONE)).toBe(before.hash(PHONE));
    expect(after.hash(PHONE)).toMatch(/^[0-9a-f]{64}$/);
    // Hashes are keyed: another hash key gives another hash.
    const other = new PersonalDataCipher({ ...RING_K2, hashKeyId: 'k2' });
    expect(other.hash(PHONE)).not.toBe(before.hash(PHONE));
  });

  it('hashes as the single-key cipher did', () => {
    const single = new PersonalDataCipher(K1);
    const ring = new PersonalDataCipher(RING_K2);
    expect(ring.hash(PHONE)).toBe(single.hash(PHONE));
  });

  it('reads v1 ciphertexts of any key in the ring', () => {
    const cipher = new PersonalDataCipher(RING_K2);
    expect(cipher.decrypt(sealV1(K1, PHONE))).toBe(PHONE);
    expect(cipher.decrypt(sealV1(K2, PHONE))).toBe(PHONE);
    expect(cipher.needsRekey(sealV1(K2, PHONE))).toBe(true);
    expect(cipher.keyIdOf(cipher.rekey(sealV1(K1, PHONE)))).toBe('k2');
  });

  it('rejects a v1 ciphertext of a key outside the ring', () => {
    const cipher = new PersonalDataCipher(RING_K1);
    const error = decryptError(cipher, sealV1(K2, PHONE));
    expect(error).toBeInstanceOf(CiphertextError);
    expect(error.message).toBe('No data key in the ring decrypts this v1 ciphertext');
  });

  it.each([
    ['the IV', 0],
    ['the tag', 12],
    ['the ciphertext', 28],
  ])('rejects a ciphertext with a flipped bit in %s', (_part, index) => {
    const cipher = new PersonalDataCipher(RING_K2);
    const error = decryptError(cipher, flipByte(cipher.encrypt(PHONE), index));
    expect(error).toBeInstanceOf(CiphertextError);
    expect(error.message).toBe('Ciphertext failed authentication');
    expect(error.message).not.toContain(PHONE);
  });

  it('rejects a tampered v1 ciphertext', () => {
    const cipher = new PersonalDataCipher(RING_K2);
    const error = decryptError(cipher, flipByte(sealV1(K1, PHONE), 30));
    expect(error).toBeInstanceOf(CiphertextError);
  });

  it('rejects a ciphertext relabelled with another key id', () => {
    // Both keys are in the ring, so only the authenticated key id stops the relabelling.
    const cipher = new PersonalDataCipher(RING_K2);
    const sealed = new PersonalDataCipher({ ...RING_K2, activeKeyId: 'k1' }).encrypt(PHONE);
    const relabelled = sealed.replace(/^v2:k1:/, 'v2:k2:');
    expect(decryptError(cipher, relabelled)).toBeInstanceOf(CiphertextError);
  });

  it.each([
    ['an unknown version', 'v3:k1:AAAA', 'Unknown ciphertext version'],
    ['no version', 'plain text', 'Unknown ciphertext version'],
    ['a v2 value without key id', 'v2:AAAA', 'Malformed v2 ciphertext'],
    [
      'an unknown key id',
      'v2:k9:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      'Data key "k9" is not in the key ring',
    ],
    ['a truncated body', 'v2:k2:AAAA', 'Ciphertext is too short'],
  ])('rejects %s', (_case, sealed, message) => {
    const error = decryptError(new PersonalDataCipher(RING_K2), sealed);
    expect(error).toBeInstanceOf(CiphertextError);
    expect(error.message).toBe(message);
  });

  it('rejects a ring whose active or hash key is missing', () => {
    expect(() => new PersonalDataCipher({ ...RING_K1, activeKeyId: 'k2' })).toThrow(
      'Active data key id "k2" is not in the key ring',
    );
    expect(() => new PersonalDataCipher({ ...RING_K1, hashKeyId: 'k0' })).toThrow(
      'Hash key id "k0" is not in the key ring',
    );
  });
});
