import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';

/**
 * Encrypts personal data (AES-256-GCM) and computes keyed hashes (HMAC-SHA256) for lookups
 * and duplicate checks. Both keys are derived from one master key with HKDF.
 */
export class PersonalDataCipher {
  private readonly encryptionKey: Buffer;
  private readonly hashKey: Buffer;

  constructor(masterKey: Buffer) {
    this.encryptionKey = Buffer.from(hkdfSync('sha256', masterKey, '', 'cityleague-encrypt', 32));
    this.hashKey = Buffer.from(hkdfSync('sha256', masterKey, '', 'cityleague-hash', 32));
  }

  /** Encrypts a value to `v1:` + base64 of IV, tag and ciphertext. */
  encrypt(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encryptionKey, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const sealed = Buffer.concat([iv, cipher.getAuthTag(), ciphertext]);
    return `${VERSION}:${sealed.toString('base64')}`;
  }

  /** Decrypts a value made by `encrypt`; throws when it was tampered with or the key differs. */
  decrypt(sealed: string): string {
    const [version, body] = sealed.split(':');
    if (version !== VERSION || body === undefined) throw new Error('Unknown ciphertext version');
    const bytes = Buffer.from(body, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.encryptionKey, bytes.subarray(0, 12));
    decipher.setAuthTag(bytes.subarray(12, 28));
    return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
  }

  /** Computes the keyed hash of a normalised value, as hex. */
  hash(value: string): string {
    return createHmac('sha256', this.hashKey).update(value, 'utf8').digest('hex');
  }
}
