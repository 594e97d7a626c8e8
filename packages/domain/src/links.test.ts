import { describe, expect, it } from 'vitest';

import { publicEventPath } from './links.js';

describe('publicEventPath', () => {
  it('names the event page of the citizens app', () => {
    expect(publicEventPath('0190a0b0-0000-7000-8000-000000000001')).toBe(
      '/events/0190a0b0-0000-7000-8000-000000000001',
    );
  });

  it('escapes characters that would leave the path segment', () => {
    expect(publicEventPath('a/b?c')).toBe('/events/a%2Fb%3Fc');
  });
});
