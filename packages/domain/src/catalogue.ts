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

/** Categories of the sports catalogue, in the order the filing form lists them. */
export const SPORT_CATEGORIES = [
  'ball_games',
  'athletics',
  'water_sports',
  'cycling',
  'martial_arts',
  'mind_sports',
  'dance',
  'fitness',
  'esports',
  'x_sports',
  'traditional',
] as const;
export type SportCategory = (typeof SPORT_CATEGORIES)[number];

export const SPORT_CATEGORY_LABELS: Record<SportCategory, string> = {
  ball_games: '球类',
  athletics: '田径与路跑',
  water_sports: '水上运动',
  cycling: '自行车',
  martial_arts: '武术与搏击',
  mind_sports: '棋牌',
  dance: '舞蹈',
  fitness: '健身',
  esports: '电子竞技',
  x_sports: 'X项目',
  traditional: '民族传统与趣味',
};

/**
 * Sports the league runs, with stable codes that events and contracts refer to. The pinyin
 * initials let organisers find a sport by typing them.
 */
export const SPORTS = [
  { code: 'basketball', name: '篮球', category: 'ball_games', initials: 'lq' },
  { code: 'basketball_3x3', name: '三人篮球', category: 'ball_games', initials: 'srlq' },
  { code: 'football', name: '足球', category: 'ball_games', initials: 'zq' },
  { code: 'futsal', name: '五人制足球', category: 'ball_games', initials: 'wrzzq' },
  { code: 'volleyball', name: '排球', category: 'ball_games', initials: 'pq' },
  { code: 'beach_volleyball', name: '沙滩排球', category: 'ball_games', initials: 'stpq' },
  { code: 'air_volleyball', name: '气排球', category: 'ball_games', initials: 'qpq' },
  { code: 'table_tennis', name: '乒乓球', category: 'ball_games', initials: 'ppq' },
  { code: 'badminton', name: '羽毛球', category: 'ball_games', initials: 'ymq' },
  { code: 'tennis', name: '网球', category: 'ball_games', initials: 'wq' },
  { code: 'pickleball', name: '匹克球', category: 'ball_games', initials: 'pkq' },
  { code: 'golf', name: '高尔夫球', category: 'ball_games', initials: 'gefq' },
  { code: 'baseball', name: '棒垒球', category: 'ball_games', initials: 'blq' },
  { code: 'rugby', name: '橄榄球', category: 'ball_games', initials: 'glq' },
  { code: 'hockey', name: '曲棍球', category: 'ball_games', initials: 'qgq' },
  { code: 'billiards', name: '台球', category: 'ball_games', initials: 'tq' },
  { code: 'gateball', name: '门球', category: 'ball_games', initials: 'mq' },
  { code: 'running', name: '路跑', category: 'athletics', initials: 'lp' },
  { code: 'marathon', name: '马拉松', category: 'athletics', initials: 'mls' },
  { code: 'athletics', name: '田径', category: 'athletics', initials: 'tj' },
  { code: 'trail_running', name: '越野跑', category: 'athletics', initials: 'yyp' },
  { code: 'race_walking', name: '健步走', category: 'athletics', initials: 'jbz' },
  { code: 'orienteering', name: '定向', category: 'athletics', initials: 'dx' },
  { code: 'swimming', name: '游泳', category: 'water_sports', initials: 'yy' },
  { code: 'rowing', name: '赛艇', category: 'water_sports', initials: 'st' },
  { code: 'canoeing', name: '皮划艇', category: 'water_sports', initials: 'pht' },
  { code: 'dragon_boat', name: '龙舟', category: 'water_sports', initials: 'lz' },
  { code: 'sailing', name: '帆船', category: 'water_sports', initials: 'fc' },
  { code: 'paddle_board', name: '桨板', category: 'water_sports', initials: 'jb' },
  { code: 'cycling', name: '自行车', category: 'cycling', initials: 'zxc' },
  { code: 'road_cycling', name: '公路自行车', category: 'cycling', initials: 'glzxc' },
  { code: 'mountain_biking', name: '山地自行车', category: 'cycling', initials: 'sdzxc' },
  { code: 'wushu', name: '武术', category: 'martial_arts', initials: 'ws' },
  { code: 'taichi', name: '太极拳', category: 'martial_arts', initials: 'tjq' },
  { code: 'taekwondo', name: '跆拳道', category: 'martial_arts', initials: 'tqd' },
  { code: 'judo', name: '柔道', category: 'martial_arts', initials: 'rd' },
  { code: 'boxing', name: '拳击', category: 'martial_arts', initials: 'qj' },
  { code: 'fencing', name: '击剑', category: 'martial_arts', initials: 'jj' },
  { code: 'go', name: '围棋', category: 'mind_sports', initials: 'wq' },
  { code: 'xiangqi', name: '象棋', category: 'mind_sports', initials: 'xq' },
  { code: 'chess', name: '国际象棋', category: 'mind_sports', initials: 'gjxq' },
  { code: 'bridge', name: '桥牌', category: 'mind_sports', initials: 'qp' },
  { code: 'draughts', name: '五子棋', category: 'mind_sports', initials: 'wzq' },
  { code: 'square_dance', name: '广场舞', category: 'dance', initials: 'gcw' },
  { code: 'sports_dance', name: '体育舞蹈', category: 'dance', initials: 'tywd' },
  { code: 'aerobics', name: '健身操', category: 'dance', initials: 'jsc' },
  { code: 'fitness', name: '健身', category: 'fitness', initials: 'js' },
  { code: 'fitness_test', name: '体质测试', category: 'fitness', initials: 'tzcs' },
  { code: 'weightlifting', name: '举重', category: 'fitness', initials: 'jz' },
  { code: 'yoga', name: '瑜伽', category: 'fitness', initials: 'yj' },
  { code: 'rope_skipping', name: '跳绳', category: 'fitness', initials: 'ts' },
  { code: 'esports', name: '电子竞技', category: 'esports', initials: 'dzjj' },
  { code: 'skateboarding', name: '滑板', category: 'x_sports', initials: 'hb' },
  { code: 'climbing', name: '攀岩', category: 'x_sports', initials: 'py' },
  { code: 'frisbee', name: '飞盘', category: 'x_sports', initials: 'fp' },
  { code: 'roller_skating', name: '轮滑', category: 'x_sports', initials: 'lh' },
  { code: 'bmx', name: '小轮车', category: 'x_sports', initials: 'xlc' },
  { code: 'parkour', name: '跑酷', category: 'x_sports', initials: 'pk' },
  { code: 'breaking', name: '霹雳舞', category: 'x_sports', initials: 'plw' },
  { code: 'surfing', name: '冲浪', category: 'x_sports', initials: 'cl' },
  { code: 'tug_of_war', name: '拔河', category: 'traditional', initials: 'bh' },
  { code: 'shuttlecock', name: '毽球', category: 'traditional', initials: 'jq' },
  { code: 'kite', name: '风筝', category: 'traditional', initials: 'fz' },
  { code: 'fun_games', name: '趣味运动', category: 'traditional', initials: 'qwyd' },
] as const satisfies readonly {
  code: string;
  name: string;
  category: SportCategory;
  initials: string;
}[];
export type SportCode = (typeof SPORTS)[number]['code'];

