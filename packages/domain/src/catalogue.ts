/** Account types of the league's hierarchy. */
export const ACCOUNT_TYPES = [
  'sports_bureau',
  'committee',
  'district_bureau',
  'contractor',
  'community_association',
  'street',
  'operator',
  'security_officer',
] as const;
export type AccountType = (typeof ACCOUNT_TYPES)[number];

/**
 * Platform roles, kept apart from the league's business. The operator manages accounts and
 * contracts, and the security officer reads the audit trail. Neither may read events or
 * registrations.
 */
export const PLATFORM_ACCOUNT_TYPES = ['operator', 'security_officer'] as const;
export type PlatformAccountType = (typeof PLATFORM_ACCOUNT_TYPES)[number];

/** Tells whether an account type is a platform role rather than one of the league's six. */
export function isPlatformAccountType(type: AccountType): type is PlatformAccountType {
  return (PLATFORM_ACCOUNT_TYPES as readonly string[]).includes(type);
}

/**
 * Account types that must sign in with a one-time code (TOTP) after the password: the city's
 * two administrators, whose reviews and data reach the whole city, and the two platform roles,
 * which manage accounts and read the audit trail. Every other type may enrol by choice.
 */
export const TOTP_REQUIRED_ACCOUNT_TYPES = [
  'sports_bureau',
  'committee',
  'operator',
  'security_officer',
] as const satisfies readonly AccountType[];

/** Tells whether an account type must enrol in two-factor sign-in. */
export function requiresTotp(type: AccountType): boolean {
  return (TOTP_REQUIRED_ACCOUNT_TYPES as readonly string[]).includes(type);
}

export const ACCOUNT_TYPE_LABELS: Record<AccountType, string> = {
  sports_bureau: '市体育局',
  committee: '组委会',
  district_bureau: '区体育局',
  contractor: '中标单位',
  community_association: '市社区体育协会',
  street: '街镇',
  operator: '平台运营',
  security_officer: '安全审计员',
};

/** Levels of the division tree, from the city down to neighbourhood committees. */
export const DIVISION_LEVELS = ['city', 'district', 'street', 'community'] as const;
export type DivisionLevel = (typeof DIVISION_LEVELS)[number];

export const DIVISION_LEVEL_LABELS: Record<DivisionLevel, string> = {
  city: '市',
  district: '区',
  street: '街镇',
  community: '居委会',
};

/** Event levels; an event's level names who runs it, not only where it happens. */
export const EVENT_LEVELS = ['city', 'district', 'street', 'community'] as const;
export type EventLevel = (typeof EVENT_LEVELS)[number];

export const EVENT_LEVEL_LABELS: Record<EventLevel, string> = {
  city: '市级',
  district: '区级',
  street: '街镇级',
  community: '社区级',
};

/** Sections (板块) of the league. */
export const SECTIONS = [
  'league_event',
  'brand_event',
  'series',
  'x_sport',
  'fitness_test',
  'community_games',
  'online_event',
] as const;
export type Section = (typeof SECTIONS)[number];

export const SECTION_LABELS: Record<Section, string> = {
  league_event: '联赛',
  brand_event: '品牌赛事',
  series: '系列赛',
  x_sport: 'X项目',
  fitness_test: '体育锻炼达标赛',
  community_games: '社区健康运动会',
  online_event: '线上运动会',
};

/** Sports the league runs, with stable codes that events refer to. */
export const SPORTS = [
  { code: 'basketball', name: '篮球' },
  { code: 'basketball_3x3', name: '三人篮球' },
  { code: 'football', name: '足球' },
  { code: 'volleyball', name: '排球' },
  { code: 'table_tennis', name: '乒乓球' },
  { code: 'badminton', name: '羽毛球' },
  { code: 'tennis', name: '网球' },
  { code: 'running', name: '路跑' },
  { code: 'marathon', name: '马拉松' },
  { code: 'athletics', name: '田径' },
  { code: 'swimming', name: '游泳' },
  { code: 'rowing', name: '赛艇' },
  { code: 'dragon_boat', name: '龙舟' },
  { code: 'cycling', name: '自行车' },
  { code: 'wushu', name: '武术' },
  { code: 'taichi', name: '太极拳' },
  { code: 'go', name: '围棋' },
  { code: 'xiangqi', name: '象棋' },
  { code: 'bridge', name: '桥牌' },
  { code: 'square_dance', name: '广场舞' },
  { code: 'fitness', name: '健身' },
  { code: 'esports', name: '电子竞技' },
  { code: 'skateboarding', name: '滑板' },
  { code: 'climbing', name: '攀岩' },
  { code: 'frisbee', name: '飞盘' },
  { code: 'rope_skipping', name: '跳绳' },
  { code: 'tug_of_war', name: '拔河' },
] as const;
export type SportCode = (typeof SPORTS)[number]['code'];

const SPORT_NAMES: ReadonlyMap<string, string> = new Map(SPORTS.map((s) => [s.code, s.name]));

/** Returns the Chinese name of a sport code, or undefined for an unknown code. */
export function sportName(code: string): string | undefined {
  return SPORT_NAMES.get(code);
}
