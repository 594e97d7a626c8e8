import { describe, expect, it } from 'vitest';
import { ACCOUNT_TYPES, requiresTotp } from './catalogue.js';

describe('requiresTotp', () => {
  it('requires TOTP of city administrators and platform roles', () => {
    const required = ACCOUNT_TYPES.filter((type) => requiresTotp(type));
    expect(required).toEqual(['sports_bureau', 'committee', 'operator', 'security_officer']);
  });

  it.each(['district_bureau', 'contractor', 'community_association', 'street'] as const)(
    'leaves TOTP optional for %s',
    (type) => {
      expect(requiresTotp(type)).toBe(false);
    },
  );
});
