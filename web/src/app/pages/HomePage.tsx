import { SEARCH_TEXT_MAX_LENGTH, SECTION_LABELS, SECTIONS, type Section } from '@cityleague/domain';
import { Button, ErrorBlock, InfiniteScroll, Skeleton, Tabs, Toast } from 'antd-mobile';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { useCitizen } from '../citizen-api';
import { DistrictPicker } from '../components/DistrictPicker';
import { EventCard } from '../components/EventCard';
import { QueryError } from '../components/QueryError';
import type { EventFilter } from '../events-api';
import { locateDistrict, placeDistrict, usePlace, type PlaceMode } from '../place-store';
import { useDistricts, useEventList } from '../queries';
import { useDocumentTitle } from '../use-document-title';

/** The four sections citizens look for most, shown as entrances at the top of the home page. */
const FEATURED_SECTIONS: readonly { section: Section; hint: string; icon: string }[] = [
  { section: 'league_event', hint: '全市联赛', icon: '赛' },
  { section: 'brand_event', hint: '各区品牌活动', icon: '品' },
  { section: 'community_games', hint: '家门口的运动会', icon: '社' },
  { section: 'fitness_test', hint: '锻炼达标测试', icon: '测' },
];
const SECTION_TABS: readonly Section[] = [
  ...FEATURED_SECTIONS.map((featured) => featured.section),
  ...SECTIONS.filter((section) => !FEATURED_SECTIONS.some((f) => f.section === section)),
];
const ALL_SECTIONS_KEY = 'all';

function isSection(value: string | null): value is Section {
  return value !== null && (SECTIONS as readonly string[]).includes(value);
}

const LOCATE_FAILURES = {
  outside: '当前位置不在上海市内，请手动选择区域',
  denied: '未获得定位权限，请手动选择区域',
  unavailable: '暂时无法定位，请手动选择区域',
};

export function HomePage() {
  useDocumentTitle();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const citizen = useCitizen();
  const [place, setPlace] = usePlace(citizen.data?.districtCode);
  const district = placeDistrict(place);
  const section = isSection(params.get('section')) ? (params.get('section') as Section) : '';
  const [locating, setLocating] = useState(false);

  const chooseMode = async (mode: PlaceMode) => {
    if (mode === 'mine') {
      setPlace({ mode });
      return;
    }
    setLocating(true);
    const located = await locateDistrict();
    setLocating(false);
    if (located.result === 'located') {
      setPlace({ mode, nearDistrict: located.district });
    } else {
      Toast.show({ content: LOCATE_FAILURES[located.result] });
    }
  };

  const search = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const text = new FormData(event.currentTarget).get('q');
    const query = new URLSearchParams();
    if (typeof text === 'string' && text.trim()) query.set('q', text.trim());
    navigate(`/search?${query.toString()}`);
  };

  const setSection = (next: Section | '') => {
    const nextParams = new URLSearchParams();
    if (next) nextParams.set('section', next);
    setParams(nextParams, { replace: true });
  };

  return (
    <div className="page home-page">
      <header className="home-header">
        <div className="home-header-row">
          <h1 className="home-title">城市业余联赛</h1>
          <nav className="home-header-links" aria-label="个人">
            <Link to="/tickets" className="home-header-link">
              我的报名
            </Link>
            <Link to="/me" className="home-header-link">
              我的
            </Link>
          </nav>
        </div>
        <form className="home-search" role="search" onSubmit={search}>
          <input
            name="q"
            type="search"
            maxLength={SEARCH_TEXT_MAX_LENGTH}
            className="home-search-input"
            placeholder="搜索赛事、项目或地区"
            aria-label="搜索赛事"
            enterKeyHint="search"
          />
          <button type="submit" className="home-search-button">
            搜索
          </button>
        </form>
        <div className="home-header-row place-row">
          <div className="place-switch" role="group" aria-label="推荐范围">
            <button
              type="button"
              aria-pressed={place.mode === 'near'}
              className={place.mode === 'near' ? 'place-mode active' : 'place-mode'}
              onClick={() => void chooseMode('near')}
              disabled={locating}
            >
              {locating ? '定位中…' : '附近'}
            </button>
            <button
              type="button"
              aria-pressed={place.mode === 'mine'}
              className={place.mode === 'mine' ? 'place-mode active' : 'place-mode'}
              onClick={() => void chooseMode('mine')}
            >
              我的区
            </button>
          </div>
          <DistrictPicker
            value={district}
            onChange={(code) =>
              setPlace(place.mode === 'near' ? { nearDistrict: code } : { myDistrict: code })
            }
          />
        </div>
      </header>

      <nav className="section-grid" aria-label="赛事板块">
        {FEATURED_SECTIONS.map((featured) => (
          <Link
            key={featured.section}
            className="section-tile"
            to={`/search?section=${featured.section}${district ? `&district=${district}` : ''}`}
          >
            <span className={`section-tile-icon icon-${featured.section}`} aria-hidden="true">
              {featured.icon}
            </span>
            <span className="section-tile-name">{SECTION_LABELS[featured.section]}</span>
            <span className="section-tile-hint">{featured.hint}</span>
          </Link>
        ))}
      </nav>

      <Link className="calendar-entry" to={`/calendar${district ? `?district=${district}` : ''}`}>
        <CalendarIcon />
        <span className="calendar-entry-text">赛事日历：按日期找赛事</span>
        <span aria-hidden="true">›</span>
      </Link>

      <Recommendations district={district} sports={citizen.data?.favouriteSports ?? []} />

      <section aria-labelledby="latest-title">
        <h2 className="home-section-title" id="latest-title">
          最新赛事
        </h2>
        <div className="section-tabs">
          <Tabs
            activeKey={section || ALL_SECTIONS_KEY}
            onChange={(key) => setSection(isSection(key) ? key : '')}
          >
            <Tabs.Tab key={ALL_SECTIONS_KEY} title="全部" />
            {SECTION_TABS.map((tab) => (
              <Tabs.Tab key={tab} title={SECTION_LABELS[tab]} />
            ))}
          </Tabs>
        </div>
        <div className="event-list">
          <EventList
            filter={{ section, district }}
            onShowAll={() => {
              setSection('');
              setPlace(place.mode === 'near' ? { nearDistrict: '' } : { myDistrict: '' });
            }}
          />
        </div>
      </section>
    </div>
  );
}

