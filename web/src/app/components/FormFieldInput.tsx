import type { FormField } from '@cityleague/domain';
import { Button, Checkbox, Input, Radio, Space, TextArea } from 'antd-mobile';
import { useRef, useState } from 'react';

import { errorMessage } from '../../lib/messages';
import { uploadAttachment } from '../registration-form-api';

interface FieldInputProps {
  eventId: string;
  field: FormField;
  value?: unknown;
  onChange?: (value: unknown) => void;
}

/** The input of one custom field of a registration form, by its type. */
export function FormFieldInput({ eventId, field, value, onChange }: FieldInputProps) {
  switch (field.type) {
    case 'text':
      return (field.max ?? 500) > 50 ? (
        <TextArea
          value={(value as string) ?? ''}
          onChange={onChange}
          autoSize={{ minRows: 2, maxRows: 6 }}
          maxLength={field.max ?? 500}
          placeholder={`请填写${field.label}`}
        />
      ) : (
        <Input
          value={(value as string) ?? ''}
          onChange={onChange}
          maxLength={field.max}
          placeholder={`请填写${field.label}`}
          clearable
        />
      );
    case 'number':
      return (
        <Input
          value={(value as string) ?? ''}
          onChange={onChange}
          inputMode="decimal"
          placeholder={`请填写${field.label}`}
          clearable
        />
      );
    case 'date':
      return (
        <input
          className="form-date-input"
          type="date"
          value={(value as string) ?? ''}
          onChange={(event) => onChange?.(event.target.value)}
          aria-label={field.label}
        />
      );
    case 'single_choice':
      return (
        <Radio.Group value={(value as string) ?? null} onChange={(next) => onChange?.(next)}>
          <Space direction="vertical">
            {(field.options ?? []).map((option) => (
              <Radio key={option.value} value={option.value}>
                {option.label}
              </Radio>
            ))}
          </Space>
        </Radio.Group>
      );
    case 'multiple_choice':
      return (
        <Checkbox.Group
          value={(value as string[]) ?? []}
          onChange={(next) => onChange?.(next as string[])}
        >
          <Space direction="vertical">
            {(field.options ?? []).map((option) => (
              <Checkbox key={option.value} value={option.value}>
                {option.label}
              </Checkbox>
            ))}
          </Space>
        </Checkbox.Group>
      );
    case 'file':
      return <FileAnswer eventId={eventId} field={field} value={value} onChange={onChange} />;
  }
}

/** Uploads the chosen file at once and keeps the attachment id as the answer. */
function FileAnswer({ eventId, field, value, onChange }: FieldInputProps) {
  const input = useRef<HTMLInputElement>(null);
  const [fileName, setFileName] = useState<string>();
  const [uploading, setUploading] = useState(false);
  const [problem, setProblem] = useState<string>();

  const choose = async (file: File | undefined) => {
    if (!file) return;
    setUploading(true);
    setProblem(undefined);
    try {
      const uploaded = await uploadAttachment(eventId, field.key, file);
      setFileName(uploaded.fileName);
      onChange?.(uploaded.id);
    } catch (error) {
      setProblem(errorMessage(error));
      onChange?.(undefined);
    } finally {
      setUploading(false);
    }
  };

  return (
    <div className="file-answer">
      <input
        ref={input}
        type="file"
        accept="application/pdf,image/jpeg,image/png"
        hidden
        aria-label={field.label}
        onChange={(event) => void choose(event.target.files?.[0])}
      />
      <Button size="small" loading={uploading} onClick={() => input.current?.click()}>
        {value ? '重新选择' : '选择文件'}
      </Button>
      <span className="file-answer-name">
        {value ? (fileName ?? '已上传') : 'PDF、JPG 或 PNG，不超过 5MB'}
      </span>
      {problem && <div className="form-alert">{problem}</div>}
    </div>
  );
}
