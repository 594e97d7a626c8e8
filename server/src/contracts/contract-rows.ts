import {
  canFile,
  checkCreditCode,
  checkMobile,
  checkPersonName,
  containsEmoji,
  EVENT_LEVEL_LABELS,
  SECTION_LABELS,
  SECTIONS,
  SPORTS,
  type Section,
} from '@cityleague/domain';

/** Columns of the contract workbook: the header text in row 1 and the field it fills. */
export const CONTRACT_COLUMNS = [
  { key: 'organisationName', header: '单位名称' },
  { key: 'creditCode', header: '统一社会信用代码' },
  { key: 'level', header: '赛事级别' },
  { key: 'district', header: '所属区' },
  { key: 'section', header: '板块' },
  { key: 'sport', header: '项目' },
  { key: 'eventName', header: '中标赛事名称' },
  { key: 'contactName', header: '联系人' },
  { key: 'contactPhone', header: '联系电话' },
] as const;

export type ContractColumnKey = (typeof CONTRACT_COLUMNS)[number]['key'];

/** The text of each column of one data row, as read from the workbook. */
export type RawContractRow = Record<ContractColumnKey, string>;

/** A data row that passed every check, with normalised values. */
export interface CheckedContractRow {
  row: number;
  organisationName: string;
  creditCode: string;
  level: 'city' | 'district';
  districtCode: string | null;
  section: Section;
  sport: string;
  eventName: string;
  contactName: string;
  contactPhone: string;
}

/** One problem of the file: the Excel row, the column header, a stable code and a Chinese reason. */
export interface RowError {
  row: number;
  column: string;
  code: string;
  reason: string;
}

export const ORGANISATION_NAME_MAX_LENGTH = 100;
export const EVENT_NAME_MIN_LENGTH = 2;
export const EVENT_NAME_MAX_LENGTH = 100;

/** The district divisions, by code and by name, for the 所属区 column. */
export interface DistrictLookup {
  byCode: ReadonlyMap<string, string>;
  byName: ReadonlyMap<string, string>;
}

const LEVELS: ReadonlyMap<string, 'city' | 'district'> = new Map([
  ['city', 'city'],
  ['district', 'district'],
  [EVENT_LEVEL_LABELS.city, 'city'],
  [EVENT_LEVEL_LABELS.district, 'district'],
  ['市', 'city'],
  ['区', 'district'],
]);

const SECTION_BY_TEXT: ReadonlyMap<string, Section> = new Map(
  SECTIONS.flatMap((section) => [
    [section, section],
    [SECTION_LABELS[section], section],
  ]),
);

const SPORT_BY_TEXT: ReadonlyMap<string, string> = new Map(
  SPORTS.flatMap((sport) => [
    [sport.code, sport.code],
    [sport.name, sport.code],
  ]),
);

const CREDIT_CODE_REASONS: Record<string, string> = {
  empty: '不能为空',
  length: '应为 18 位',
};

function header(key: ContractColumnKey): string {
  return CONTRACT_COLUMNS.find((column) => column.key === key)?.header ?? key;
}

function creditCodeReason(reason: string, position: number | undefined): string {
  const fixed = CREDIT_CODE_REASONS[reason];
  if (fixed) return fixed;
  if (reason === 'check_character') return '第 18 位校验码不正确，请核对代码';
  if (reason === 'region')
    return `第 ${position} 位应为数字（第 3 至 8 位是登记管理机关行政区划码）`;
  return `第 ${position} 位字符无效（只能使用数字和 I、O、Z、S、V 以外的大写字母）`;
}

const PHONE_REASONS: Record<string, string> = {
  empty: '不能为空',
  character: '只能包含数字',
  length: '应为 11 位手机号码',
  prefix: '不是有效的手机号段',
};

const NAME_REASONS: Record<string, string> = {
  empty: '不能为空',
  length: '应为 2 至 30 个字',
  character: '只能包含汉字、字母、间隔号和空格',
  no_letter: '应至少包含一个汉字或字母',
};

/**
 * Checks one data row of the contract workbook. Returns the normalised row, or every problem
 * found in it, each naming its column.
 */
