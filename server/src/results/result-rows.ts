import {
  checkMobile,
  checkResultFigures,
  parseRank,
  parseResultTime,
  parseScore,
  type ResultStatus,
} from '@cityleague/domain';

/** Columns of the result workbook: the header text in row 1 and the field it fills. */
export const RESULT_COLUMNS = [
  { key: 'code', header: '报名码' },
  { key: 'name', header: '姓名' },
  { key: 'phone', header: '手机号' },
  { key: 'group', header: '组别' },
  { key: 'rank', header: '名次' },
  { key: 'time', header: '用时' },
  { key: 'score', header: '得分' },
  { key: 'status', header: '状态' },
] as const;

export type ResultColumnKey = (typeof RESULT_COLUMNS)[number]['key'];

/** The text of each column of one data row, as read from the workbook. */
export type RawResultRow = Record<ResultColumnKey, string>;

/** One problem of the file: the Excel row, the column header, a stable code and a Chinese reason. */
export interface RowError {
  row: number;
  column: string;
  code: string;
  reason: string;
}

/** An active entry of the event, as the import matches rows to it. */
export interface EntryRef {
  registrationId: string;
  code: string;
  name: string;
  groupId: string;
}

/** What a row is checked against: the event's groups and its active entries. */
export interface ResultLookup {
  groupsByName: ReadonlyMap<string, { id: string; name: string }>;
  entriesByCode: ReadonlyMap<string, EntryRef>;
  /** Entries by name and the keyed hash of the mobile number, joined by a NUL character. */
  entriesByNameAndPhone: ReadonlyMap<string, EntryRef>;
  hashPhone(phone: string): string;
}

/** A row that passed every check, tied to its entry. */
export interface CheckedResultRow {
  row: number;
  registrationId: string;
  groupId: string;
  status: ResultStatus;
  rank: number | null;
  timeMs: number | null;
  score: string | null;
}

const STATUS_BY_TEXT: ReadonlyMap<string, ResultStatus> = new Map([
  ['', 'finished'],
  ['完赛', 'finished'],
  ['finished', 'finished'],
  ['dnf', 'dnf'],
  ['未完赛', 'dnf'],
  ['退赛', 'dnf'],
  ['dsq', 'dsq'],
  ['取消成绩', 'dsq'],
  ['取消资格', 'dsq'],
]);

const RANK_REASONS: Record<string, string> = {
  format: '应为正整数',
  range: '应在 1 至 100000 之间',
};
const TIME_REASONS: Record<string, string> = {
  format: '格式应为 时:分:秒.毫秒，如 01:02:03.456',
  range: '分和秒应小于 60，且用时不能为 0',
};
const SCORE_REASONS: Record<string, string> = {
  format: '应为数字，最多 3 位小数',
  range: '超出允许范围',
};
const FIGURE_REASONS: Record<string, [ResultColumnKey, string]> = {
  rank_required: ['rank', '完赛成绩必须填写名次'],
  rank_not_allowed: ['rank', '未完赛或取消成绩时不填名次'],
  time_and_score: ['score', '用时和得分只能填写一项'],
};

function header(key: ResultColumnKey): string {
  return RESULT_COLUMNS.find((column) => column.key === key)?.header ?? key;
}

/** Finds the entry of a row: by registration code, or else by name and mobile number. */
function findEntry(
  raw: RawResultRow,
  lookup: ResultLookup,
  fail: (key: ResultColumnKey, code: string, reason: string) => void,
): EntryRef | undefined {
  const code = raw.code.trim().toUpperCase();
  if (code !== '') {
    const entry = lookup.entriesByCode.get(code);
    if (!entry) fail('code', 'unknown_entrant', `没有报名码为“${code}”的有效报名`);
    return entry;
  }
  const name = raw.name.trim();
  if (name === '' || raw.phone.trim() === '') {
    fail('code', 'entrant_required', '请填写报名码，或同时填写姓名和手机号');
    return undefined;
  }
  const phone = checkMobile(raw.phone);
  if (!phone.ok) {
    fail('phone', 'invalid_phone', '不是有效的手机号码');
    return undefined;
  }
  const entry = lookup.entriesByNameAndPhone.get(`${name}\u0000${lookup.hashPhone(phone.value)}`);
  if (!entry) fail('name', 'unknown_entrant', '姓名和手机号与本赛事的有效报名都不匹配');
  return entry;
}

/**
 * Checks one data row of the result workbook. Returns the row tied to its entry, or every
 * problem found in it, each naming its column. Equal ranks are ties and pass; duplicates of an
 * entry across rows are found by the caller.
 */
export function checkResultRow(
  row: number,
  raw: RawResultRow,
  lookup: ResultLookup,
): { ok: true; value: CheckedResultRow } | { ok: false; errors: RowError[] } {
  const errors: RowError[] = [];
  const fail = (key: ResultColumnKey, code: string, reason: string) =>
    errors.push({ row, column: header(key), code, reason });

  const entry = findEntry(raw, lookup, fail);

  const groupName = raw.group.trim();
  const group = lookup.groupsByName.get(groupName);
  if (groupName === '') fail('group', 'required', '不能为空');
  else if (!group) fail('group', 'unknown_group', `本赛事没有“${groupName}”组别`);
  else if (entry && entry.groupId !== group.id) {
    fail('group', 'group_mismatch', `该报名不属于“${groupName}”组别`);
  }

  const status = STATUS_BY_TEXT.get(raw.status.trim().toLowerCase());
  if (!status) fail('status', 'unknown_status', '应为“完赛”、“DNF”或“DSQ”');

  const rank = raw.rank.trim() === '' ? null : parseRank(raw.rank);
  if (rank && !rank.ok) fail('rank', 'invalid_rank', RANK_REASONS[rank.reason] ?? '');
  const time = raw.time.trim() === '' ? null : parseResultTime(raw.time);
  if (time && !time.ok) fail('time', 'invalid_time', TIME_REASONS[time.reason] ?? '');
  const score = raw.score.trim() === '' ? null : parseScore(raw.score);
  if (score && !score.ok) fail('score', 'invalid_score', SCORE_REASONS[score.reason] ?? '');

  if (errors.length > 0 || !entry || !group || !status) return { ok: false, errors };
  const figures = checkResultFigures({
    status,
    rank: rank?.ok ? rank.value : null,
    timeMs: time?.ok ? time.value : null,
    score: score?.ok ? score.value : null,
  });
  if (!figures.ok) {
    const [key, reason] = FIGURE_REASONS[figures.reason] ?? ['rank', figures.reason];
    fail(key, figures.reason, reason);
    return { ok: false, errors };
  }
  return {
    ok: true,
    value: { row, registrationId: entry.registrationId, groupId: group.id, ...figures.value },
  };
}
