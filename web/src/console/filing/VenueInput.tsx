import { useQuery } from '@tanstack/react-query';
import { AutoComplete, Tag, Typography, type AutoCompleteProps } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { fetchVenueSuggestions } from '../endpoints';
import { queryKeys } from '../queries';
import type { VenueSuggestion } from '../types';

/** Maximum length of the search text that the suggestion endpoint accepts. */
const MAX_SEARCH_LENGTH = 50;
const SEARCH_DELAY_MS = 300;

/** Returns the text once it has stayed unchanged for the delay. */
function useSettled(text: string, delayMs: number): string {
  const [settled, setSettled] = useState(text);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(text), delayMs);
    return () => window.clearTimeout(timer);
  }, [text, delayMs]);
  return settled;
}

interface VenueInputProps extends Omit<AutoCompleteProps<string>, 'options' | 'onSelect'> {
  value?: string;
  /** Called with the suggestion the user picked, after the field takes its venue. */
  onPick: (suggestion: VenueSuggestion) => void;
}

/**
 * Renders a venue field that suggests venues of earlier events as the user types, matching the venue,
 * its address or its pinyin initials (tyg finds 体育馆). Picking one also fills its address
 * and place, which `onPick` does.
 */
export function VenueInput({ value, onPick, ...props }: VenueInputProps) {
  const text = useSettled((value ?? '').trim(), SEARCH_DELAY_MS);
  const enabled = text !== '' && text.length <= MAX_SEARCH_LENGTH;
  const suggestions = useQuery({
    queryKey: queryKeys.venueSuggestions(text),
    queryFn: () => fetchVenueSuggestions(text),
    enabled,
    staleTime: 60_000,
  });

  // One option per venue name: the server lists the most relevant address first.
  const unique = useMemo(() => {
    const byVenue = new Map<string, VenueSuggestion>();
    for (const item of suggestions.data?.items ?? []) {
      if (!byVenue.has(item.venue)) byVenue.set(item.venue, item);
    }
    return [...byVenue.values()];
  }, [suggestions.data]);

  // The label stays plain text, which the field shows once picked; the list shows more.
  const options = (enabled ? unique : []).map((item) => ({
    value: item.venue,
    label: item.venue,
    suggestion: item,
  }));

  return (
    <AutoComplete
      value={value}
      options={options}
      optionRender={(option) => <VenueOption suggestion={option.data.suggestion} />}
      onSelect={(venue: string) => {
        const picked = unique.find((item) => item.venue === venue);
        if (picked) onPick(picked);
      }}
      {...props}
    />
  );
}

function VenueOption({ suggestion }: { suggestion: VenueSuggestion }) {
  const detail = [suggestion.divisionName, suggestion.address].filter(Boolean).join(' · ');
  return (
    <div className="filing-venue-option">
      <div>
        {suggestion.venue} {suggestion.own && <Tag color="blue">本单位用过</Tag>}
      </div>
      <Typography.Text type="secondary" className="filing-venue-option-detail">
        {detail || '无地址'}
        {suggestion.uses > 1 ? ` · 用过 ${suggestion.uses} 次` : ''}
      </Typography.Text>
    </div>
  );
}
