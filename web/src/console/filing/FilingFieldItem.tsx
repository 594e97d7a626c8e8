import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import {
  EVENT_LEVEL_LABELS,
  FILING_FIELD_LABELS,
  SECTION_LABELS,
  type EventLevel,
  type Section,
} from '@cityleague/domain';
import {
  Button,
  Col,
  Form,
  Input,
  InputNumber,
  Select,
  type DatePickerProps,
  type FormRule,
} from 'antd';
import type { Dayjs } from 'dayjs';
import type { ReactNode } from 'react';
import { pickerValueToIso } from '../time';
import type { VenueSuggestion } from '../types';
import { DateTimePicker } from './DateTimePicker';
import { numberRule, parseNumberText } from '../number-rules';
import { noEmojiRule } from '../text-rules';
import { FIELD_ERROR_MESSAGES } from './field-errors';
import { payloadFieldOf, type FormFieldName, type PayloadField } from './filing-values';
import { PlaceSelect } from './PlaceSelect';
import { SportSelect } from './SportSelect';
import { VenueInput } from './VenueInput';

/**
 * Picks the registration deadline. The days the filing check rejects are disabled: a day after
 * the start's day, and a day before the opening's day. A past day stays open, because the
 * server compares the deadline only with those two times. closesInWindow reports a wrong time
 * on an open day.
 */
function DeadlinePicker(props: DatePickerProps) {
  const startsAt = Form.useWatch<Dayjs | undefined>('startsAt');
  const opensAt = Form.useWatch<Dayjs | undefined>('registrationOpensAt');
  // Picker values carry Shanghai wall time, so their dates compare as Shanghai days.
  const startDay = startsAt?.format('YYYY-MM-DD');
  const openDay = opensAt?.format('YYYY-MM-DD');
  const disabledDate = (value: Dayjs) => {
    const day = value.format('YYYY-MM-DD');
    return (startDay !== undefined && day > startDay) || (openDay !== undefined && day < openDay);
  };
  return <DateTimePicker {...props} disabledDate={disabledDate} />;
}

/** Facts about the filing and the filer that the fields depend on. */
export interface FilingFieldContext {
  /** API fields that submit requires in the current form. */
  required: ReadonlySet<PayloadField>;
  levels: readonly EventLevel[];
  sections: readonly Section[];
  /** Fields the contract fixes, which the form shows but does not let change. */
  locked: ReadonlySet<FormFieldName>;
  /** Whether the event must be held in a street (street and community levels, street filers). */
  streetRequired: boolean;
  /** Whether to offer neighbourhood committees, which only street and community events use. */
  showCommunity: boolean;
  /** The district and street a filer is bound to, if any. */
  area: { districtCode?: string; streetCode?: string };
  /** Tells the autosave about a change the form made itself. */
  onChanged: () => void;
  onPickVenue: (suggestion: VenueSuggestion) => void;
}

// Limits of the server's filing schema, so that the form stops input the server would reject.
const LIMITS = {
  name: 100,
  venue: 200,
  address: 300,
  organisation: 200,
  longText: 20_000,
  mediumText: 5_000,
  contactName: 50,
  contactPhone: 20,
  coOrganisers: 10,
  capacity: 1_000_000,
  expectedParticipants: 10_000_000,
  feeYuan: 100_000,
};
export { LIMITS as FILING_LIMITS };
const PHONE_PATTERN = /^\+?[0-9][0-9 -]{6,19}$/;

const LABELS: Partial<Record<FormFieldName, string>> = {
  level: '赛事级别',
  section: '板块',
  district: '所在区',
  street: '所在街镇',
  community: '所在居委会',
  feeYuan: '报名费（元）',
};

function labelOf(name: FormFieldName): string {
  return (
    LABELS[name] ?? FILING_FIELD_LABELS[payloadFieldOf(name) as keyof typeof FILING_FIELD_LABELS]
  );
}

const startsInFuture: FormRule = {
  // The picker shows Shanghai wall time, so compare the instant it stands for.
  validator: (_, value: Dayjs | undefined) => {
    if (!value || Date.parse(pickerValueToIso(value)) > Date.now()) return Promise.resolve();
    return Promise.reject(new Error(FIELD_ERROR_MESSAGES.in_future));
  },
};

const endsInFuture: FormRule = {
  validator: (_, value: Dayjs | undefined) => {
    if (!value || Date.parse(pickerValueToIso(value)) > Date.now()) return Promise.resolve();
    return Promise.reject(new Error('结束时间须晚于当前时间'));
  },
};

