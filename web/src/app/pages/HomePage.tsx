import { SECTION_LABELS, SECTIONS, type Section } from '@cityleague/domain';
import { Button, ErrorBlock, InfiniteScroll, PullToRefresh, Skeleton, Tabs } from 'antd-mobile';
import { Link, useSearchParams } from 'react-router-dom';
import { DistrictPicker } from '../components/DistrictPicker';
import { EventCard } from '../components/EventCard';
import { QueryError } from '../components/QueryError';
import type { EventFilter } from '../events-api';
import { useEventList } from '../queries';
import { useDocumentTitle } from '../use-document-title';

// The home page shows the sections citizens look for most first, then the rest.
const FIRST_SECTIONS: readonly Section[] = [
  'league_event',
  'brand_event',
  'community_games',
  'fitness_test',
];
const SECTION_TABS: readonly Section[] = [
  ...FIRST_SECTIONS,
  ...SECTIONS.filter((section) => !FIRST_SECTIONS.includes(section)),
];
const ALL_SECTIONS_KEY = 'all';
const DISTRICT_CODE = /^[0-9]{6}$/;

function isSection(value: string | null): value is Section {
  return value !== null && (SECTIONS as readonly string[]).includes(value);
}

/** Reads the list filter from the address, so that back and reload keep it. */
function useEventFilter(): [EventFilter, (next: EventFilter) => void] {
  const [params, setParams] = useSearchParams();
  const section = params.get('section');
  const district = params.get('district') ?? '';
  const filter: EventFilter = {
    section: isSection(section) ? section : '',
    district: DISTRICT_CODE.test(district) ? district : '',
  };
  const setFilter = (next: EventFilter) => {
    const nextParams = new URLSearchParams();
    if (next.section) nextParams.set('section', next.section);
    if (next.district) nextParams.set('district', next.district);
    setParams(nextParams, { replace: true });
  };
  return [filter, setFilter];
}

export function HomePage() {
  useDocumentTitle();
  const [filter, setFilter] = useEventFilter();

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
        <div className="home-header-row">
          <DistrictPicker
            value={filter.district}
            onChange={(district) => setFilter({ ...filter, district })}
          />
          <span className="home-slogan">家门口的赛事，随时报名</span>
        </div>
      </header>

      <nav className="section-tabs" aria-label="赛事板块">
        <Tabs
          activeKey={filter.section || ALL_SECTIONS_KEY}
          onChange={(key) => setFilter({ ...filter, section: isSection(key) ? key : '' })}
        >
          <Tabs.Tab key={ALL_SECTIONS_KEY} title="全部" />
          {SECTION_TABS.map((section) => (
            <Tabs.Tab key={section} title={SECTION_LABELS[section]} />
          ))}
        </Tabs>
      </nav>

      <main className="event-list">
        <EventList filter={filter} onShowAll={() => setFilter({ section: '', district: '' })} />
      </main>
    </div>
  );
}

function EventList({ filter, onShowAll }: { filter: EventFilter; onShowAll: () => void }) {
  const list = useEventList(filter);

  if (list.isPending) return <EventListSkeleton />;
  if (list.isError) return <QueryError error={list.error} onRetry={() => void list.refetch()} />;

  const events = list.data.pages.flatMap((page) => page.items);
  const filtered = filter.section !== '' || filter.district !== '';
  if (events.length === 0) {
    return (
      <ErrorBlock
        status="empty"
        title="暂无赛事"
        description={
          filtered ? '当前区域或板块还没有发布赛事，换个条件看看' : '赛事发布后会显示在这里'
        }
      >
        {filtered && (
          <Button color="primary" fill="outline" size="large" onClick={onShowAll}>
            查看全市全部赛事
          </Button>
        )}
      </ErrorBlock>
    );
  }

  return (
    <PullToRefresh onRefresh={() => list.refetch().then(() => undefined)}>
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
    </PullToRefresh>
  );
}

function EventListSkeleton() {
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
