/**
 * Names of the dashboard's event counts, as its cards, tables, drill lists and exports and the
 * reports show them. A stage is an event's state, except that a published event that has ended
 * is held. `filed` counts every event but drafts, `total` every event.
 */
export const DASHBOARD_STAGE_LABELS = {
  total: '赛事总数',
  filed: '填报赛事',
  draft: '草稿',
  submitted: '审核中',
  returned: '已退回',
  approved: '已通过待发布',
  published: '已发布',
  held: '已举办',
  cancelled: '已取消',
} as const;

export type DashboardCount = keyof typeof DASHBOARD_STAGE_LABELS;

/**
 * Names of the row of events held in a division as a whole, in none of its child divisions (a
 * district event with no street chosen, say), by the division's level.
 */
export const UNASSIGNED_DIVISION_LABELS = {
  city: '全市层面（未指定区）',
  district: '全区层面（未指定街镇）',
  street: '街镇层面（未指定居委会）',
} as const;

/** Returns the name of a division's row of events in no child division, by its level. */
export function unassignedDivisionLabel(level: string): string {
  return (
    UNASSIGNED_DIVISION_LABELS[level as keyof typeof UNASSIGNED_DIVISION_LABELS] ?? '未指定下级区域'
  );
}

/**
 * Returns the events that an organiser's dashboard and reports count, for the account types
 * that count only their own organisation's events. A contractor counts the events it filed.
 * The community sports association also counts the community games that it reviews.
 */
export function organisationBasisText(accountType: string): string {
  return accountType === 'community_association'
    ? '本单位填报的赛事和本单位审核的社区运动会'
    : '本单位填报的赛事';
}
