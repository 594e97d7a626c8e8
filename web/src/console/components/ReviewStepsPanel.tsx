import { CheckCircleFilled, ClockCircleOutlined } from '@ant-design/icons';
import { REVIEW_STEP_LABELS, type ReviewStep } from '@cityleague/domain';
import { useMutation } from '@tanstack/react-query';
import { Alert, App, Button, Card, List, Typography } from 'antd';
import { useState } from 'react';
import { consoleErrorMessage } from '../../lib/messages';
import { pendingStepsNotice, stepName } from '../review-text';
import { recordReviewStep } from '../reviews';
import { formatTime } from '../time';
import type { ConsoleEvent, ReviewStepState } from '../types';
import { ReasonModal } from './ReasonModal';
import { useInvalidateEvent } from './ReviewActions';

const NOTE_MAX_LENGTH = 1000;

// Hints of the note dialog: the reviewer's checks in each step.
const STEP_HINTS: Record<ReviewStep, string> = {
  pre_review: '请记录协会预审的结论，例如预审意见的文号或联系人。',
  assessment: '请记录对安全风险预案和竞赛规程的评估结论。',
};

/**
 * Lists the review steps a filing needs before approval: the federation's pre-review and the
 * X-sport assessment. The reviewer of a submitted filing records each with a note.
 */
export function ReviewStepsPanel({ event }: { event: ConsoleEvent }) {
  const [recording, setRecording] = useState<ReviewStepState | null>(null);
  const mayRecord = event.actions.includes('approve');
  const notice = pendingStepsNotice(event);

  return (
    <Card title="审核环节" data-testid="review-steps">
      {mayRecord && notice && (
        <Alert type="info" showIcon title={`${notice}。`} style={{ marginBottom: 12 }} />
      )}
      <List
        dataSource={event.reviewSteps}
        renderItem={(step) => (
          <List.Item
            data-testid={`review-step-${step.step}`}
            actions={
              mayRecord
                ? [
                    <Button
                      key="record"
                      type={step.done ? 'default' : 'primary'}
                      size="small"
                      onClick={() => setRecording(step)}
                    >
                      {step.done ? '修改记录' : '记录'}
                    </Button>,
                  ]
                : []
            }
          >
            <List.Item.Meta
              avatar={
                step.done ? (
                  <CheckCircleFilled style={{ color: '#52c41a', fontSize: 18 }} />
                ) : (
                  <ClockCircleOutlined style={{ color: '#faad14', fontSize: 18 }} />
                )
              }
              title={stepName(step)}
              description={
                step.done ? (
                  <>
                    <div>
                      {step.done.byName} 于 {formatTime(step.done.at)} 记录
                    </div>
                    <Typography.Text style={{ whiteSpace: 'pre-wrap' }}>
                      {step.done.note}
                    </Typography.Text>
                  </>
                ) : (
                  '尚未记录'
                )
              }
            />
          </List.Item>
        )}
      />
      {recording && (
        <RecordStepModal event={event} step={recording} onClose={() => setRecording(null)} />
      )}
    </Card>
  );
}

function RecordStepModal(props: {
  event: ConsoleEvent;
  step: ReviewStepState;
  onClose: () => void;
}) {
  const { event, step } = props;
  const { message } = App.useApp();
  const invalidateEvent = useInvalidateEvent();
  const record = useMutation({
    mutationFn: (note: string) => recordReviewStep(event.id, step.step, note),
    onSuccess: async () => {
      message.success(`已记录${REVIEW_STEP_LABELS[step.step]}`);
      props.onClose();
      await invalidateEvent(event.id);
    },
    onError: (error) => message.error(consoleErrorMessage(error)),
  });

  return (
    <ReasonModal
      title={`记录${stepName(step)}`}
      label="审核意见"
      okText="保存记录"
      maxLength={NOTE_MAX_LENGTH}
      extra={STEP_HINTS[step.step]}
      initialValue={step.done?.note}
      pending={record.isPending}
      onSubmit={(note) => record.mutate(note)}
      onClose={props.onClose}
      testId="record-step-modal"
    />
  );
}
