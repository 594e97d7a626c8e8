import { describe, expect, it } from 'vitest';

import { abandonReasonOf } from './outbox-reasons.js';

describe('abandonReasonOf', () => {
  it('classifies the drop reasons', () => {
    const cases: [string, string][] = [
      ['registration was cancelled before sending', 'registration_cancelled'],
      ['registration is cancelled, not active', 'registration_cancelled'],
      ['registration not found', 'registration_not_found'],
      ['result not found', 'registration_not_found'],
      ['registration is waiting, not offered', 'registration_status_changed'],
      ['event is cancelled', 'event_changed'],
      ['event moved to another date', 'event_changed'],
      ['code expired or used before sending', 'code_expired'],
    ];
    for (const [lastError, reason] of cases) {
      expect(abandonReasonOf(lastError), lastError).toEqual({ reason, retryable: false });
    }
  });

  it('lets delivery errors be sent again', () => {
    for (const lastError of ['gateway unavailable', 'HTTP 503 from the SMS gateway', null]) {
      expect(abandonReasonOf(lastError)).toEqual({ reason: 'send_failed', retryable: true });
    }
  });
});
