import { Select, type SelectProps } from 'antd';
import { useMemo } from 'react';
import { useSports } from '../queries';
import type { Sport } from '../types';

interface SportOption {
  value: string;
  label: string;
  initials: string;
}

interface CategoryOption {
  label: string;
  title: string;
  options: SportOption[];
}

/**
 * Tells whether a sport matches what was typed: part of its Chinese name, or part of its
 * pinyin initials (lq finds 篮球 and 三人篮球).
 */
export function matchesSport(input: string, sport: { label: string; initials?: string }): boolean {
  const typed = input.trim().toLowerCase().replace(/\s+/g, '');
  if (typed === '') return true;
  return sport.label.includes(typed) || (sport.initials ?? '').includes(typed);
}

/** Groups the catalogue by category, keeping the catalogue's order within and between them. */
function groupByCategory(sports: Sport[]): CategoryOption[] {
  const groups = new Map<string, CategoryOption>();
  for (const sport of sports) {
    const group = groups.get(sport.category) ?? {
      label: sport.categoryName,
      title: sport.categoryName,
      options: [],
    };
    group.options.push({ value: sport.code, label: sport.name, initials: sport.initials });
    groups.set(sport.category, group);
  }
  return [...groups.values()];
}

/** Renders a sport picker grouped by category, searchable by Chinese name or pinyin initials. */
export function SportSelect(props: Omit<SelectProps<string>, 'options'>) {
  const sports = useSports();
  const options = useMemo(() => groupByCategory(sports.data ?? []), [sports.data]);
  return (
    <Select<string, SportOption | CategoryOption>
      showSearch={{
        // A category that matches (球类) keeps all its sports; otherwise each sport is matched.
        filterOption: (input, option) => option !== undefined && matchesSport(input, option),
      }}
      loading={sports.isPending}
      placeholder="请选择，可输入名称或拼音首字母，如 lq"
      options={options}
      {...props}
    />
  );
}
