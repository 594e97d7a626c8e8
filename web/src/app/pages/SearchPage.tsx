import {
  isRealDate,
  SEARCH_TEXT_MAX_LENGTH,
  sportName,
  SECTION_LABELS,
  SECTIONS,
  type Section,
} from '@cityleague/domain';
import { Button, Checkbox, ErrorBlock, Popup, Selector } from 'antd-mobile';
import { useState, type FormEvent, type ReactNode } from 'react';
import { useSearchParams } from 'react-router-dom';
import { PageNavBar } from '../components/PageNavBar';
import type { EventFilter } from '../events-api';
import { useDistricts, useSports, useStreets } from '../queries';
import { shanghaiDate } from '../format';
import { useDocumentTitle } from '../use-document-title';
import { EventList, EventListSkeleton } from './HomePage';

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const FEE_LABELS = { free: '免费', paid: '收费' } as const;
// Division codes as the server accepts them: 6 digits for a district, 9 for a street.
const DISTRICT_CODE = /^[0-9]{6}$/;
const STREET_CODE = /^[0-9]{9}$/;
const SPORT_CODE = /^[a-z0-9_]+$/;
const MAX_SPORTS = 20;

/** Returns the day when it is a real calendar day written as YYYY-MM-DD, else ''. */
function validDay(value: string | null): string {
  const match = DAY.exec(value ?? '');
  if (!match) return '';
  return isRealDate(Number(match[1]), Number(match[2]), Number(match[3])) ? match[0] : '';
}

/** Returns the search text cut to SEARCH_TEXT_MAX_LENGTH characters, as the server counts them. */
function searchTextOf(params: URLSearchParams): string {
  return Array.from(params.get('q') ?? '')
    .slice(0, SEARCH_TEXT_MAX_LENGTH)
    .join('');
}

/** Tells whether the address contains a search text longer than the server accepts. */
function isSearchTextCut(params: URLSearchParams): boolean {
  return Array.from(params.get('q') ?? '').length > SEARCH_TEXT_MAX_LENGTH;
}

/**
 * Reads the search and its filters from the address, so that back, reload and links keep them.
 * A value the server would reject (a malformed code, an impossible day) is dropped, and an
 * over-long search text is cut, so that an edited or truncated link resets that filter
 * instead of failing the search.
 */
function filterOf(params: URLSearchParams): EventFilter {
  const section = params.get('section');
  const fee = params.get('fee');
  const district = DISTRICT_CODE.test(params.get('district') ?? '') ? params.get('district')! : '';
  const street = params.get('street') ?? '';
  return {
    q: searchTextOf(params),
    section: (SECTIONS as readonly string[]).includes(section ?? '') ? (section as Section) : '',
    district,
    // A street only narrows its district, so it needs one and must lie inside it.
    street: district && STREET_CODE.test(street) && street.startsWith(district) ? street : '',
    sports: (params.get('sports') ?? '')
      .split(',')
      .filter((code) => SPORT_CODE.test(code) && sportName(code) !== undefined)
      .slice(0, MAX_SPORTS),
    // Without a start date the search lists what is still to come, soonest first.
    from: validDay(params.get('from')) || shanghaiDate(),
    to: validDay(params.get('to')),
    fee: fee === 'free' || fee === 'paid' ? fee : '',
    open: params.get('open') === 'true',
    sort: 'starts',
  };
}

function paramsOf(filter: EventFilter): URLSearchParams {
  const params = new URLSearchParams();
  const set = (name: string, value: string | undefined) => value && params.set(name, value);
  set('q', filter.q?.trim());
  set('section', filter.section);
  set('district', filter.district);
  set('street', filter.street);
  set('sports', filter.sports?.join(','));
  if (filter.from !== shanghaiDate()) set('from', filter.from);
  set('to', filter.to);
  set('fee', filter.fee);
  if (filter.open) params.set('open', 'true');
  return params;
}

type Sheet = 'section' | 'sport' | 'place' | 'date' | 'fee' | null;