/**
 * Shows up to three upcoming events open for registration in the favourite sports and the
 * chosen district, soonest first. Without favourite sports it invites the citizen to pick some.
 */
function Recommendations({ district, sports }: { district: string; sports: string[] }) {
  const districts = useDistricts();
  const filter: EventFilter = { section: '', district, sports, open: true, sort: 'starts' };
  const list = useEventList(filter);
  const placeName = districts.data?.find((d) => d.code === district)?.name ?? '全市';
  const events = list.data?.pages[0]?.items.slice(0, 3) ?? [];

  return (
    <section className="recommend" aria-labelledby="recommend-title">
      <div className="home-section-head">
        <h2 className="home-section-title" id="recommend-title">
          为你推荐
        </h2>
        <span className="home-section-note">
          {placeName}
          {sports.length > 0 ? ' · 喜欢的项目' : ''} · 可报名
        </span>
      </div>
      {sports.length === 0 && (
        <Link className="recommend-hint" to="/me#favourite-sports">
          选择喜欢的运动项目，推荐更合你意 ›
        </Link>
      )}
      {list.isPending && <Skeleton.Paragraph lineCount={3} animated />}
      {list.isError && <QueryError error={list.error} onRetry={() => void list.refetch()} />}
      {list.isSuccess && events.length === 0 && (
        <p className="recommend-empty">暂时没有可报名的推荐赛事，看看下方的最新赛事</p>
      )}
      {events.length > 0 && (
        <ul className="event-cards" aria-label="推荐赛事">
          {events.map((event) => (
            <li key={event.id}>
              <EventCard event={event} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function EventList({
  filter,
  onShowAll,
  onClearFilters,
}: {
  filter: EventFilter;
  onShowAll?: () => void;
  /** Action of the 清除筛选 button that an empty list shows. Leave it out when no filter is set. */
  onClearFilters?: () => void;
}) {
  const list = useEventList(filter);

  if (list.isPending) return <EventListSkeleton />;
  if (list.isError) return <QueryError error={list.error} onRetry={() => void list.refetch()} />;

  const events = list.data.pages.flatMap((page) => page.items);
  if (events.length === 0) {
    return (
      <ErrorBlock status="empty" title="暂无赛事" description="换个条件看看">
        {onShowAll && (
          <Button color="primary" fill="outline" size="large" onClick={onShowAll}>
            查看全市全部赛事
          </Button>
        )}
        {onClearFilters && (
          <Button color="primary" fill="outline" size="large" onClick={onClearFilters}>
            清除筛选
          </Button>
        )}
      </ErrorBlock>
    );
  }

  return (
    <>
      <ul className="event-cards" aria-label="赛事列表">
        {events.map((event) => (
          <li key={event.id}>
            <EventCard event={event} />
          </li>
        ))}
      </ul>
      <InfiniteScroll
        hasMore={list.hasNextPage}
        loadMore={() => list.fetchNextPage({ throwOnError: true }).then(() => undefined)}
      />
    </>
  );
}

export function EventListSkeleton() {
  return (
    <div className="event-cards" aria-busy="true" aria-label="正在加载赛事">
      {[0, 1, 2].map((index) => (
        <div key={index} className="event-card skeleton-card">
          <Skeleton.Title animated />
          <Skeleton.Paragraph lineCount={3} animated />
        </div>
      ))}
    </div>
  );
}

function CalendarIcon() {
  return (
    <svg width="22" height="22" viewBox="0 0 22 22" aria-hidden="true">
      <rect
        x="2"
        y="4"
        width="18"
        height="16"
        rx="3"
        fill="none"
        stroke="currentColor"
        strokeWidth="2"
      />
      <path d="M2 9h18M7 2v4M15 2v4" stroke="currentColor" strokeWidth="2" />
    </svg>
  );
}