/** Maximum length of an event search text; longer input is a typing accident, not a query. */
export const SEARCH_TEXT_MAX_LENGTH = 50;

/**
 * Other words that people type for a sport, for the public event search: everyday words
 * (跑步, 骑行), short forms (羽球, 电竞) and names of a variant (半马, 桨板 SUP). The search
 * matches a typed word against these as it does against the sport's name: contained in the
 * alias, equal to its pinyin initials, or the start of its full pinyin (paobu).
 */
export const SPORT_SEARCH_ALIASES: Readonly<Partial<Record<SportCode, readonly string[]>>> = {
  basketball_3x3: ['三对三', '3x3'],
  football: ['踢球'],
  futsal: ['五人足球', '5人制足球', '室内足球'],
  badminton: ['羽球'],
  baseball: ['棒球'],
  billiards: ['桌球', '斯诺克'],
  running: ['跑步', '长跑', '夜跑'],
  marathon: ['跑步', '长跑', '半马', '全马', '半程马拉松'],
  athletics: ['短跑', '跳远', '跳高'],
  trail_running: ['跑步', '山地跑'],
  race_walking: ['徒步', '健走', '走路'],
  orienteering: ['定向越野', '定向赛'],
  swimming: ['冬泳', '公开水域'],
  rowing: ['划船'],
  canoeing: ['皮艇'],
  dragon_boat: ['划龙舟', '赛龙舟'],
  paddle_board: ['sup'],
  cycling: ['骑行', '单车'],
  road_cycling: ['骑行', '公路车'],
  mountain_biking: ['骑行', '山地车'],
  taichi: ['太极剑'],
  wushu: ['功夫'],
  go: ['下棋'],
  xiangqi: ['下棋', '中国象棋'],
  chess: ['下棋'],
  sports_dance: ['国标舞', '拉丁舞', '交谊舞'],
  aerobics: ['健美操', '广播操'],
  fitness_test: ['体测', '体质监测'],
  esports: ['电竞'],
  roller_skating: ['溜冰', '旱冰'],
  breaking: ['街舞'],
  frisbee: ['极限飞盘'],
  shuttlecock: ['毽子', '踢毽子'],
  kite: ['放风筝'],
};

const SPORT_NAMES: ReadonlyMap<string, string> = new Map(SPORTS.map((s) => [s.code, s.name]));

/** Returns the Chinese name of a sport code, or undefined for an unknown code. */
export function sportName(code: string): string | undefined {
  return SPORT_NAMES.get(code);
}