export function checkContractRow(
  row: number,
  raw: RawContractRow,
  districts: DistrictLookup,
): { ok: true; value: CheckedContractRow } | { ok: false; errors: RowError[] } {
  const errors: RowError[] = [];
  const fail = (key: ContractColumnKey, code: string, reason: string) =>
    errors.push({ row, column: header(key), code, reason });

  const organisationName = raw.organisationName.trim().replace(/\s+/g, ' ');
  if (organisationName === '') fail('organisationName', 'required', '不能为空');
  else if (Array.from(organisationName).length > ORGANISATION_NAME_MAX_LENGTH) {
    fail('organisationName', 'too_long', `不能超过 ${ORGANISATION_NAME_MAX_LENGTH} 个字`);
  } else if (containsEmoji(organisationName)) {
    fail('organisationName', 'noEmoji', '不能包含表情符号，请使用文字');
  }

  const creditCode = checkCreditCode(raw.creditCode);
  if (!creditCode.ok) {
    fail(
      'creditCode',
      'invalid_credit_code',
      creditCodeReason(creditCode.reason, creditCode.position),
    );
  }

  const level = LEVELS.get(raw.level.trim());
  if (raw.level.trim() === '') fail('level', 'required', '不能为空');
  else if (!level) fail('level', 'unknown_level', '应为“市级”或“区级”');

  const districtCode = checkDistrict(raw.district, level, districts, fail);

  const section = SECTION_BY_TEXT.get(raw.section.trim());
  if (raw.section.trim() === '') fail('section', 'required', '不能为空');
  else if (!section) fail('section', 'unknown_section', `“${raw.section.trim()}”不是联赛的板块`);
  else if (level && !canFile('contractor', level, section)) {
    fail('section', 'section_not_allowed', `中标单位不能承办${SECTION_LABELS[section]}`);
  }

  const sport = SPORT_BY_TEXT.get(raw.sport.trim());
  if (raw.sport.trim() === '') fail('sport', 'required', '不能为空');
  else if (!sport) fail('sport', 'unknown_sport', `“${raw.sport.trim()}”不在项目目录中`);

  const eventName = raw.eventName.trim().replace(/\s+/g, ' ');
  const eventNameLength = Array.from(eventName).length;
  if (eventName === '') fail('eventName', 'required', '不能为空');
  else if (eventNameLength < EVENT_NAME_MIN_LENGTH || eventNameLength > EVENT_NAME_MAX_LENGTH) {
    fail('eventName', 'length', `应为 ${EVENT_NAME_MIN_LENGTH} 至 ${EVENT_NAME_MAX_LENGTH} 个字`);
  }

  const contactName = checkPersonName(raw.contactName);
  if (!contactName.ok) fail('contactName', 'invalid_name', NAME_REASONS[contactName.reason] ?? '');

  const contactPhone = checkMobile(raw.contactPhone);
  if (!contactPhone.ok) {
    fail('contactPhone', 'invalid_phone', PHONE_REASONS[contactPhone.reason] ?? '');
  }

  if (
    errors.length > 0 ||
    !creditCode.ok ||
    !level ||
    !section ||
    !sport ||
    !contactName.ok ||
    !contactPhone.ok
  ) {
    return { ok: false, errors };
  }
  return {
    ok: true,
    value: {
      row,
      organisationName,
      creditCode: creditCode.value,
      level,
      districtCode,
      section,
      sport,
      eventName,
      contactName: contactName.value,
      contactPhone: contactPhone.value,
    },
  };
}

/** Resolves the 所属区 column: required for a district contract, empty for a city one. */
function checkDistrict(
  text: string,
  level: 'city' | 'district' | undefined,
  districts: DistrictLookup,
  fail: (key: ContractColumnKey, code: string, reason: string) => void,
): string | null {
  const value = text.trim();
  if (level === 'city') {
    if (value !== '') fail('district', 'district_not_allowed', '市级合同不填所属区');
    return null;
  }
  if (value === '') {
    if (level === 'district') fail('district', 'required', '区级合同必须填写所属区');
    return null;
  }
  const code = districts.byCode.has(value) ? value : districts.byName.get(value);
  if (!code) {
    fail('district', 'unknown_district', `“${value}”不是上海市的区（填区名，如“浦东新区”）`);
    return null;
  }
  return code;
}
