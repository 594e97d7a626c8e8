// Listing and search requests of the benchmark's read scenarios.

/** Division code of 徐汇区, the district that the search and dashboard scenarios use. */
export const XUHUI = '310104';

/**
 * Listing and search scenarios as [name, path]. bench/run.mjs judges every scenario whose name
 * starts with `listing` or `search` against LIMITS.listingP99Ms on the largest data set. The
 * searches cover a sport name (篮球), a district name (徐汇), pinyin initials (lq), full pinyin
 * of a sport and of a district (lanqiu, xuhui), and a sport with filters.
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
]);