/** Search with filters by section, sport, district and street, dates, fee and open registration. */
export function SearchPage() {
  useDocumentTitle('搜索赛事');
  const [params, setParams] = useSearchParams();
  const [sheet, setSheet] = useState<Sheet>(null);
  const sports = useSports();
  const districts = useDistricts();
  const placeFilter = withKnownDistrict(filterOf(params), districts.data);
  // The server rejects an unknown district or street, so the link's place is checked against
  // the division lists before its streets and events are requested. A list that failed to load
  // checks nothing, and the server then decides.
  const districtChecked = !placeFilter.district || !districts.isPending;
  const streets = useStreets(districtChecked ? (placeFilter.district ?? '') : '');
  const filter = withKnownStreet(placeFilter, streets.data);
  const placeChecked = districtChecked && (!filter.street || !streets.isPending);
  const ignored = ignoredFilters(params, filter);
  const reversed = Boolean(filter.from && filter.to && filter.from > filter.to);
  const searchTextCut = isSearchTextCut(params);

  const apply = (next: Partial<EventFilter>) => {
    setParams(paramsOf({ ...filter, ...next }), { replace: true });
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const text = new FormData(event.currentTarget).get('q');
    apply({ q: typeof text === 'string' ? text : '' });
    (document.activeElement as HTMLElement | null)?.blur();
  };

  const sportNames = (filter.sports ?? [])
    .map((code) => sports.data?.find((sport) => sport.code === code)?.name ?? code)
    .join('、');
  const districtName = districts.data?.find((d) => d.code === filter.district)?.name;
  const streetName = streets.data?.find((street) => street.code === filter.street)?.name;
  const placeText = districtName && streetName ? `${districtName}·${streetName}` : districtName;
  const dateText =
    filter.from !== shanghaiDate() || filter.to ? dateRangeText(filter.from, filter.to) : '';
  const feeText = filter.fee ? FEE_LABELS[filter.fee] : '';

  return (
    <div className="page">
      <PageNavBar title="搜索赛事" />
      <form className="search-bar" role="search" onSubmit={submit}>
        <input
          key={filter.q}
          name="q"
          type="search"
          maxLength={SEARCH_TEXT_MAX_LENGTH}
          className="search-input"
          defaultValue={filter.q}
          placeholder="赛事、项目或地点，可用拼音"
          aria-label="搜索赛事"
          enterKeyHint="search"
        />
        <button type="submit" className="search-button">
          搜索
        </button>
      </form>
      <div className="filter-chips" role="group" aria-label="筛选条件">
        <Chip
          label={filter.section ? SECTION_LABELS[filter.section] : '板块'}
          active={!!filter.section}
          onClick={() => setSheet('section')}
        />
        <Chip
          label={sportNames || '项目'}
          active={!!sportNames}
          onClick={() => setSheet('sport')}
        />
        <Chip
          label={placeText ?? '区域'}
          active={!!districtName}
          onClick={() => setSheet('place')}
        />
        <Chip label={dateText || '日期'} active={!!dateText} onClick={() => setSheet('date')} />
        <Chip label={feeText || '费用'} active={!!feeText} onClick={() => setSheet('fee')} />
        <label className={filter.open ? 'chip active' : 'chip'}>
          <Checkbox
            checked={filter.open}
            onChange={(open) => apply({ open })}
            style={{ '--icon-size': '1.125rem', '--font-size': '0.9375rem' }}
          >
            可报名
          </Checkbox>
        </label>
      </div>

      <main className="page-body">
        {ignored.length > 0 && (
          <p className="page-note" role="status">
            链接中的{ignored.join('、')}条件无效，已忽略
          </p>
        )}
        {searchTextCut && (
          <p className="page-note" role="status">
            搜索内容最多 {SEARCH_TEXT_MAX_LENGTH} 个字，已按前 {SEARCH_TEXT_MAX_LENGTH} 个字搜索
          </p>
        )}
        {reversed ? (
          <ErrorBlock
            status="empty"
            title="结束日期早于开始日期"
            description="请清除日期后重新选择"
          >
            <Button color="primary" onClick={() => apply({ from: '', to: '' })}>
              清除日期
            </Button>
          </ErrorBlock>
        ) : placeChecked ? (
          <EventList
            filter={filter}
            onClearFilters={
              hasFilters(filter)
                ? () => setParams(clearedParams(filter), { replace: true })
                : undefined
            }
          />
        ) : (
          <EventListSkeleton />
        )}
      </main>

      <FilterSheet title="选择板块" open={sheet === 'section'} onClose={() => setSheet(null)}>
        <Selector
          columns={2}
          value={filter.section ? [filter.section] : []}
          options={SECTIONS.map((section) => ({ label: SECTION_LABELS[section], value: section }))}
          onChange={(values) => apply({ section: (values[0] as Section | undefined) ?? '' })}
        />
      </FilterSheet>
      <FilterSheet
        title="选择运动项目（可多选）"
        open={sheet === 'sport'}
        onClose={() => setSheet(null)}
      >
        <Selector
          className="sport-selector"
          columns={3}
          multiple
          value={filter.sports ?? []}
          options={(sports.data ?? []).map((sport) => ({ label: sport.name, value: sport.code }))}
          onChange={(values) => apply({ sports: values })}
        />
      </FilterSheet>
      <FilterSheet title="选择区域" open={sheet === 'place'} onClose={() => setSheet(null)}>
        <PlaceFilter filter={filter} onChange={apply} />
      </FilterSheet>
      <FilterSheet title="选择日期" open={sheet === 'date'} onClose={() => setSheet(null)}>
        <DateFilter filter={filter} onChange={apply} />
      </FilterSheet>
      <FilterSheet title="选择费用" open={sheet === 'fee'} onClose={() => setSheet(null)}>
        <Selector
          columns={2}
          value={filter.fee ? [filter.fee] : []}
          options={[
            { label: '免费', value: 'free' },
            { label: '收费', value: 'paid' },
          ]}
          onChange={(values) => apply({ fee: (values[0] as 'free' | 'paid' | undefined) ?? '' })}
        />
      </FilterSheet>
    </div>
  );
}

