import { SPORT_CATEGORIES, SPORT_CATEGORY_LABELS, SPORTS } from '@cityleague/domain';
import { Select, type SelectProps } from 'antd';

interface SportOption {
  value: string;
  label: string;
  /** Pinyin initials, so that typing lq finds 篮球. */
  initials: string;
}

/** Builds the catalogue's sports as options grouped by category, leaving out `exclude`. */
function sportOptions(exclude: ReadonlySet<string>) {
  return SPORT_CATEGORIES.map((category) => ({
    label: SPORT_CATEGORY_LABELS[category],
    title: SPORT_CATEGORY_LABELS[category],
    options: SPORTS.filter((sport) => sport.category === category && !exclude.has(sport.code)).map(
      (sport): SportOption => ({ value: sport.code, label: sport.name, initials: sport.initials }),
    ),
  })).filter((group) => group.options.length > 0);
}

function matches(input: string, option: SportOption | undefined): boolean {
  if (!option || !('initials' in option)) return false;
  const text = input.trim().toLowerCase();
  return option.label.includes(text) || option.initials.startsWith(text);
}

/** Picks a sport of the catalogue, searchable by Chinese name or pinyin initials. */
export function SportSelect(
  props: Omit<SelectProps<string>, 'options' | 'showSearch'> & { exclude?: readonly string[] },
) {
  const { exclude, ...rest } = props;
  return (
    <Select<string>
      placeholder="选择或搜索项目"
      {...rest}
      showSearch={{
        filterOption: (input, option) => matches(input, option as SportOption | undefined),
      }}
      options={sportOptions(new Set(exclude ?? []))}
    />
  );
}
