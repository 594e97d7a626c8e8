import { randomBytes } from 'node:crypto';

let lastMs = 0;
let sequence = 0;

/**
 * Generates a time-ordered UUID version 7 (RFC 9562): 48-bit milliseconds, a 12-bit counter,
 * then random bits. The counter (RFC 9562 section 6.2, method 1) keeps ids made by this process
 * strictly increasing even within one millisecond, so that ordering by id follows creation
 * order, as audit timelines and console lists rely on. Ids from different processes made in
 * the same millisecond are not ordered among themselves.
 */
export function uuidv7(): string {
  const bytes = randomBytes(16);
  let ms = Date.now();
  if (ms > lastMs) {
    lastMs = ms;
    // Start the counter at a random value below 0x800, leaving room to count up.
    sequence = (((bytes[6] ?? 0) & 0x07) << 8) | (bytes[7] ?? 0);
  } else {
    // Same millisecond, or the clock went back: keep counting on the last timestamp.
    sequence++;
    if (sequence > 0xfff) {
      lastMs++;
      sequence = 0;
    }
    ms = lastMs;
  }
  const time = BigInt(ms);
  for (let i = 0; i < 6; i++) bytes[i] = Number((time >> BigInt(8 * (5 - i))) & 0xffn);
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// Crockford-like alphabet without 0/O, 1/I/L and U, so codes read aloud or typed stay unambiguous.
const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Generates a random registration code of `length` characters (about 4.9 bits each). */
export function randomCode(length = 10): string {
  const bytes = randomBytes(length);
  let code = '';
  for (const byte of bytes) code += CODE_ALPHABET[byte % CODE_ALPHABET.length];
  return code;
}
