import { Button, CapsuleTabs, ErrorBlock, Skeleton } from 'antd-mobile';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import { isNotFound } from '../../lib/messages';
import { PageNavBar } from '../components/PageNavBar';
import { QueryError } from '../components/QueryError';
import { formatDateTime } from '../format';
import { shouldRetry } from '../queries';
import { fetchPublicResults, type PublicResult } from '../results-api';
import { useDocumentTitle } from '../use-document-title';

const ALL_GROUPS = 'all';

/** The public result list of one event, by group, with names masked. */
export function ResultsPage() {
  const { id = '' } = useParams();
  const [group, setGroup] = useState(ALL_GROUPS);
  const [lookup, setLookup] = useState<string | null>(null);
  const groupId = group === ALL_GROUPS ? null : group;
  const results = useInfiniteQuery({
    queryKey: ['events', 'results', id, groupId, lookup],
    queryFn: ({ pageParam }) => fetchPublicResults(id, groupId, pageParam, lookup),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
    // Keeps the page, lookup box included, on screen while another group or lookup loads.
    placeholderData: keepPreviousData,
    retry: shouldRetry,
  });
  const first = results.data?.pages[0];
  useDocumentTitle(first ? `${first.event.name} 成绩` : '成绩查询');

  if (results.isError) {
    // An unknown or malformed event id is not found; a known event may just lack results.
    const noEvent = isNotFound(results.error, ['EVT_NOT_FOUND']);
    const notPublished = isNotFound(results.error, ['RES_NOT_PUBLISHED']);
    return (
      <div className="page">
        <PageNavBar title="成绩查询" />
        {noEvent ? (
          <ErrorBlock status="empty" title="未找到该赛事" description="赛事不存在或已下线">
            <Link to="/" className="text-link">
              返回首页
            </Link>
          </ErrorBlock>
        ) : notPublished ? (
          <ErrorBlock
            status="empty"
            title="成绩尚未公布"
            description="主办方发布成绩后，可在这里按组别查看"
          >
            <Link to={`/events/${encodeURIComponent(id)}`} className="text-link">
              返回赛事详情
            </Link>
          </ErrorBlock>
        ) : (
          <QueryError error={results.error} onRetry={() => void results.refetch()} />
        )}
      </div>
    );
  }

  const items = results.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <div className="page">
      <PageNavBar title="成绩查询" />
      <main className="page-body">
        {!first ? (
          <section className="panel" aria-busy="true" aria-label="正在加载成绩">
            <Skeleton.Title animated />
            <Skeleton.Paragraph lineCount={6} animated />
          </section>
        ) : (
          <>
            <section className="results-head">
              <h1 className="results-event">{first.event.name}</h1>
              <p className="results-meta">
                成绩发布于 {formatDateTime(first.publishedAt)} · 姓名已隐去部分
              </p>
            </section>
            <EntrantLookup
              lookup={lookup}
              onSearch={(text) => setLookup(text.trim() === '' ? null : text.trim())}
            />
            <CapsuleTabs activeKey={group} onChange={setGroup} className="results-tabs">
              <CapsuleTabs.Tab title="全部" key={ALL_GROUPS} />
              {first.groups.map((item) => (
                <CapsuleTabs.Tab title={`${item.name} ${item.count}`} key={item.id} />
              ))}
            </CapsuleTabs>
            {items.length === 0 && lookup !== null && (
              <ErrorBlock
                status="empty"
                title="没有找到成绩"
                description="请输入完整姓名或报名码，并确认所选组别"
              />
            )}
            {items.length === 0 && lookup === null && (
              <ErrorBlock status="empty" title="该组别暂无成绩" description="" />
            )}
            {items.length > 0 && (
              <ol className="result-list" aria-label="成绩列表">
                {items.map((item, index) => (
                  <ResultRow key={`${index}-${item.nameMasked}`} item={item} />
                ))}
              </ol>
            )}
            {results.hasNextPage && (
              <Button
                block
                className="load-more"
                loading={results.isFetchingNextPage}
                onClick={() => void results.fetchNextPage()}
              >
                加载更多
              </Button>
            )}
            <Link className="results-verify-link" to="/certificates">
              验证电子证书
            </Link>
          </>
        )}
      </main>
    </div>
  );
}

/**
 * Looks up one entrant by exact full name or registration code. The server matches only the
 * whole name, and the lines it returns keep the name masked.
 */
function EntrantLookup({
  lookup,
  onSearch,
}: {
  lookup: string | null;
  onSearch: (text: string) => void;
}) {
  const [text, setText] = useState(lookup ?? '');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSearch(text);
  };
  return (
    <section className="results-lookup">
      <form className="results-lookup-row" role="search" onSubmit={submit}>
        <input
          className="search-input results-lookup-input"
          type="search"
          enterKeyHint="search"
          placeholder="输入完整姓名或报名码"
          aria-label="按完整姓名或报名码查询成绩"
          value={text}
          maxLength={50}
          onChange={(event) => {
            setText(event.target.value);
            if (event.target.value === '') onSearch('');
          }}
        />
        <button type="submit" className="search-button">
          查询
        </button>
      </form>
      {lookup !== null && <p className="results-lookup-note">正在显示“{lookup}”的成绩</p>}
    </section>
  );
}

function ResultRow({ item }: { item: PublicResult }) {
  const podium = item.rank !== null && item.rank <= 3 ? ` result-rank-${item.rank}` : '';
  return (
    <li className="result-row">
      <span
        className={`result-rank${podium}`}
        aria-label={item.rank ? `第${item.rank}名` : '无名次'}
      >
        {item.rank ?? '—'}
      </span>
      <span className="result-name">
        {item.nameMasked}
        {item.groupName && <span className="result-group">{item.groupName}</span>}
      </span>
      <span className={`result-figure result-${item.status}`}>
        {item.status === 'finished'
          ? (item.time ?? (item.score ? `${item.score}分` : '完赛'))
          : item.text}
      </span>
    </li>
  );
}
