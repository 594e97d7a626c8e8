import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, InputNumber, Switch, Tag, Typography } from 'antd';
import { consoleErrorMessage } from '../../lib/messages';
import { fetchAlertRules, saveAlertRule, type AlertRuleSetting } from '../alerts';
import { PageTitle } from '../components/PageTitle';
import { PageLoading } from '../components/PageLoading';
import { formatTime } from '../time';

const rulesKey = ['alert-rules'] as const;

interface RuleValues {
  enabled: boolean;
  parameters: Record<string, number>;
}

function RuleCard(props: { rule: AlertRuleSetting }) {
  const { rule } = props;
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<RuleValues>();
  const save = useMutation({
    mutationFn: (values: RuleValues) => saveAlertRule(rule.code, values),
    onSuccess: async () => {
      message.success(`已保存：${rule.label}`);
      await queryClient.invalidateQueries({ queryKey: rulesKey });
    },
    onError: (error) => message.error(consoleErrorMessage(error)),
  });
  const initialValues: RuleValues = {
    enabled: rule.enabled,
    parameters: Object.fromEntries(rule.parameters.map((p) => [p.key, p.value])),
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
            rules={[{ required: true, message: `请填写${parameter.label}` }]}
            tooltip={`${parameter.min} 至 ${parameter.max} ${parameter.unit}，默认 ${parameter.default}`}
          >
            <InputNumber
              min={parameter.min}
              max={parameter.max}
              addonAfter={parameter.unit}
              style={{ width: 150 }}
            />
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
