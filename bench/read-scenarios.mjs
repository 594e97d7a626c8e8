// Listing and search requests of the benchmark's read scenarios.

/** Division code of 徐汇区, the district that the search and dashboard scenarios use. */
export const XUHUI = '310104';

// Words of the rotating search: sport names, district names and street names (real divisions).
const SPORT_WORDS = [
  '篮球',
  '足球',
  '羽毛球',
  '乒乓球',
  '游泳',
  '跑步',
  '网球',
  '排球',
  '跳绳',
  '太极拳',
];
const DISTRICT_WORDS = [
  '黄浦',
  '徐汇',
  '长宁',
  '静安',
  '普陀',
  '虹口',
  '杨浦',
  '闵行',
  '宝山',
  '嘉定',
  '浦东',
  '金山',
  '松江',
  '青浦',
  '奉贤',
  '崇明',
];
const STREET_WORDS = [
  '南京东路',
  '外滩',
  '天平路',
  '湖南路',
  '江苏路',
  '江宁路',
  '曹杨新村',
  '陆家嘴',
  '江川路',
  '吴淞',
];
const SEARCH_WORDS = [...SPORT_WORDS, ...DISTRICT_WORDS, ...STREET_WORDS];
const SEARCH_FILTERS = [
  '',
  `&district=${XUHUI}`,
  '&district=310115',
  '&section=league_event&fee=free',
  '&sort=starts',
  `&district=${XUHUI}&street=310104003`,
];
// Page sizes 11 to 30 multiply the distinct queries while keeping pages near the default 20.
const PAGE_SIZES = Array.from({ length: 20 }, (_, index) => 11 + index);

/**
 * Paths of the rotating search, every one distinct: each search word with each filter and page
 * size. Consecutive paths differ in the word first, then the filter, then the page size.
 */
export const ROTATING_SEARCH_PATHS = Object.freeze(
  PAGE_SIZES.flatMap((limit) =>
    SEARCH_FILTERS.flatMap((filter) =>
      SEARCH_WORDS.map(
        (word) => `/api/events?q=${encodeURIComponent(word)}${filter}&limit=${limit}`,
      ),
    ),
  ),
);

/**
 * Listing and search scenarios as [name, path], or [name, paths] for requests that take the
 * paths in turn. bench/run.mjs judges every scenario whose name starts with `listing` or
 * `search` against LIMITS.listingP99Ms on the largest data set. The searches cover a sport name
 * (篮球), a district name (徐汇), pinyin initials (lq), full pinyin of a sport and of a district
 * (lanqiu, xuhui), and a sport with filters.
 *
 * The server keeps each result for READ_CACHE_MILLISECONDS (1000 by default), so nearly every
 * request of a scenario that repeats one path is a cache hit. The rotating search sends 4,320
 * distinct paths in turn: below 4,320 requests per second no path repeats within a second, so
 * every request is computed.
 */
export const LISTING_AND_SEARCH_SCENARIOS = Object.freeze([
  ['listing, newest first', '/api/events'],
  ['search 篮球', `/api/events?q=${encodeURIComponent('篮球')}`],
  ['search 徐汇', `/api/events?q=${encodeURIComponent('徐汇')}`],
  ['search pinyin lq', '/api/events?q=lq'],
  ['search pinyin lanqiu', '/api/events?q=lanqiu'],
  ['search pinyin xuhui', '/api/events?q=xuhui'],
  [
    'search 篮球 + district, section, free',
    `/api/events?q=${encodeURIComponent('篮球')}&district=${XUHUI}&section=league_event&fee=free`,
  ],
  [`search rotating over ${ROTATING_SEARCH_PATHS.length} queries`, ROTATING_SEARCH_PATHS],
]);
