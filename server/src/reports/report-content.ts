import {
  EVENT_LEVEL_LABELS,
  SECTION_LABELS,
  sportName,
  unassignedDivisionLabel,
  type EventLevel,
  type ReportPeriod,
  type Section,
} from '@cityleague/domain';

import type { Executor } from '../db/database.js';
import { listDivisions } from '../divisions/division.service.js';
import {
  emptyReportFigures,
  figuresBy,
  reportEventList,
  type FigureRow,
  type ReportEventRow,
  type ReportFigures,
  type ReportSelection,
} from './report.figures.js';

/** A labelled row of a breakdown table. */
export interface LabelledRow extends ReportFigures {
  label: string;
}

/** Everything a report file shows, gathered before the files are written. */
export interface ReportContent {
  title: string;
  period: ReportPeriod;
  scopeName: string;
  /** The events that count, in the dashboard's words for the requester's account type. */
  basisLabel: string;
  generatedAt: Date;
  total: ReportFigures;
  bySection: LabelledRow[];
  bySport: LabelledRow[];
  byOrganisation: LabelledRow[];
  /** Figures of each division one level below the scope; empty for a community. */
  byChild: LabelledRow[];
  /** Figures of each month, for quarterly and annual reports; empty for a monthly one. */
  byMonth: LabelledRow[];
  events: (ReportEventRow & { sectionLabel: string; sportLabel: string; levelLabel: string })[];
}

// Share of the work done after each gathering step; the files take the rest up to 100.
const STEPS = ['total', 'section', 'sport', 'organisation', 'child', 'month', 'events'] as const;
const GATHER_SHARE = 60;

function withoutKey(row: FigureRow): ReportFigures {
  return {
    events: row.events,
    registrations: row.registrations,
    participants: row.participants,
    checkIns: row.checkIns,
    checkInRate: row.checkInRate,
  };
}

/** Lists every month of the period with its figures, months without events included. */
function monthRows(period: ReportPeriod, rows: FigureRow[]): LabelledRow[] {
  const months: LabelledRow[] = [];
  for (let month = period.startMonth; month <= period.endMonth; month++) {
    const key = `${period.year}-${String(month).padStart(2, '0')}`;
    const found = rows.find((row) => row.key === key);
    const figures = found ? withoutKey(found) : emptyReportFigures();
    months.push({ label: `${month}月`, ...figures });
  }
  return months;
}

/**
 * Gathers a report's figures with direct queries, reporting progress from 0 to 60 through
 * `onProgress` after each step.
 */
export async function gatherReportContent(
  db: Executor,
  selection: ReportSelection,
  labels: { title: string; basisLabel: string },
  onProgress: (progress: number) => Promise<void>,
): Promise<ReportContent> {
  const { period, scope } = selection;
  let step = 0;
  const advance = async () => {
    step += 1;
    await onProgress(Math.round((step / STEPS.length) * GATHER_SHARE));
  };

  const [total] = await figuresBy(db, selection, 'total');
  await advance();
  const sections = await figuresBy(db, selection, 'section');
  await advance();
  const sports = await figuresBy(db, selection, 'sport');
  await advance();
  const organisations = await figuresBy(db, selection, 'organisation');
  await advance();
  const children = scope.level === 'community' ? [] : await figuresBy(db, selection, 'child');
  const childDivisions =
    scope.level === 'community' ? [] : await listDivisions(db, { parent: scope.code });
  await advance();
  const months = period.kind === 'monthly' ? [] : await figuresBy(db, selection, 'month');
  await advance();
  const events = await reportEventList(db, selection);
  await advance();

  const childNames = new Map(childDivisions.map((division) => [division.code, division.name]));
  return {
    title: labels.title,
    period,
    scopeName: scope.name,
    basisLabel: labels.basisLabel,
    generatedAt: new Date(),
    total: total ?? emptyReportFigures(),
    bySection: labelledBy(sections, (key) => SECTION_LABELS[key as Section] ?? key),
    bySport: labelledBy(sports, (key) => sportName(key) ?? key),
    byOrganisation: organisations.map((row) => ({
      label: row.name ?? row.key ?? '',
      ...withoutKey(row),
    })),
    byChild: labelledBy(
      children,
      (key) => childNames.get(key) ?? key,
      unassignedDivisionLabel(scope.level),
    ),
    byMonth: period.kind === 'monthly' ? [] : monthRows(period, months),
    events: events.map((event) => ({
      ...event,
      sectionLabel: SECTION_LABELS[event.section as Section] ?? event.section,
      sportLabel: event.sport ? (sportName(event.sport) ?? event.sport) : '',
      levelLabel: EVENT_LEVEL_LABELS[event.level as EventLevel] ?? event.level,
    })),
  };
}

/** Labels rows by key; a row without a key (no sport, no child division) gets `nullLabel`. */
function labelledBy(
  rows: FigureRow[],
  labelOf: (key: string) => string,
  nullLabel = '未填写',
): LabelledRow[] {
  return rows.map((row) => ({
    label: row.key === null ? nullLabel : labelOf(row.key),
    ...withoutKey(row),
  }));
}
