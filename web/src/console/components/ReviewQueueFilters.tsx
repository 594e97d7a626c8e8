import {
  EVENT_LEVEL_LABELS,
  EVENT_LEVELS,
  SECTION_LABELS,
  SECTIONS,
  type EventLevel,
  type Section,
} from '@cityleague/domain';
import { Input, InputNumber, Segmented, Select } from 'antd';
import { useEffect, useState } from 'react';
import { useDistricts } from '../queries';
import type { ReviewFilter, ReviewKind } from '../reviews';
import { SportSelect } from './SportSelect';

const ALL = 'all';
const MAX_DAYS = 3650;

/** Reads the queue's filter from the page address, ignoring values the API would reject. */
export function filterFromSearch(search: URLSearchParams): ReviewFilter {
  const kind = search.get('kind');
  const section = search.get('section');
  const level = search.get('level');
  const district = search.get('district');
  const days = Number(search.get('days'));
  return {
    kind: kind === 'filing' || kind === 'change' ? kind : undefined,
    section: SECTIONS.find((value) => value === section),
    level: EVENT_LEVELS.find((value) => value === level),
    sport: search.get('sport') || undefined,
    district: district && /^[0-9]{6}$/.test(district) ? district : undefined,
    q: search.get('q')?.slice(0, 100) || undefined,
    minDaysWaiting: Number.isInteger(days) && days > 0 && days <= MAX_DAYS ? days : undefined,
  };
}

/** Writes a filter to search parameters, leaving out what does not filter. */
export function filterToSearch(filter: ReviewFilter): Record<string, string> {
  const params: Record<string, string> = {};
  if (filter.kind) params.kind = filter.kind;
  if (filter.section) params.section = filter.section;
  if (filter.level) params.level = filter.level;
  if (filter.sport) params.sport = filter.sport;
  if (filter.district) params.district = filter.district;
  if (filter.q) params.q = filter.q;
  if (filter.minDaysWaiting) params.days = String(filter.minDaysWaiting);
  return params;
}

/** Renders the queue's filters: kind, section, level, sport, district, name and days waited. */
export function ReviewQueueFilters(props: {
  filter: ReviewFilter;
  onChange: (filter: ReviewFilter) => void;
}) {
  const { filter, onChange } = props;
  const districts = useDistricts();
  // The keyword applies on Enter or the search button, not on every keystroke.
  const [keyword, setKeyword] = useState(filter.q ?? '');
  useEffect(() => setKeyword(filter.q ?? ''), [filter.q]);
  const set = (patch: Partial<ReviewFilter>) => onChange({ ...filter, ...patch });

  return (
    <div className="console-queue-filters" data-testid="queue-filters">
      <Segmented<string>
        value={filter.kind ?? ALL}
        options={[
          { value: ALL, label: '全部' },
          { value: 'filing', label: '新填报' },
          { value: 'change', label: '变更' },
        ]}
        onChange={(value) => set({ kind: value === ALL ? undefined : (value as ReviewKind) })}
      />
      <div className="console-filter-form">
        <Select<Section>
          allowClear
          placeholder="板块"
          aria-label="板块"
          value={filter.section}
          options={SECTIONS.map((value) => ({ value, label: SECTION_LABELS[value] }))}
          onChange={(section) => set({ section })}
        />
        <Select<EventLevel>
          allowClear
          placeholder="赛事级别"
          aria-label="赛事级别"
          value={filter.level}
          options={EVENT_LEVELS.map((value) => ({ value, label: EVENT_LEVEL_LABELS[value] }))}
          onChange={(level) => set({ level })}
        />
        <SportSelect
          allowClear
          placeholder="运动项目"
          aria-label="运动项目"
          value={filter.sport}
          onChange={(sport) => set({ sport })}
        />
        <Select<string>
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          placeholder="所在区"
          aria-label="所在区"
          value={filter.district}
          options={(districts.data ?? []).map((d) => ({ value: d.code, label: d.name }))}
          onChange={(district) => set({ district })}
        />
        <Input.Search
          className="console-filter-wide"
          allowClear
          placeholder="赛事名称关键字"
          aria-label="赛事名称关键字"
          value={keyword}
          maxLength={100}
          onChange={(e) => setKeyword(e.target.value)}
          onSearch={(value) => set({ q: value.trim() || undefined })}
        />
        <InputNumber<number>
          className="console-filter-wide"
          min={1}
          max={MAX_DAYS}
          precision={0}
          placeholder="天数"
          aria-label="等待天数不少于"
          prefix="等待 ≥"
          suffix="天"
          value={filter.minDaysWaiting ?? null}
          style={{ width: '100%' }}
          onChange={(days) => set({ minDaysWaiting: days ?? undefined })}
        />
      </div>
    </div>
  );
}
