import { isRealDate } from '@cityleague/domain';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { PageNavBar } from '../components/PageNavBar';
import type { EventFilter } from '../events-api';
import { shanghaiDate } from '../format';
import { useCalendar, useDistricts } from '../queries';
import { useDocumentTitle } from '../use-document-title';
import { EventList } from './HomePage';

const WEEKDAYS = ['一', '二', '三', '四', '五', '六', '日'];
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Tells whether a value is a real calendar day written as YYYY-MM-DD. */
function isValidDay(value: string): boolean {
  const match = DAY.exec(value);
  return match !== null && isRealDate(Number(match[1]), Number(match[2]), Number(match[3]));
}

/** Returns the month `offset` months after a YYYY-MM month. */
function addMonths(month: string, offset: number): string {
  const [year, number] = month.split('-').map(Number) as [number, number];
  const date = new Date(Date.UTC(year, number - 1 + offset, 1));
  return date.toISOString().slice(0, 7);
}

/** Returns the days of a month grid, Monday first, with null for the blanks before day 1. */
function monthGrid(month: string): (string | null)[] {
  const [year, number] = month.split('-').map(Number) as [number, number];
  const first = new Date(Date.UTC(year, number - 1, 1));
  const days = new Date(Date.UTC(year, number, 0)).getUTCDate();
  const blanks = (first.getUTCDay() + 6) % 7;
  const cells: (string | null)[] = Array.from({ length: blanks }, () => null);
  for (let day = 1; day <= days; day += 1) {
    cells.push(`${month}-${String(day).padStart(2, '0')}`);
  }
  return cells;
}

/** Shows a month with the number of events each day; tapping a day lists its events. */
export function CalendarPage() {
  useDocumentTitle('赛事日历');
  const [params, setParams] = useSearchParams();
  const today = shanghaiDate();
  // A month or day in the address that the server would reject is ignored, so that an edited
  // link shows this month instead of failing, and a notice on the page explains why.
  const monthParam = params.get('month');
  const monthValid = monthParam !== null && MONTH.test(monthParam);
  const month = monthValid ? monthParam : today.slice(0, 7);
  const district = /^[0-9]{6}$/.test(params.get('district') ?? '') ? params.get('district')! : '';
  const selectedParam = params.get('day') ?? '';
  const dayValid = isValidDay(selectedParam) && selectedParam.startsWith(month);
  const selected = dayValid ? selectedParam : '';
  let ignoredDateText = '';
  if (monthParam !== null && !monthValid) ignoredDateText = '链接中的月份无效，已显示本月';
  else if (selectedParam !== '' && !dayValid)
    ignoredDateText = '链接中的日期无效，请在下方点选日期';
  const filter: EventFilter = { section: '', district };
  const calendar = useCalendar(month, filter);
  const districts = useDistricts();
  const [announcement, setAnnouncement] = useState('');

  const counts = new Map((calendar.data?.days ?? []).map((day) => [day.date, day.count]));
  const districtName = districts.data?.find((d) => d.code === district)?.name ?? '全市';
  const [year, monthNumber] = month.split('-').map(Number);

  const update = (next: { month?: string; day?: string; district?: string }) => {
    const nextParams = new URLSearchParams();
    nextParams.set('month', next.month ?? month);
    const nextDistrict = next.district ?? district;
    if (nextDistrict) nextParams.set('district', nextDistrict);
    if (next.day) nextParams.set('day', next.day);
    setParams(nextParams, { replace: true });
  };

  const choose = (day: string) => {
    update({ day });
    setAnnouncement(`已选择 ${Number(day.slice(5, 7))}月${Number(day.slice(8))}日`);
  };

  return (
    <div className="page">
      <PageNavBar title="赛事日历" />
      <main className="page-body">
        {ignoredDateText && (
          <p className="page-note" role="status">
            {ignoredDateText}
          </p>
        )}
        <section className="panel calendar" aria-labelledby="calendar-title">
          <div className="calendar-head">
            <button
              type="button"
              className="calendar-nav"
              aria-label="上个月"
              onClick={() => update({ month: addMonths(month, -1) })}
            >
              ‹
            </button>
            <h1 className="calendar-title" id="calendar-title" aria-live="polite">
              {year}年{monthNumber}月
            </h1>
            <button
              type="button"
              className="calendar-nav"
              aria-label="下个月"
              onClick={() => update({ month: addMonths(month, 1) })}
            >
              ›
            </button>
          </div>
          <p className="calendar-scope">
            {districtName}的赛事
            {district && (
              <button
                type="button"
                className="link-button"
                onClick={() => update({ district: '' })}
              >
                看全市
              </button>
            )}
          </p>
          <div className="calendar-grid" role="grid" aria-labelledby="calendar-title">
            <div className="calendar-row" role="row">
              {WEEKDAYS.map((weekday) => (
                <span key={weekday} className="calendar-weekday" role="columnheader">
                  {weekday}
                </span>
              ))}
            </div>
            {chunk(monthGrid(month), 7).map((week, index) => (
              <div className="calendar-row" role="row" key={index}>
                {week.map((day, column) =>
                  day === null ? (
                    <span key={`blank-${column}`} className="calendar-day blank" role="gridcell" />
                  ) : (
                    <DayCell
                      key={day}
                      day={day}
                      count={counts.get(day) ?? 0}
                      today={day === today}
                      selected={day === selected}
                      onChoose={() => choose(day)}
                    />
                  ),
                )}
              </div>
            ))}
          </div>
          <p className="visually-hidden" aria-live="polite">
            {announcement}
          </p>
        </section>

        {selected ? (
          <section aria-labelledby="day-title">
            <h2 className="home-section-title" id="day-title">
              {Number(selected.slice(5, 7))}月{Number(selected.slice(8))}日的赛事
            </h2>
            <EventList filter={{ ...filter, from: selected, to: selected, sort: 'starts' }} />
          </section>
        ) : (
          <p className="page-note">点选日期，查看当天的赛事</p>
        )}
      </main>
    </div>
  );
}

function chunk<T>(items: T[], size: number): T[][] {
  const rows: T[][] = [];
  for (let index = 0; index < items.length; index += size)
    rows.push(items.slice(index, index + size));
  return rows;
}

function DayCell({
  day,
  count,
  today,
  selected,
  onChoose,
}: {
  day: string;
  count: number;
  today: boolean;
  selected: boolean;
  onChoose: () => void;
}) {
  const classes = ['calendar-day', count > 0 ? 'has-events' : '', today ? 'today' : ''];
  if (selected) classes.push('selected');
  const label = `${Number(day.slice(5, 7))}月${Number(day.slice(8))}日，${count > 0 ? `${count} 场赛事` : '无赛事'}`;
  return (
    <span role="gridcell" className="calendar-cell">
      <button
        type="button"
        className={classes.filter(Boolean).join(' ')}
        aria-pressed={selected}
        onClick={onChoose}
      >
        {/* Screen readers read the full date and count instead of the short visible text. */}
        <span className="calendar-date" aria-hidden="true">
          {Number(day.slice(8))}
        </span>
        {count > 0 && (
          <span className="calendar-count" aria-hidden="true">
            {count}场
          </span>
        )}
        <span className="visually-hidden">{label}</span>
      </button>
    </span>
  );
}
