import { toHalfWidth } from '@cityleague/domain';
import { useQueryClient } from '@tanstack/react-query';
import { Button, Form, Input, Toast } from 'antd-mobile';
import { useEffect, useRef, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { ApiError } from '../../lib/api';
import { errorMessage } from '../../lib/messages';
import { citizenKey, requestSmsCode, safeNextPath, signInWithCode } from '../citizen-api';
import { PageNavBar } from '../components/PageNavBar';
import { checkPhone } from '../registration-rules';
import { useDocumentTitle } from '../use-document-title';

interface SignInValues {
  phone: string;
  code: string;
}

const CODE_PATTERN = /^\d{6}$/;

/** Returns a typed code with full-width digits and spaces normalised, as the server does. */
function normaliseCode(input: string): string {
  return toHalfWidth(input).replace(/\s/g, '');
}

/** Counts down once a second from the value given to `start` to zero. */
function useCountdown(): [number, (seconds: number) => void] {
  const [remaining, setRemaining] = useState(0);
  useEffect(() => {
    if (remaining <= 0) return;
    const timer = setTimeout(() => setRemaining((value) => value - 1), 1000);
    return () => clearTimeout(timer);
  }, [remaining]);
  return [remaining, setRemaining];
}

/** Signs a citizen in with a mobile number and an SMS code; the sign-in lasts 30 days. */
export function SignInPage() {
  useDocumentTitle('手机号登录');
  const [form] = Form.useForm<SignInValues>();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const queryClient = useQueryClient();
  const [countdown, startCountdown] = useCountdown();
  const [sendingCode, setSendingCode] = useState(false);
  const [signingIn, setSigningIn] = useState(false);
  const [formError, setFormError] = useState<string>();
  const codeInput = useRef<{ focus: () => void }>(null);

  const showError = (error: unknown) => {
    if (error instanceof ApiError && error.code === 'CIT_INVALID_PHONE') {
      form.setFields([{ name: 'phone', errors: [errorMessage(error)] }]);
    } else if (
      error instanceof ApiError &&
      (error.code === 'CIT_INVALID_SMS_CODE' || error.code === 'CIT_SMS_CODE_BURNT')
    ) {
      form.setFields([{ name: 'code', errors: [errorMessage(error)] }]);
    } else {
      setFormError(errorMessage(error));
    }
  };

  const sendCode = async () => {
    setFormError(undefined);
    try {
      await form.validateFields(['phone']);
    } catch {
      return;
    }
    const phone = checkPhone(form.getFieldValue('phone') ?? '');
    if (!('phone' in phone)) return;
    setSendingCode(true);
    try {
      const issued = await requestSmsCode(phone.phone);
      startCountdown(issued.resendAfterSeconds);
      Toast.show({ content: '验证码已发送，5 分钟内有效' });
      codeInput.current?.focus();
    } catch (error) {
      // The server keeps the wait between codes, so a reload does not skip it: count it down.
      if (
        error instanceof ApiError &&
        error.code === 'CIT_SMS_CODE_RESEND_WAIT' &&
        error.retryAfterSeconds !== null
      ) {
        startCountdown(error.retryAfterSeconds);
      }
      showError(error);
    } finally {
      setSendingCode(false);
    }
  };

  const submit = async (values: SignInValues) => {
    const phone = checkPhone(values.phone);
    if (!('phone' in phone) || signingIn) return;
    setFormError(undefined);
    setSigningIn(true);
    try {
      const profile = await signInWithCode(phone.phone, normaliseCode(values.code));
      queryClient.setQueryData(citizenKey, profile);
      navigate(safeNextPath(params.get('next')), { replace: true });
    } catch (error) {
      showError(error);
    } finally {
      setSigningIn(false);
    }
  };

  const sendLabel = countdown > 0 ? `${countdown} 秒后重发` : '获取验证码';

  return (
    <div className="page">
      <PageNavBar title="手机号登录" />
      <main className="page-body">
        <section className="panel sign-in-intro">
          <h1 className="sign-in-title">登录城市业余联赛</h1>
          <p className="sign-in-lead">未注册的手机号验证后将自动注册，登录状态在本机保持 30 天</p>
        </section>
        <Form
          form={form}
          layout="vertical"
          className="register-form sign-in-form"
          onFinish={submit}
          // Clear a server error as soon as the field changes, so that the layout settles
          // before the next tap on 登录 instead of moving the button under the finger.
          onValuesChange={(changed: Partial<SignInValues>) => {
            const names = Object.keys(changed) as (keyof SignInValues)[];
            form.setFields(names.map((name) => ({ name, errors: [] })));
          }}
          footer={
            <div className="register-footer">
              {formError && (
                <div className="form-alert" role="alert">
                  {formError}
                </div>
              )}
              <Button
                block
                type="submit"
                color="primary"
                size="large"
                shape="rounded"
                loading={signingIn}
                loadingText="正在登录"
              >
                登录
              </Button>
            </div>
          }
        >
          <Form.Item
            name="phone"
            label="手机号码"
            validateTrigger="onBlur"
            rules={[
              {
                validator: async (_, value: string | undefined) => {
                  const result = checkPhone(value ?? '');
                  if ('problem' in result) throw new Error(result.problem);
                },
              },
            ]}
          >
            <Input
              type="tel"
              inputMode="tel"
              placeholder="请输入11位手机号码"
              autoComplete="tel"
              maxLength={20}
              clearable
            />
          </Form.Item>
          <Form.Item
            name="code"
            label="短信验证码"
            validateTrigger="onBlur"
            extra={
              <Button
                size="small"
                color="primary"
                fill="outline"
                className="send-code"
                disabled={countdown > 0 || sendingCode}
                loading={sendingCode}
                onClick={() => void sendCode()}
              >
                {sendLabel}
              </Button>
            }
            rules={[
              {
                validator: async (_, value: string | undefined) => {
                  if (!CODE_PATTERN.test(normaliseCode(value ?? ''))) {
                    throw new Error('请输入6位数字验证码');
                  }
                },
              },
            ]}
          >
            <Input
              ref={codeInput as never}
              inputMode="numeric"
              placeholder="6位数字"
              autoComplete="one-time-code"
              maxLength={6}
            />
          </Form.Item>
        </Form>
      </main>
    </div>
  );
}
