import type { EventGroup, PublicEvent } from './events-api';

/**
 * Returns the individual groups a citizen can join the waiting list of now: full groups with
 * the waiting list on, while registration is open or the event is full. The server makes the
 * same decision when the entry arrives and returns 202 with the place in the queue.
 */
export function waitingListGroups(event: PublicEvent, groups: EventGroup[]): EventGroup[] {
  if (event.registrationStatus !== 'open' && event.registrationStatus !== 'full') return [];
  return groups.filter(
    (group) =>
      group.entryType === 'individual' && group.placesLeft <= 0 && group.waitingList !== 'off',
  );
}

/** Tells whether the event has an individual group with places left. */
export function hasFreeIndividualPlaces(groups: EventGroup[]): boolean {
  return groups.some((group) => group.entryType === 'individual' && group.placesLeft > 0);
}

/** Returns the place in the queue that the next entry of the group takes, e.g. 候补第 3 位. */
export function nextQueuePlaceText(group: EventGroup): string {
  return `候补第 ${group.waitingCount + 1} 位`;
}

/** Explains what happens to a waiting entry when a place frees, by the group's mode. */
export function waitingListRuleText(group: EventGroup): string {
  if (group.waitingList === 'offer' && group.offerHours !== null) {
    return (
      `有人取消报名空出名额时，按候补顺序为下一位保留名额 ${group.offerHours} 小时并短信通知，` +
      '须在「我的报名」中确认递补，逾期未确认视为放弃，名额顺延给下一位。'
    );
  }
  return '有人取消报名空出名额时，按候补顺序自动转为正式报名，并短信通知。';
}

/** Tells whether citizens should see a group's name: not when it is the event's only default group. */
export function showsGroupName(groups: Pick<EventGroup, 'isDefault'>[]): boolean {
  return !(groups.length === 1 && groups[0]!.isDefault);
}
