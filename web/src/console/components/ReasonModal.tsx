import { Form, Input, Modal } from 'antd';
import { useEffect, useRef, type ReactNode } from 'react';

/** The server's limit for reasons of returns, cancellations and changes. */
export const REASON_MAX_LENGTH = 500;

export interface ReasonModalProps {
  title: ReactNode;
  /** Label of the text field, such as 退回原因; its required message is derived from it. */
  label: string;
  okText: string;
  /** Help under the field: who reads the text. */
  extra?: ReactNode;
  /** Shown above the field, such as a warning of what the action does. */
  children?: ReactNode;
  danger?: boolean;
  maxLength?: number;
  /** Text the field starts with, such as the note recorded before. */
  initialValue?: string;
  pending: boolean;
  onSubmit: (text: string) => void;
  onClose: () => void;
  /** Test id of the dialog, for browser tests. */
  testId?: string;
}

/**
 * Asks for a required text, such as a return reason or a review note, before an action.
 * The text is trimmed; a text of spaces alone is rejected here, as the server would.
 */
export function ReasonModal(props: ReasonModalProps) {
  const [form] = Form.useForm<{ text: string }>();
  const maxLength = props.maxLength ?? REASON_MAX_LENGTH;

  // A second click while the first is validated or sent must not submit the text again.
  const busy = useRef(false);
  useEffect(() => {
    if (!props.pending) busy.current = false;
  }, [props.pending]);

  async function handleOk() {
    if (busy.current || props.pending) return;
    busy.current = true;
    try {
      const { text } = await form.validateFields();
      props.onSubmit(text.trim());
    } catch (error) {
      busy.current = false;
      throw error;
    }
  }

  return (
    <Modal
      title={props.title}
      open
      okText={props.okText}
      cancelText="返回"
      okButtonProps={{ danger: props.danger, loading: props.pending }}
      onOk={() => void handleOk().catch(() => undefined)}
      onCancel={props.onClose}
      destroyOnHidden
      data-testid={props.testId}
    >
      {props.children}
      <Form
        form={form}
        layout="vertical"
        requiredMark={false}
        initialValues={{ text: props.initialValue ?? '' }}
      >
        <Form.Item
          name="text"
          label={props.label}
          rules={[
            { required: true, whitespace: true, message: `请填写${props.label}` },
            { max: maxLength, message: `${props.label}不能超过 ${maxLength} 字` },
          ]}
          extra={props.extra}
        >
          <Input.TextArea rows={4} showCount maxLength={maxLength} autoFocus />
        </Form.Item>
      </Form>
    </Modal>
  );
}
