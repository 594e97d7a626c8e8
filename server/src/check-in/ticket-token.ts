import { createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

import { TICKET_PREFIX, ticketHashInput } from '@cityleague/domain';

import type { DataKeyRing } from '../shared/personal-data.js';

/** Hex characters of the signature kept in a ticket: 80 bits. */
const SIGNATURE_LENGTH = 20;

/**
 * Signs tickets and on-site registration links with HMAC-SHA256 under a key derived by HKDF
 * from the master key that makes the personal-data hashes. That key never rotates, so tickets
 * and printed on-site codes stay valid across a rotation of the encryption keys.
 */
export class TicketSigner {
  private readonly key: Buffer;

  constructor(ring: DataKeyRing) {
    const master = ring.keys.get(ring.hashKeyId);
    if (!master) throw new Error(`Hash key id "${ring.hashKeyId}" is not in the key ring`);
    this.key = Buffer.from(hkdfSync('sha256', master, '', 'cityleague-ticket', 32));
  }

  private mac(text: string): string {
    const digest = createHmac('sha256', this.key).update(text, 'utf8').digest('hex');
    return digest.slice(0, SIGNATURE_LENGTH).toUpperCase();
  }

  /** Returns the text of a ticket's QR code: `CL1:<code>:<signature over event and code>`. */
  ticket(eventId: string, code: string): string {
    return `${TICKET_PREFIX}:${code}:${this.mac(`ticket:v1:${eventId}:${code}`)}`;
  }

  /** Tells whether a ticket's signature was made for this event and code. */
  verifyTicket(eventId: string, code: string, signature: string): boolean {
    return safeEqual(this.mac(`ticket:v1:${eventId}:${code}`), signature);
  }

  /** Returns the signature of an event's on-site registration link. */
  onSiteSignature(eventId: string): string {
    return this.mac(`on-site:v1:${eventId}`);
  }

  verifyOnSite(eventId: string, signature: string): boolean {
    return safeEqual(this.onSiteSignature(eventId), signature.toUpperCase());
  }
}

function safeEqual(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Returns the hash that identifies a ticket in an event's offline list: base64url SHA-256. */
export function ticketHash(eventId: string, code: string): string {
  return createHash('sha256').update(ticketHashInput(eventId, code), 'utf8').digest('base64url');
}
