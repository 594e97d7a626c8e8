import {
  MAX_RANK,
  RESULT_STATUS_LABELS,
  RESULT_STATUSES,
  type ResultStatus,
} from '@cityleague/domain';
import { App, Form, Input, InputNumber, Modal, Radio } from 'antd';
import { useEffect, useState } from 'react';
import { consoleErrorMessage } from '../../lib/messages';
import { numberRule, parseNumberText } from '../number-rules';
import { saveResult, type ResultEntry } from '../results';

interface FormValues {
  status: ResultStatus;
  rank: number | null;
  time: string;
  score: string;
}

/** Enters or edits one entry's result: status, rank, and a time or a score. */
export function ResultEditModal(props: {
  eventId: string;
  entry: ResultEntry | null;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { entry } = props;
  const { message } = App.useApp();
  const [form] = Form.useForm<FormValues>();
  const [saving, setSaving] = useState(false);
  const status = Form.useWatch('status', form);

  useEffect(() => {
    if (!entry) return;
    form.setFieldsValue({
      status: entry.result?.status ?? 'finished',
      rank: entry.result?.rank ?? null,
      time: entry.result?.time ?? '',
      score: entry.result?.score ?? '',
    });
  }, [entry, form]);

  async function submit(values: FormValues) {
    if (!entry) return;
    setSaving(true);
    try {
      const finished = values.status === 'finished';
      await saveResult(props.eventId, entry.registrationId, {
        status: values.status,
        rank: finished ? (values.rank ?? null) : null,
        time: values.time.trim() === '' ? null : values.time.trim(),
        score: values.score.trim() === '' ? null : values.score.trim(),
      });
      message.success('成绩已保存');
      props.onSaved();
    } catch (error) {
      message.error(consoleErrorMessage(error));
    } finally {
      setSaving(false);
    }
  }

  return (
    <Modal
      title={entry ? `录入成绩：${entry.name}（${entry.groupName}）` : ''}
      open={entry !== null}
      onCancel={props.onClose}
      onOk={() => form.submit()}
      okText="保存"
      cancelText="取消"
      confirmLoading={saving}
      destroyOnHidden
    >
      <Form<FormValues> form={form} layout="vertical" onFinish={(values) => void submit(values)}>
        <Form.Item name="status" label="状态" rules={[{ required: true }]}>
          <Radio.Group
            options={RESULT_STATUSES.map((value) => ({
              value,
              label: RESULT_STATUS_LABELS[value],
            }))}
            optionType="button"
          />
        </Form.Item>
        {status === 'finished' && (
          <Form.Item
            name="rank"
            label="名次"
            rules={[
              { required: true, message: '请填写名次' },
              numberRule({ label: '名次', min: 1, max: MAX_RANK }),
            ]}
          >
            <InputNumber parser={parseNumberText} style={{ width: 160 }} />
          </Form.Item>
        )}
        <Form.Item
          name="time"
          label="用时"
          extra="格式 时:分:秒.毫秒，如 01:02:03.456；按得分排名的项目留空"
          rules={[
            {
              pattern: /^(\d{1,2}:)?\d{1,2}:\d{2}(\.\d{1,3})?$/,
              message: '格式应为 时:分:秒.毫秒',
            },
          ]}
        >
          <Input placeholder="01:02:03.456" inputMode="decimal" />
        </Form.Item>
        <Form.Item
          name="score"
          label="得分"
          extra="最多 3 位小数；与用时只填一项"
          rules={[{ pattern: /^-?\d{1,10}(\.\d{1,3})?$/, message: '应为数字，最多 3 位小数' }]}
        >
          <Input placeholder="95.5" inputMode="decimal" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