const endsAfterStart: FormRule = ({ getFieldValue }) => ({
  validator: (_, value: Dayjs | undefined) => {
    const startsAt = getFieldValue('startsAt') as Dayjs | undefined;
    if (!value || !startsAt || value.isAfter(startsAt)) return Promise.resolve();
    return Promise.reject(new Error(FIELD_ERROR_MESSAGES.after_start));
  },
});

const closesInWindow: FormRule = ({ getFieldValue }) => ({
  validator: (_, value: Dayjs | undefined) => {
    const opensAt = getFieldValue('registrationOpensAt') as Dayjs | undefined;
    if (value && opensAt && !value.isAfter(opensAt)) {
      return Promise.reject(new Error(FIELD_ERROR_MESSAGES.after_open));
    }
    const startsAt = getFieldValue('startsAt') as Dayjs | undefined;
    if (value && startsAt && value.isAfter(startsAt)) {
      return Promise.reject(new Error(FIELD_ERROR_MESSAGES.before_start));
    }
    return Promise.resolve();
  },
});

const textArea = (maxLength: number, placeholder: string) => (
  <Input.TextArea
    showCount
    maxLength={maxLength}
    autoSize={{ minRows: 3, maxRows: 12 }}
    placeholder={placeholder}
  />
);

interface FieldSpec {
  widget: ReactNode;
  rules?: FormRule[];
  extra?: ReactNode;
  wide?: boolean;
  dependencies?: FormFieldName[];
}

function specOf(name: FormFieldName, ctx: FilingFieldContext): FieldSpec | null {
  const locked = ctx.locked.has(name);
  switch (name) {
    case 'name':
      return {
        widget: <Input maxLength={LIMITS.name} placeholder="例如：2026 徐汇区三人篮球赛" />,
        rules: [
          { required: true, whitespace: true, message: '请填写赛事名称' },
          { min: 2, message: '赛事名称至少 2 个字' },
          noEmojiRule,
        ],
      };
    case 'level':
      return {
        widget: (
          <Select
            disabled={locked}
            placeholder={locked ? '由合同确定' : '请选择'}
            options={ctx.levels.map((value) => ({ value, label: EVENT_LEVEL_LABELS[value] }))}
          />
        ),
        rules: [{ required: true, message: '请选择赛事级别' }],
      };
    case 'section':
      return {
        widget: (
          <Select
            disabled={locked || ctx.sections.length === 0}
            placeholder={ctx.sections.length === 0 ? '请先选择赛事级别' : '请选择'}
            options={ctx.sections.map((value) => ({ value, label: SECTION_LABELS[value] }))}
          />
        ),
        rules: [{ required: true, message: '请选择板块' }],
        extra:
          !locked && ctx.sections.includes('community_games')
            ? '社区健康运动会使用简易表单，其他板块使用完整表单'
            : undefined,
      };
    case 'sport':
      return {
        widget: (
          <SportSelect disabled={locked} {...(locked ? { placeholder: '由合同确定' } : {})} />
        ),
      };
    case 'district':
    case 'street':
    case 'community':
      if (name === 'community' && !ctx.showCommunity) return null;
      return {
        widget: (
          <PlaceSelect which={name} area={ctx.area} locked={locked} onChanged={ctx.onChanged} />
        ),
        extra:
          name === 'street' && !ctx.streetRequired
            ? '可不选，不选表示在全区举办'
            : name === 'community'
              ? '可不选'
              : undefined,
      };
    case 'venue':
      return {
        widget: (
          <VenueInput
            maxLength={LIMITS.venue}
            placeholder="输入场馆名称或拼音首字母，可选用过的场地"
            onPick={ctx.onPickVenue}
          />
        ),
        rules: [{ min: 2, message: '场地至少 2 个字' }, noEmojiRule],
      };
    case 'address':
      return {
        widget: <Input maxLength={LIMITS.address} placeholder="例如：上海市徐汇区漕溪北路 1 号" />,
        rules: [noEmojiRule],
      };
    // The start and end keep past days open, because the picker clears a typed disabled day
    // without a message; startsInFuture reports it instead. Registration may have opened
    // before today, so its opening time stays free.
    case 'startsAt':
      return {
        widget: <DateTimePicker />,
        rules: [startsInFuture],
      };
    case 'endsAt':
      return {
        widget: <DateTimePicker />,
        rules: [endsInFuture, endsAfterStart],
        dependencies: ['startsAt'],
      };
    case 'registrationOpensAt':
      return { widget: <DateTimePicker /> };
    case 'registrationClosesAt':
      return {
        widget: <DeadlinePicker />,
        rules: [closesInWindow],
        dependencies: ['registrationOpensAt', 'startsAt'],
      };
    case 'capacity':
      return {
        widget: (
          <InputNumber
            parser={parseNumberText}
            suffix="人"
            style={{ width: '100%' }}
            placeholder="最多可报名人数"
          />
        ),
        rules: [numberRule({ label: '报名名额', min: 1, max: LIMITS.capacity, unit: '人' })],
      };
    case 'expectedParticipants':
      return {
        widget: (
          <InputNumber
            parser={parseNumberText}
            suffix="人"
            style={{ width: '100%' }}
            placeholder="含运动员、观众和工作人员"
          />
        ),
        rules: [
          numberRule({
            label: '预计参与人数',
            min: 1,
            max: LIMITS.expectedParticipants,
            unit: '人',
          }),
        ],
      };
    case 'feeYuan':
      return {
        widget: (
          <InputNumber
            parser={parseNumberText}
            step={1}
            prefix="¥"
            style={{ width: '100%' }}
            placeholder="免费赛事填 0"
          />
        ),
        rules: [
          numberRule({ label: '报名费', min: 0, max: LIMITS.feeYuan, decimals: 2, unit: '元' }),
        ],
      };
    case 'host':
      return {
        widget: <Input maxLength={LIMITS.organisation} placeholder="主办单位名称" />,
        rules: [noEmojiRule],
      };
    case 'organiser':
      return {
        widget: <Input maxLength={LIMITS.organisation} placeholder="承办单位名称" />,
        rules: [noEmojiRule],
      };
    case 'coOrganisers':
      return { widget: null, wide: true };
    case 'rules':
      return { widget: textArea(LIMITS.longText, '比赛办法、分组、赛制、奖项等'), wide: true };
    case 'safetyPlan':
      return { widget: textArea(LIMITS.longText, '安保、疏散、应急处置安排'), wide: true };
    case 'medicalCover':
      return { widget: textArea(LIMITS.mediumText, '医护人员、救护车、AED 配置等'), wide: true };
    case 'insurance':
      return { widget: textArea(LIMITS.mediumText, '投保险种、保险公司、保额'), wide: true };
    case 'description':
      return { widget: textArea(LIMITS.mediumText, '向市民介绍赛事的亮点（选填）'), wide: true };
    case 'contactName':
      return {
        widget: <Input maxLength={LIMITS.contactName} placeholder="联系人姓名" />,
        rules: [noEmojiRule],
      };
    case 'contactPhone':
      return {
        widget: (
          <Input maxLength={LIMITS.contactPhone} inputMode="tel" placeholder="如 021-64000000" />
        ),
        rules: [{ pattern: PHONE_PATTERN, message: '请填写正确的联系电话' }],
      };
    case 'contractId':
      return null;
  }
}

