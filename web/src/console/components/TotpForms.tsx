import { SafetyOutlined } from '@ant-design/icons';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Alert, Button, Form, Input, Spin, Typography } from 'antd';
import { consoleErrorMessage } from '../../lib/messages';
import { confirmTotpEnrolment, startTotpEnrolment } from '../endpoints';
import type { Me } from '../types';

interface CodeValues {
  code: string;
}

/** Renders the 6-digit code field, with the hints that let phones fill in a received code. */
function CodeField() {
  return (
    <Form.Item
      name="code"
      label="动态验证码"
      rules={[
        { required: true, message: '请输入动态验证码' },
        { pattern: /^\d{6}$/, message: '动态验证码是 6 位数字' },
      ]}
      normalize={(value: string) => value.replace(/\s/g, '')}
    >
      <Input
        prefix={<SafetyOutlined />}
        inputMode="numeric"
        autoComplete="one-time-code"
        maxLength={6}
        size="large"
        autoFocus
      />
    </Form.Item>
  );
}

/**
 * Asks for a one-time code and sends it with `submit`; shows the server's error in Chinese.
 * The sign-in page uses it for the second step and the security page for removing TOTP.
 */
export function TotpCodeForm(props: {
  submit: (code: string) => Promise<Me>;
  onDone: (me: Me) => void;
  buttonText: string;
  danger?: boolean;
}) {
  const mutation = useMutation({
    mutationFn: (values: CodeValues) => props.submit(values.code),
    onSuccess: props.onDone,
  });
  return (
    <Form<CodeValues>
      layout="vertical"
      requiredMark={false}
      onFinish={(values) => mutation.mutate(values)}
      onValuesChange={() => mutation.reset()}
    >
      <CodeField />
      {mutation.isError && (
        <Alert
          type="error"
          showIcon
          role="alert"
          title={consoleErrorMessage(mutation.error)}
          style={{ marginBottom: 16 }}
        />
      )}
      <Button
        type="primary"
        danger={props.danger}
        htmlType="submit"
        block
        size="large"
        loading={mutation.isPending}
      >
        {props.buttonText}
      </Button>
    </Form>
  );
}

/**
 * Starts a TOTP enrolment on mount and shows its QR code and secret; confirming with a code
 * from the authenticator app completes it. Each mount requests a new secret from the server.
 */
export function TotpEnrolmentForm(props: { onDone: (me: Me) => void }) {
  const enrolment = useQuery({
    queryKey: ['totp-enrolment'],
    queryFn: startTotpEnrolment,
    gcTime: 0,
    staleTime: Infinity,
    retry: false,
    refetchOnWindowFocus: false,
  });

  if (enrolment.isPending) {
    return (
      <div className="console-centered-block">
        <Spin />
      </div>
    );
  }
  if (enrolment.isError) {
    return (
      <Alert
        type="error"
        showIcon
        role="alert"
        title={consoleErrorMessage(enrolment.error)}
        action={<Button onClick={() => void enrolment.refetch()}>重试</Button>}
      />
    );
  }
  return (
    <>
      <ol className="console-totp-steps">
        <li>在手机上打开身份验证器应用（如 Microsoft Authenticator、Google 身份验证器）。</li>
        <li>扫描下方二维码，或手动输入密钥。</li>
        <li>输入应用显示的 6 位动态验证码，完成绑定。</li>
      </ol>
      <div className="console-totp-qr">
        <img src={enrolment.data.qrCodeDataUrl} alt="身份验证器二维码" width={200} height={200} />
      </div>
      <Typography.Paragraph className="console-totp-secret">
        密钥：
        <Typography.Text code copyable data-testid="totp-secret">
          {enrolment.data.secret}
        </Typography.Text>
      </Typography.Paragraph>
      <TotpCodeForm submit={confirmTotpEnrolment} onDone={props.onDone} buttonText="完成绑定" />
    </>
  );
}
