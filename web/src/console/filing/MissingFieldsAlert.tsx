import { Alert, Button } from 'antd';
import { labelOf } from './field-errors';
import type { PayloadField } from './filing-values';

interface MissingFieldsAlertProps {
  missing: readonly PayloadField[];
  onGoTo: (field: PayloadField) => void;
  onClose: () => void;
}

/** Lists every required field that a rejected submit named, each a link to its field. */
export function MissingFieldsAlert({ missing, onGoTo, onClose }: MissingFieldsAlertProps) {
  return (
    <Alert
      type="error"
      showIcon
      closable={{ onClose }}
      className="filing-missing-alert"
      data-testid="missing-fields"
      title={`还有 ${missing.length} 项必填信息未填写，请补全后再提交`}
      description={
        <div className="filing-missing-list">
          {missing.map((field) => (
            <Button key={field} size="small" onClick={() => onGoTo(field)}>
              {labelOf(field)}
            </Button>
          ))}
        </div>
      }
    />
  );
}