/** Tells whether a loaded list of divisions lacks `code`; an unloaded list lacks nothing. */
function isUnknown(code: string | undefined, divisions: readonly { code: string }[] | undefined) {
  return Boolean(code && divisions && !divisions.some((division) => division.code === code));
}

/**
 * Drops a district that the division list does not know, once the list has loaded, because
 * the server rejects an unknown district.
 */
function withKnownDistrict(
  filter: EventFilter,
  districts: readonly { code: string }[] | undefined,
): EventFilter {
  return isUnknown(filter.district, districts) ? { ...filter, district: '', street: '' } : filter;
}

/** Drops a street that the district's loaded streets do not list. */
function withKnownStreet(
  filter: EventFilter,
  streets: readonly { code: string }[] | undefined,
): EventFilter {
  return isUnknown(filter.street, streets) ? { ...filter, street: '' } : filter;
}

/**
 * Returns the names of the filter chips whose values in the address were dropped as invalid,
 * so that the page shows a note instead of silently listing more.
 */
function ignoredFilters(params: URLSearchParams, filter: EventFilter): string[] {
  const present = (name: string) => (params.get(name) ?? '') !== '';
  const names = new Set<string>();
  if (present('section') && !filter.section) names.add('板块');
  const sports = (params.get('sports') ?? '').split(',').filter((code) => code !== '');
  if (new Set(sports).size > (filter.sports ?? []).length) names.add('项目');
  const placeDropped =
    (present('district') && filter.district !== params.get('district')) ||
    (present('street') && filter.street !== params.get('street'));
  if (placeDropped) names.add('区域');
  const dayDropped =
    (present('from') && !validDay(params.get('from'))) ||
    (present('to') && !validDay(params.get('to')));
  if (dayDropped) names.add('日期');
  if (present('fee') && !filter.fee) names.add('费用');
  return [...names];
}

/** Returns whether any filter chip narrows the search. The search text is not a filter. */
function hasFilters(filter: EventFilter): boolean {
  return paramsOf({ ...filter, q: '' }).toString() !== '';
}

/** Returns the search parameters of the same search text with every filter removed. */
function clearedParams(filter: EventFilter): URLSearchParams {
  return paramsOf({ section: '', district: '', q: filter.q, from: shanghaiDate() });
}

