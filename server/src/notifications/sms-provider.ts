import { maskMobile } from '@cityleague/domain';

import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { uuidv7 } from '../shared/ids.js';
import type { PersonalDataCipher } from '../shared/personal-data.js';

/** One SMS: `to` is a normalised 11-digit mainland mobile number. */
export interface SmsMessage {
  to: string;
  text: string;
}

/**
 * Sends SMS. `send` resolves once the provider accepted the message and rejects otherwise.
 * Its error messages must not contain the number or the text, because the dispatcher logs
 * and stores them.
 */
export interface SmsProvider {
  readonly name: string;
  send(message: SmsMessage): Promise<void>;
}

/**
 * Records each message in `dev_sms_messages` instead of sending it, so that tests and the demo
 * read sign-in codes through GET /api/dev/sms. The number is stored as its keyed hash and
 * masked form. Configuration rejects this provider in production.
 */
export class DevelopmentSmsProvider implements SmsProvider {
  readonly name = 'development';

  constructor(
    private readonly db: Db,
    private readonly cipher: PersonalDataCipher,
  ) {}

  async send(message: SmsMessage): Promise<void> {
    await this.db
      .insertInto('dev_sms_messages')
      .values({
        id: uuidv7(),
        phone_hash: this.cipher.hash(message.to),
        phone_masked: maskMobile(message.to),
        text: message.text,
      })
      .execute();
  }
}

const HTTP_TIMEOUT_MS = 10_000;

/**
 * Posts each message as JSON `{ "to": "13800138000", "text": "…" }` to an SMS gateway with a
 * bearer token. Any 2xx status counts as accepted.
 */
export class HttpSmsProvider implements SmsProvider {
  readonly name = 'http';

  constructor(
    private readonly url: string,
    private readonly token: string,
  ) {}

  async send(message: SmsMessage): Promise<void> {
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
        body: JSON.stringify({ to: message.to, text: message.text }),
        signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
      });
    } catch (error) {
      throw new Error(`SMS gateway request failed: ${(error as Error).name}`);
    }
    // Drain the body so the connection can be reused; its content may echo the number.
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok) throw new Error(`SMS gateway answered HTTP ${response.status}`);
  }
}

/** Creates the provider that the configuration selects. */
export function createSmsProvider(
  config: Pick<Config, 'smsProvider' | 'smsHttpUrl' | 'smsHttpToken'>,
  db: Db,
  cipher: PersonalDataCipher,
): SmsProvider {
  if (config.smsProvider === 'http') {
    if (!config.smsHttpUrl || !config.smsHttpToken) {
      throw new Error('SMS_PROVIDER=http needs SMS_HTTP_URL and SMS_HTTP_TOKEN');
    }
    return new HttpSmsProvider(config.smsHttpUrl, config.smsHttpToken);
  }
  return new DevelopmentSmsProvider(db, cipher);
}
