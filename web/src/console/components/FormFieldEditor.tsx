import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined } from '@ant-design/icons';
import {
  FIELD_TYPE_LABELS,
  FIELD_TYPES,
  type FieldCondition,
  type FieldType,
  type FormField,
} from '@cityleague/domain';
import {
  Button,
  Card,
  Checkbox,
  Col,
  Input,
  InputNumber,
  Row,
  Select,
  Space,
  Switch,
  Typography,
} from 'antd';
import { parseNumberText } from '../number-rules';
import { changeFieldType, conditionAgeProblem, without } from '../registration-forms';

type ConditionKind = 'always' | 'answer' | 'age';

const CONDITION_OPTIONS = [
  { value: 'always', label: '始终显示' },
  { value: 'answer', label: '按前面字段的答案显示' },
  { value: 'age', label: '按报名人比赛当天年龄显示' },
];

const RANGE_LABELS: Partial<Record<FieldType, [string, string]>> = {
  text: ['最少字数', '最多字数'],
  number: ['最小值', '最大值'],
  multiple_choice: ['最少选择', '最多选择'],
};

function kindOf(condition: FieldCondition | undefined): ConditionKind {
  if (!condition) return 'always';
  return 'age' in condition ? 'age' : 'answer';
}

interface Props {
  field: FormField;
  index: number;
  earlier: FormField[];
  disabled: boolean;
  isLast: boolean;
  onChange: (field: FormField) => void;
  onMove: (offset: -1 | 1) => void;
  onRemove: () => void;
}

/** Edits one custom field: label, type, required, help, options, range and display condition. */
export function FormFieldEditor(props: Props) {
  const { field, disabled, onChange } = props;
  const choice = field.type === 'single_choice' || field.type === 'multiple_choice';
  const range = RANGE_LABELS[field.type];
  const targets = props.earlier.filter((candidate) => candidate.type !== 'file');

  const setCondition = (kind: ConditionKind) => {
    const rest = without(field, 'showWhen');
    if (kind === 'always') onChange(rest);
    if (kind === 'age') onChange({ ...rest, showWhen: { age: { max: 17 } } });
    if (kind === 'answer' && targets[0])
      onChange({ ...rest, showWhen: answerCondition(targets[0]) });
  };

  return (
    <Card
      size="small"
      title={`字段 ${props.index + 1}`}
      data-testid={`form-field-${props.index}`}
      extra={
        <Space>
          <Button
            size="small"
            icon={<ArrowUpOutlined />}
            aria-label="上移"
            disabled={disabled || props.index === 0}
            onClick={() => props.onMove(-1)}
          />
          <Button
            size="small"
            icon={<ArrowDownOutlined />}
            aria-label="下移"
            disabled={disabled || props.isLast}
            onClick={() => props.onMove(1)}
          />
          <Button
            size="small"
            danger
            icon={<DeleteOutlined />}
            aria-label="删除字段"
            disabled={disabled}
            onClick={props.onRemove}
          />
        </Space>
      }
    >
      <Row gutter={[12, 12]}>
        <Col xs={24} md={10}>
          <Typography.Text type="secondary">名称</Typography.Text>
          <Input
            aria-label="字段名称"
            value={field.label}
            maxLength={50}
            disabled={disabled}
            placeholder="如：服装尺码"
            onChange={(event) => onChange({ ...field, label: event.target.value })}
          />
        </Col>
        <Col xs={14} md={8}>
          <Typography.Text type="secondary">类型</Typography.Text>
          <Select
            aria-label="字段类型"
            style={{ width: '100%' }}
            value={field.type}
            disabled={disabled}
            options={FIELD_TYPES.map((type) => ({ value: type, label: FIELD_TYPE_LABELS[type] }))}
            onChange={(type) => onChange(changeFieldType(field, type))}
          />
        </Col>
        <Col xs={10} md={6}>
          <Typography.Text type="secondary">必填</Typography.Text>
          <div>
            <Switch
              aria-label="必填"
              checked={field.required}
              disabled={disabled}
              onChange={(required) => onChange({ ...field, required })}
            />
          </div>
        </Col>
        <Col xs={24}>
          <Typography.Text type="secondary">填写说明（选填）</Typography.Text>
          <Input
            aria-label="填写说明"
            value={field.help ?? ''}
            maxLength={200}
            disabled={disabled}
            onChange={(event) => {
              const rest = without(field, 'help');
              const help = event.target.value;
              onChange(help ? { ...rest, help } : rest);
            }}
          />
        </Col>
        {field.type !== 'file' && (
          <Col xs={24}>
            <Checkbox
              checked={field.sensitive === true}
              disabled={disabled}
              onChange={(event) => {
                const rest = without(field, 'sensitive');
                onChange(event.target.checked ? { ...rest, sensitive: true } : rest);
              }}
            >
              属于个人信息：报名名单中脱敏显示，查看完整内容记入审计日志
            </Checkbox>
          </Col>
        )}
        {choice && (
          <Col xs={24}>
            <Typography.Text type="secondary">选项（输入后回车）</Typography.Text>
            <Select
              aria-label="选项"
              mode="tags"
              style={{ width: '100%' }}
              disabled={disabled}
              value={(field.options ?? []).map((option) => option.value)}
              open={false}
              onChange={(values: string[]) =>
                onChange({
                  ...field,
                  options: values
                    .map((value) => value.trim())
                    .filter(Boolean)
                    .map((value) => ({ value, label: value })),
                })
              }
            />
          </Col>
        )}
        {range && (
          <>
            <Col xs={12} md={6}>
              <Typography.Text type="secondary">{range[0]}</Typography.Text>
              <InputNumber
                aria-label={range[0]}
                style={{ width: '100%' }}
                value={field.min ?? null}
                disabled={disabled}
                onChange={(value) => onChange(withBound(field, 'min', value))}
              />
            </Col>
            <Col xs={12} md={6}>
              <Typography.Text type="secondary">{range[1]}</Typography.Text>
              <InputNumber
                aria-label={range[1]}
                style={{ width: '100%' }}
                value={field.max ?? null}
                disabled={disabled}
                onChange={(value) => onChange(withBound(field, 'max', value))}
              />
            </Col>
          </>
        )}
        <Col xs={24} md={12}>
          <Typography.Text type="secondary">显示条件</Typography.Text>
          <Select
            aria-label="显示条件"
            style={{ width: '100%' }}
            value={kindOf(field.showWhen)}
            disabled={disabled}
            options={CONDITION_OPTIONS.map((option) => ({
              ...option,
              disabled: option.value === 'answer' && targets.length === 0,
            }))}
            onChange={setCondition}
          />
        </Col>
        <ConditionDetails field={field} targets={targets} disabled={disabled} onChange={onChange} />
      </Row>
    </Card>
  );
}