/** Returns "12月5日", or "2020年1月1日" when `withYear` is set. */
function shortDay(day: string, withYear: boolean): string {
  const [year, month, date] = day.split('-');
  return `${withYear ? `${year}年` : ''}${Number(month)}月${Number(date)}日`;
}

/**
 * Returns the date chip's text, e.g. "12月5日–12月20日". A day outside the current year shows
 * its year, and the end day repeats it only when the two years differ:
 * "2020年1月1日–12月31日".
 */
function dateRangeText(from: string | undefined, to: string | undefined): string {
  const currentYear = shanghaiDate().slice(0, 4);
  const fromYear = from?.slice(0, 4);
  const toYear = to?.slice(0, 4);
  const start = from ? shortDay(from, fromYear !== currentYear) : '';
  const end = to ? shortDay(to, toYear !== currentYear && toYear !== fromYear) : '';
  return `${start}–${end}`;
}

function Chip({ label, active, onClick }: { label: string; active: boolean; onClick: () => void }) {
  return (
    <button
      type="button"
      className={active ? 'chip active' : 'chip'}
      aria-haspopup="dialog"
      onClick={onClick}
    >
      <span className="chip-label">{label}</span>
      <span aria-hidden="true">&nbsp;▾</span>
    </button>
  );
}

function FilterSheet({
  title,
  open,
  onClose,
  children,
}: {
  title: string;
  open: boolean;
  onClose: () => void;
  children: ReactNode;
}) {
  return (
    <Popup visible={open} onMaskClick={onClose} onClose={onClose} bodyClassName="sheet">
      <div role="dialog" aria-modal="true" aria-label={title}>
        <div className="sheet-head">
          <span className="sheet-title">{title}</span>
          <button type="button" className="sheet-close" onClick={onClose}>
            完成
          </button>
        </div>
        <div className="sheet-body">{children}</div>
      </div>
    </Popup>
  );
}

function PlaceFilter({
  filter,
  onChange,
}: {
  filter: EventFilter;
  onChange: (next: Partial<EventFilter>) => void;
}) {
  const districts = useDistricts();
  const streets = useStreets(filter.district);
  return (
    <>
      <Selector
        columns={3}
        value={[filter.district]}
        options={[
          { label: '全市', value: '' },
          ...(districts.data ?? []).map((d) => ({ label: d.name, value: d.code })),
        ]}
        onChange={(values) => onChange({ district: values[0] ?? '', street: '' })}
      />
      {filter.district && (streets.data ?? []).length > 0 && (
        <>
          <p className="sheet-subtitle">街镇</p>
          <Selector
            columns={2}
            value={[filter.street ?? '']}
            options={[
              { label: '全区', value: '' },
              ...(streets.data ?? []).map((s) => ({ label: s.name, value: s.code })),
            ]}
            onChange={(values) => onChange({ street: values[0] ?? '' })}
          />
        </>
      )}
    </>
  );
}

function DateFilter({
  filter,
  onChange,
}: {
  filter: EventFilter;
  onChange: (next: Partial<EventFilter>) => void;
}) {
  const [swapped, setSwapped] = useState(false);
  // The min and max attributes only limit the calendar: a typed day can still reverse the
  // range, so such a change swaps the two days and shows a note.
  const change = (from: string, to: string) => {
    const reversed = from !== '' && to !== '' && from > to;
    setSwapped(reversed);
    onChange(reversed ? { from: to, to: from } : { from, to });
  };
  return (
    <div className="date-filter">
      <label className="date-field">
        开始日期
        <input
          type="date"
          value={filter.from ?? ''}
          max={filter.to || undefined}
          onChange={(event) => change(event.target.value, filter.to ?? '')}
        />
      </label>
      <label className="date-field">
        结束日期
        <input
          type="date"
          value={filter.to ?? ''}
          min={filter.from || undefined}
          onChange={(event) => change(filter.from ?? '', event.target.value)}
        />
      </label>
      {swapped && (
        <p className="date-filter-note" role="status">
          结束日期早于开始日期，已将两个日期对调
        </p>
      )}
      <Button fill="outline" onClick={() => onChange({ from: '', to: '' })}>
        从今天起
      </Button>
    </div>
  );
}