/** Renders the co-organisers as a list with one input per organisation. */
function CoOrganisersList({ ctx }: { ctx: FilingFieldContext }) {
  return (
    <Form.List name="coOrganisers">
      {(fields, { add, remove }, { errors }) => (
        <Form.Item label={labelOf('coOrganisers')} extra="可添加多个，每行一个单位，选填">
          {fields.map((field) => (
            <div key={field.key} className="filing-list-row">
              <Form.Item name={field.name} noStyle rules={[noEmojiRule]}>
                <Input maxLength={LIMITS.organisation} placeholder="协办单位名称" />
              </Form.Item>
              <Button
                type="text"
                icon={<DeleteOutlined />}
                aria-label="删除此协办单位"
                onClick={() => {
                  remove(field.name);
                  ctx.onChanged();
                }}
              />
            </div>
          ))}
          {fields.length < LIMITS.coOrganisers && (
            <Button
              type="dashed"
              block
              icon={<PlusOutlined />}
              onClick={() => {
                add('');
                ctx.onChanged();
              }}
            >
              添加协办单位
            </Button>
          )}
          <Form.ErrorList errors={errors} />
        </Form.Item>
      )}
    </Form.List>
  );
}

/** Renders one field of the filing form in its grid cell. */
export function FilingFieldItem({ name, ctx }: { name: FormFieldName; ctx: FilingFieldContext }) {
  const spec = specOf(name, ctx);
  if (!spec) return null;
  const payloadField = payloadFieldOf(name);
  let required = ctx.required.has(payloadField);
  if (name === 'street') required &&= ctx.streetRequired;
  if (name === 'community') required = false;

  return (
    <Col xs={24} md={spec.wide ? 24 : 12}>
      {name === 'coOrganisers' ? (
        <CoOrganisersList ctx={ctx} />
      ) : (
        <Form.Item
          name={name}
          label={labelOf(name)}
          required={required}
          rules={spec.rules}
          extra={spec.extra}
          dependencies={spec.dependencies}
        >
          {spec.widget}
        </Form.Item>
      )}
    </Col>
  );
}