function withBound(field: FormField, bound: 'min' | 'max', value: number | null): FormField {
  const rest = without(field, bound);
  return value === null ? rest : { ...rest, [bound]: value };
}

/**
 * Edits one age bound of a display condition. An age out of range or with decimals is kept as
 * typed and reported under the input, since InputNumber's min, max and precision would change
 * it silently.
 */
function AgeBoundInput(props: {
  label: string;
  value: number | undefined;
  disabled: boolean;
  onChange: (value: number | null) => void;
}) {
  const problem = conditionAgeProblem(props.label, props.value);
  return (
    <Col xs={12} md={6}>
      <Typography.Text type="secondary">{props.label}（周岁）</Typography.Text>
      <InputNumber
        aria-label={props.label}
        // InputNumber reads the parser's text as a number, and an empty text clears the value.
        parser={(text) => parseNumberText(text) as unknown as number}
        status={problem ? 'error' : undefined}
        style={{ width: '100%' }}
        value={props.value ?? null}
        disabled={props.disabled}
        onChange={props.onChange}
      />
      {problem && (
        <Typography.Text type="danger" role="alert" style={{ display: 'block', fontSize: 12 }}>
          {problem}
        </Typography.Text>
      )}
    </Col>
  );
}

function answerCondition(target: FormField, value?: string): FieldCondition {
  const first = value ?? target.options?.[0]?.value ?? '';
  return target.type === 'multiple_choice'
    ? { field: target.key, includes: first }
    : { field: target.key, equals: first };
}

function ConditionDetails(props: {
  field: FormField;
  targets: FormField[];
  disabled: boolean;
  onChange: (field: FormField) => void;
}) {
  const { field, targets, disabled, onChange } = props;
  const condition = field.showWhen;
  if (!condition) return null;
  if ('age' in condition) {
    const setAge = (bound: 'min' | 'max', value: number | null) => {
      const age = without(condition.age, bound);
      onChange({ ...field, showWhen: { age: value === null ? age : { ...age, [bound]: value } } });
    };
    return (
      <>
        <AgeBoundInput
          label="最小年龄"
          value={condition.age.min}
          disabled={disabled}
          onChange={(value) => setAge('min', value)}
        />
        <AgeBoundInput
          label="最大年龄"
          value={condition.age.max}
          disabled={disabled}
          onChange={(value) => setAge('max', value)}
        />
      </>
    );
  }
  const target = targets.find((candidate) => candidate.key === condition.field);
  const value = 'includes' in condition ? condition.includes : String(condition.equals);
  return (
    <>
      <Col xs={12} md={6}>
        <Typography.Text type="secondary">当字段</Typography.Text>
        <Select
          aria-label="条件字段"
          style={{ width: '100%' }}
          value={condition.field}
          disabled={disabled}
          options={targets.map((candidate) => ({
            value: candidate.key,
            label: candidate.label || candidate.key,
          }))}
          onChange={(key) => {
            const next = targets.find((candidate) => candidate.key === key);
            if (next) onChange({ ...field, showWhen: answerCondition(next) });
          }}
        />
      </Col>
      <Col xs={12} md={6}>
        <Typography.Text type="secondary">
          {target?.type === 'multiple_choice' ? '包含' : '等于'}
        </Typography.Text>
        {target?.options ? (
          <Select
            aria-label="条件取值"
            style={{ width: '100%' }}
            value={value}
            disabled={disabled}
            options={target.options.map((option) => ({ value: option.value, label: option.label }))}
            onChange={(next: string) =>
              target && onChange({ ...field, showWhen: answerCondition(target, next) })
            }
          />
        ) : (
          <Input
            aria-label="条件取值"
            value={value}
            disabled={disabled}
            onChange={(event) =>
              target &&
              onChange({ ...field, showWhen: answerCondition(target, event.target.value) })
            }
          />
        )}
      </Col>
    </>
  );
}
