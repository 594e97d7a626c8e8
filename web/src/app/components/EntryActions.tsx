import { useQueryClient } from '@tanstack/react-query';
import { Button, Dialog, Toast } from 'antd-mobile';
import { useState } from 'react';
import { errorMessage } from '../../lib/messages';
import { acceptOwnOffer, cancelOwnEntry, type CitizenEntry } from '../citizen-api';
import { formatDateTime } from '../format';
import { queryKeys } from '../queries';

const CANCEL_NOTICE: Record<string, string> = {
  active: '取消后名额将让给候补人员，报名码随即失效。',
  waiting: '取消后将退出候补队列。',
  offered: '取消后递补名额将让给下一位候补人员。',
};

/**
 * Buttons for one of the signed-in citizen's own entries: cancel it, and accept a place the
 * organiser offered to it. The server decides whether the cancellation deadline has passed.
 */
export function EntryActions(props: { entry: CitizenEntry; standalone?: boolean }) {
  const { entry } = props;
  const queryClient = useQueryClient();
  const [pending, setPending] = useState(false);
  if (!(entry.status in CANCEL_NOTICE)) return null;
  if (entry.startsAt !== null && entry.startsAt < new Date().toISOString()) return null;

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
    <div className={props.standalone ? 'entry-actions entry-actions-standalone' : 'entry-actions'}>
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
        取消报名
      </Button>
    </div>
  );
}
