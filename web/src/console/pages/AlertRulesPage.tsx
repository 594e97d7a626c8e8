import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input, Switch, Tag, Typography } from 'antd';
import { ApiError } from '../../lib/api';
import { consoleErrorMessage } from '../../lib/messages';
import { fetchAlertRules, saveAlertRule, type AlertRuleSetting } from '../alerts';
import { numberProblem, numberRule, readNumberText, type NumberRuleOptions } from '../number-rules';
import { PageTitle } from '../components/PageTitle';
import { PageLoading } from '../components/PageLoading';
import { formatTime } from '../time';

const rulesKey = ['alert-rules'] as const;

/** The form's values: each parameter as typed, so a wrong value stays visible with its error. */
interface RuleValues {
  enabled: boolean;
  parameters: Record<string, string>;
}

function ruleOptions(parameter: AlertRuleSetting['parameters'][number]): NumberRuleOptions {
  return {
    label: parameter.label,
    min: parameter.min,
    max: parameter.max,
    decimals: parameter.decimals,
    unit: parameter.unit,
    required: true,
  };
}

function RuleCard(props: { rule: AlertRuleSetting }) {
  const { rule } = props;
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<RuleValues>();
  const save = useMutation({
    mutationFn: (values: RuleValues) =>
      saveAlertRule(rule.code, {
        enabled: values.enabled,
        parameters: Object.fromEntries(
          Object.entries(values.parameters).map(([key, text]) => [key, readNumberText(text)]),
        ),
      }),
    onSuccess: async () => {
      message.success(`已保存：${rule.label}`);
      await queryClient.invalidateQueries({ queryKey: rulesKey });
    },
    onError: (error) => {
      // The form checks the same ranges, so the server rejects a parameter only when the rule
      // changed meanwhile. Its error goes on the field, worded as the form words it.
      const rejected =
        error instanceof ApiError && error.code === 'VALIDATION_FAILED'
          ? rule.parameters.filter((parameter) =>
              (error.problem.errors ?? []).some(
                (fieldError) => fieldError.field === `parameters.${parameter.key}`,
              ),
            )
          : [];
      if (rejected.length === 0) {
        message.error(consoleErrorMessage(error));
        return;
      }
      const texts = rejected.map(
        (parameter) =>
          numberProblem(Number.NaN, ruleOptions(parameter)) ?? `${parameter.label}填写有误`,
      );
      form.setFields(
        rejected.map((parameter, index) => ({
          name: ['parameters', parameter.key],
          errors: [texts[index]!],
        })),
      );
      message.error(`未保存：${texts.join('；')}`);
    },
  });
  const initialValues: RuleValues = {
    enabled: rule.enabled,
    parameters: Object.fromEntries(rule.parameters.map((p) => [p.key, String(p.value)])),
  };

  return (
    <Card
      className="console-alert-rule"
      data-rule={rule.code}
      title={rule.label}
      extra={<Tag>{rule.audience === 'operator' ? '通知运营方' : '通知管理部门'}</Tag>}
    >
      <Typography.Paragraph type="secondary">{rule.description}</Typography.Paragraph>
      <Form
        form={form}
        layout="inline"
        initialValues={initialValues}
        onFinish={(values) => save.mutate(values)}
        className="console-alert-rule-form"
      >
        <Form.Item name="enabled" label="启用" valuePropName="checked">
          <Switch />
        </Form.Item>
        {rule.parameters.map((parameter) => (
          <Form.Item
            key={parameter.key}
            name={['parameters', parameter.key]}
            label={parameter.label}
            rules={[numberRule(ruleOptions(parameter))]}
            tooltip={`${parameter.min} 至 ${parameter.max} ${parameter.unit}，默认 ${parameter.default}`}
          >
            <Input inputMode="decimal" suffix={parameter.unit} style={{ width: 150 }} />
          </Form.Item>
        ))}
        <Form.Item>
          <Button type="primary" htmlType="submit" loading={save.isPending}>
            保存
          </Button>
        </Form.Item>
      </Form>
      <Typography.Text type="secondary" className="console-alert-rule-updated">
        最近修改：{formatTime(rule.updatedAt)}
      </Typography.Text>
    </Card>
  );
}

/**
 * 预警规则: the operator switches each anomaly rule on or off and sets its thresholds. The
 * next evaluation uses the new values.
 */
export function AlertRulesPage() {
  const rules = useQuery({ queryKey: rulesKey, queryFn: fetchAlertRules });
  if (rules.isLoading) return <PageLoading />;
  return (
    <>
      <PageTitle title="预警规则" />
      {rules.isError ? (
        <Alert type="error" showIcon message={consoleErrorMessage(rules.error)} />
      ) : (
        <div className="console-alert-rules">
          {(rules.data?.items ?? []).map((rule) => (
            <RuleCard key={`${rule.code}-${rule.updatedAt}`} rule={rule} />
          ))}
        </div>
      )}
    </>
  );
}
