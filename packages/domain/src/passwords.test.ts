import { describe, expect, it } from 'vitest';

import {
  PASSWORD_RULE_MESSAGES,
  PASSWORD_RULES,
  checkPassword,
  countPasswordClasses,
} from './passwords.js';

describe('countPasswordClasses', () => {
  it.each([
    ['', 0],
    ['abcdef', 1],
    ['ABCDEF', 1],
    ['123456', 1],
    ['!@#$ ', 1],
    ['abcDEF', 2],
    ['abc123', 2],
    ['abcDEF123', 3],
    ['abcDEF123!', 4],
    ['联赛abc', 2],
  ])('counts %j as %i', (password, classes) => {
    expect(countPasswordClasses(password)).toBe(classes);
  });
});

describe('checkPassword', () => {
  const username = 'xuhui.bureau';

  it('accepts a long password of three classes', () => {
    expect(checkPassword('league2026Spring', { username })).toEqual([]);
  });

  it('accepts exactly ten characters', () => {
    expect(checkPassword('Abcdefgh1!', { username })).toEqual([]);
  });

  it('rejects nine characters', () => {
    expect(checkPassword('Abcdefg1!', { username })).toEqual(['too_short']);
  });

  it('counts code points, not UTF-16 units', () => {
    // Five emoji are ten UTF-16 code units but five characters.
    expect(checkPassword('😀😀😀😀😀', { username })).toContain('too_short');
  });

  it('rejects two classes', () => {
    expect(checkPassword('leaguespring2026', { username })).toEqual(['classes']);
  });

  it('rejects the username in any case', () => {
    expect(checkPassword('Xuhui.Bureau2026', { username })).toEqual(['contains_username']);
    expect(checkPassword('2026xuhui.bureau!', { username })).toEqual(['contains_username']);
  });

  it('ignores surrounding spaces of the username', () => {
    expect(checkPassword('Xuhui.Bureau2026', { username: ' xuhui.bureau ' })).toEqual([
      'contains_username',
    ]);
  });

  it('reports reuse found by the caller', () => {
    expect(checkPassword('league2026Spring', { username, reused: true })).toEqual(['reused']);
  });

  it('lists every failed rule in order', () => {
    expect(checkPassword('bureau', { username: 'bureau', reused: true })).toEqual([
      'too_short',
      'classes',
      'contains_username',
      'reused',
    ]);
  });

  it('has a message for every rule', () => {
    for (const rule of PASSWORD_RULES) expect(PASSWORD_RULE_MESSAGES[rule]).toMatch(/密码/);
  });
});
