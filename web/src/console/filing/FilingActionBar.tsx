import { Button } from 'antd';
import { SaveIndicator } from './SaveIndicator';
import type { SaveStatus } from './use-filing-autosave';

interface FilingActionBarProps {
  status: SaveStatus;
  /** The hint shown before a new filing's first save, naming what it still needs. */
  startHint: string;
  /** Required fields still empty, or null before the form is decided. */
  missingCount: number | null;
  submitting: boolean;
  onGoToMissing: () => void;
  onRetry: () => void;
  onSave: () => void;
  onSubmit: () => void;
}

/**
 * Renders the bar at the bottom of the filing form, which stays in view while the form
 * scrolls: the autosave state, how many required fields are left, and the save and submit
 * buttons.
 */
export function FilingActionBar(props: FilingActionBarProps) {
  const { status, missingCount } = props;
  return (
    <div className="filing-action-bar">
      <div className="filing-action-bar-info">
        <SaveIndicator status={status} startHint={props.startHint} onRetry={props.onRetry} />
        {missingCount !== null &&
          (missingCount > 0 ? (
            <Button
              type="link"
              size="small"
              className="filing-progress"
              data-testid="filing-progress"
              onClick={props.onGoToMissing}
            >
              还差 {missingCount} 项必填
            </Button>
          ) : (
            <span className="filing-progress filing-progress-done" data-testid="filing-progress">
              必填项已填完
            </span>
          ))}
      </div>
      <div className="filing-action-bar-buttons">
        <Button disabled={status.kind === 'saving'} onClick={props.onSave}>
          保存
        </Button>
        <Button type="primary" loading={props.submitting} onClick={props.onSubmit}>
          提交审核
        </Button>
      </div>
    </div>
  );
}
