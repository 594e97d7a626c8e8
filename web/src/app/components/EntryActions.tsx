import { useQueryClient } from '@tanstack/react-query';
import { Button, Dialog, Toast } from 'antd-mobile';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { errorMessage } from '../../lib/messages';
import { acceptOwnOffer, cancelOwnEntry, type CitizenEntry } from '../citizen-api';
import { formatDateTime } from '../format';
import { queryKeys } from '../queries';
import { teamPath } from '../teams-api';

const CANCEL_NOTICE: Record<string, string> = {
  active: '取消后名额将让给候补人员，报名码随即失效。',
  waiting: '取消后将退出候补队列。',
  offered: '取消后递补名额将让给下一位候补人员。',
};

/**
 * Buttons for one of the signed-in citizen's own entries: cancel it, and accept a place the
 * organiser offered to it. The server decides whether the cancellation deadline has passed. A
 * team member's entry changes only with its team, so it gets a link to the team page for the
 * captain and a note for the other members instead.
 */
export function EntryActions(props: { entry: CitizenEntry; standalone?: boolean }) {
  const { entry } = props;
  if (!(entry.status in CANCEL_NOTICE)) return null;
  if (entry.startsAt !== null && entry.startsAt < new Date().toISOString()) return null;
  const className = props.standalone ? 'entry-actions entry-actions-standalone' : 'entry-actions';
  if (entry.teamId !== null) {
    return (
      <div className={className}>
        {entry.teamCaptain ? (
          <Link className="entry-team-link" to={teamPath(entry.eventId, entry.teamId)}>
            管理队伍（更换队员或取消整队报名）
          </Link>
        ) : (
          <p className="entry-team-note">团体报名，如需退出请联系队长</p>
        )}
      </div>
    );
  }
  return <OwnEntryButtons entry={entry} className={className} />;
}

function OwnEntryButtons({ entry, className }: { entry: CitizenEntry; className: string }) {
  const queryClient = useQueryClient();
  const [pending, setPending] = useState(false);

  const run = async (action: () => Promise<unknown>, done: string) => {
    setPending(true);
    try {
      await action();
      Toast.show({ icon: 'success', content: done });
    } catch (error) {
      Toast.show({ icon: 'fail', content: errorMessage(error) });
    } finally {
      setPending(false);
      // Places left, the ticket and the list all change, and so does a failed entry's state.
      void queryClient.invalidateQueries({ queryKey: ['citizen', 'registrations'] });
      void queryClient.invalidateQueries({ queryKey: queryKeys.events });
    }
  };

  const cancel = async () => {
    const confirmed = await Dialog.confirm({
      title: `取消「${entry.eventName}」的报名？`,
      content: CANCEL_NOTICE[entry.status],
      confirmText: '取消报名',
      cancelText: '再想想',
    });
    if (confirmed) await run(() => cancelOwnEntry(entry), '已取消报名');
  };

  const accept = () => run(() => acceptOwnOffer(entry), '已确认递补，报名成功');

  return (
    <div className={className}>
      {entry.status === 'offered' && (
        <>
          {entry.offerExpiresAt && (
            <p className="entry-offer-deadline">
              有空出的名额，请在 {formatDateTime(entry.offerExpiresAt)} 前确认
            </p>
          )}
          <Button color="primary" size="middle" loading={pending} onClick={() => void accept()}>
            确认递补
          </Button>
        </>
      )}
      <Button size="middle" fill="outline" disabled={pending} onClick={() => void cancel()}>
        {entry.status === 'waiting' ? '退出候补' : '取消报名'}
      </Button>
    </div>
  );
}
