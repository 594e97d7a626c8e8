import { creditCodeCheckCharacter } from '@cityleague/domain';
import { describe, expect, it } from 'vitest';

import { checkContractRow, type RawContractRow } from './contract-rows.js';

const DISTRICTS = {
  byCode: new Map([
    ['310104', '310104'],
    ['310115', '310115'],
  ]),
  byName: new Map([
    ['徐汇区', '310104'],
    ['浦东新区', '310115'],
  ]),
};

const FIRST17 = '91310000MA1FL8TQ4';
const CODE = FIRST17 + creditCodeCheckCharacter(FIRST17);

function raw(overrides: Partial<RawContractRow> = {}): RawContractRow {
  return {
    organisationName: '测试体育有限公司',
    creditCode: CODE,
    level: '市级',
    district: '',
    section: '联赛',
    sport: '三人篮球',
    eventName: '城市三人篮球联赛',
    contactName: '测试联系人',
    contactPhone: '13800138000',
    ...overrides,
  };
}

function errorsOf(row: RawContractRow) {
  const result = checkContractRow(7, row, DISTRICTS);
  return result.ok ? [] : result.errors.map((e) => [e.row, e.column, e.code]);
}

describe('checkContractRow', () => {
  it('normalises a valid row', () => {
    const result = checkContractRow(
      2,
      raw({
        organisationName: '  测试体育   有限公司 ',
        creditCode: ` ${CODE.toLowerCase().replace('9', '９')} `,
        sport: 'basketball_3x3',
        contactPhone: '+86 138-0013-8000',
      }),
      DISTRICTS,
    );
    expect(result).toEqual({
      ok: true,
      value: {
        row: 2,
        organisationName: '测试体育 有限公司',
        creditCode: CODE,
        level: 'city',
        districtCode: null,
        section: 'league_event',
        sport: 'basketball_3x3',
        eventName: '城市三人篮球联赛',
        contactName: '测试联系人',
        contactPhone: '13800138000',
      },
    });
  });

  it.each([
    ['浦东新区', '310115'],
    ['310104', '310104'],
  ])('resolves district %s', (district, code) => {
    const result = checkContractRow(2, raw({ level: '区级', district }), DISTRICTS);
    expect(result.ok).toBe(true);
    expect(result.ok ? result.value.districtCode : undefined).toBe(code);
  });

  it.each([
    ['league_event', 'league_event'],
    ['系列赛', 'series'],
    ['X项目', 'x_sport'],
  ])('accepts section %s', (section, code) => {
    const result = checkContractRow(2, raw({ section }), DISTRICTS);
    expect(result.ok).toBe(true);
    expect(result.ok ? result.value.section : undefined).toBe(code);
  });

  it.each<[string, Partial<RawContractRow>, [number, string, string][]]>([
    ['blank organisation', { organisationName: '  ' }, [[7, '单位名称', 'required']]],
    ['long organisation', { organisationName: '长'.repeat(101) }, [[7, '单位名称', 'too_long']]],
    ['emoji in organisation', { organisationName: '测试体育😀' }, [[7, '单位名称', 'noEmoji']]],
    [
      'short credit code',
      { creditCode: CODE.slice(0, 17) },
      [[7, '统一社会信用代码', 'invalid_credit_code']],
    ],
    ['unknown level', { level: '国家级' }, [[7, '赛事级别', 'unknown_level']]],
    ['district on city', { district: '徐汇区' }, [[7, '所属区', 'district_not_allowed']]],
    [
      'unknown district',
      { level: '区级', district: '苏州市' },
      [[7, '所属区', 'unknown_district']],
    ],
    ['unknown section', { section: '马拉松' }, [[7, '板块', 'unknown_section']]],
    ['street section', { section: 'community_games' }, [[7, '板块', 'section_not_allowed']]],
    ['blank sport', { sport: '' }, [[7, '项目', 'required']]],
    ['one-character event', { eventName: '赛' }, [[7, '中标赛事名称', 'length']]],
    ['digits as contact', { contactName: '12345' }, [[7, '联系人', 'invalid_name']]],
    ['landline phone', { contactPhone: '021-64000000' }, [[7, '联系电话', 'invalid_phone']]],
  ])('rejects %s', (_label, overrides, expected) => {
    expect(errorsOf(raw(overrides))).toEqual(expected);
  });

  it('lists every problem of a row', () => {
    expect(errorsOf(raw({ creditCode: '', sport: '冰壶', contactPhone: '' }))).toEqual([
      [7, '统一社会信用代码', 'invalid_credit_code'],
      [7, '项目', 'unknown_sport'],
      [7, '联系电话', 'invalid_phone'],
    ]);
  });

  it('names the wrong position of a credit code', () => {
    const result = checkContractRow(
      3,
      raw({ creditCode: `${CODE.slice(0, 9)}O${CODE.slice(10)}` }),
      DISTRICTS,
    );
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.errors[0]?.reason).toContain('第 10 位');
  });
});
