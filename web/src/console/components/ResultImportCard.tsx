import { DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Space, Table, Tag, Typography, Upload } from 'antd';
import { useState } from 'react';
import { consoleErrorMessage } from '../../lib/messages';
import { readAsBase64 } from '../files';
import {
  commitResultImport,
  dryRunResultImport,
  resultTemplatePath,
  type ResultImport,
  type ResultRowError,
} from '../results';

/** Largest workbook the server accepts; checked here too so a big file fails at once. */
const MAX_WORKBOOK_BYTES = 2 * 1024 * 1024;

const ROW_STATUS: Record<ResultImport['rows'][number]['status'], { label: string; color: string }> =
  {
    new: { label: '新增', color: 'green' },
    changed: { label: '更新', color: 'orange' },
    unchanged: { label: '无变化', color: 'default' },
  };

/** Uploads a result workbook for a dry run, shows its row report, then commits it on request. */
export function ResultImportCard(props: { eventId: string; onCommitted: () => void }) {
  const { eventId } = props;
  const { message } = App.useApp();
  const [report, setReport] = useState<ResultImport | null>(null);
  const [checking, setChecking] = useState(false);
  const [committing, setCommitting] = useState(false);

  async function check(file: File) {
    if (file.size > MAX_WORKBOOK_BYTES) {
      message.error('文件超过 2 MB，请拆分后分批上传');
      return;
    }
    setChecking(true);
    try {
      setReport(await dryRunResultImport(eventId, file.name, await readAsBase64(file)));
    } catch (error) {
      setReport(null);
      message.error(consoleErrorMessage(error));
    } finally {
      setChecking(false);
    }
  }

  async function commit() {
    if (!report) return;
    setCommitting(true);
    try {
      setReport(await commitResultImport(eventId, report.id));
      message.success('成绩已导入');
      props.onCommitted();
    } catch (error) {
      message.error(consoleErrorMessage(error));
    } finally {
      setCommitting(false);
    }
  }

  const committed = report?.status === 'committed';
  return (
    <Card title="导入成绩" style={{ marginBottom: 16 }}>
      <Typography.Paragraph type="secondary">
        上传 Excel
        工作簿（.xlsx）后先预检，逐行列出错误；没有错误时才能确认，确认后全部写入，任何一行失败则全部不写入。
        每行用报名码，或姓名加手机号，对应一条报名；同组名次相同视为并列；未完赛填 DNF、取消成绩填
        DSQ，不填名次。
      </Typography.Paragraph>
      <Space wrap>
        <Button icon={<DownloadOutlined />} href={resultTemplatePath(eventId)}>
          下载导入模板
        </Button>
        <Upload
          accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          showUploadList={false}
          beforeUpload={(file) => {
            void check(file);
            return false;
          }}
        >
          <Button type="primary" icon={<UploadOutlined />} loading={checking}>
            上传并预检
          </Button>
        </Upload>
      </Space>
      {report && (
        <div style={{ marginTop: 16 }}>
          <Typography.Paragraph type="secondary">
            {report.fileName} · 共 {report.summary.rows} 行 · 有效 {report.summary.valid} 行 · 错误{' '}
            {report.summary.invalid} 行 · {committed ? '已导入' : '预检结果，尚未导入'}
          </Typography.Paragraph>
          {report.errors.length > 0 ? (
            <>
              <Alert
                type="error"
                showIcon
                title={`文件中有 ${report.summary.invalid} 行错误，请按下表修改后重新上传`}
                style={{ marginBottom: 16 }}
              />
              <Table<ResultRowError>
                rowKey={(error) => `${error.row}-${error.column}-${error.code}`}
                columns={[
                  { title: '行号', dataIndex: 'row', width: 72 },
                  { title: '列', dataIndex: 'column', width: 100 },
                  { title: '原因', dataIndex: 'reason' },
                ]}
                dataSource={report.errors}
                size="small"
                pagination={report.errors.length > 20 ? { pageSize: 20 } : false}
              />
            </>
          ) : (
            <Alert
              type={committed ? 'success' : 'info'}
              showIcon
              title={
                committed
                  ? `导入完成：新增 ${report.summary.new} 条，更新 ${report.summary.changed} 条`
                  : `确认后将新增 ${report.summary.new} 条、更新 ${report.summary.changed} 条成绩`
              }
              style={{ marginBottom: 16 }}
            />
          )}
          {report.errors.length === 0 && report.rows.length > 0 && (
            <Table
              rowKey="row"
              columns={[
                { title: '行号', dataIndex: 'row', width: 72 },
                { title: '报名码', dataIndex: 'code', width: 130 },
                { title: '姓名', dataIndex: 'name', width: 120 },
                { title: '组别', dataIndex: 'groupName', width: 120 },
                { title: '成绩', dataIndex: 'result' },
                {
                  title: '结果',
                  dataIndex: 'status',
                  width: 90,
                  render: (status: ResultImport['rows'][number]['status']) => (
                    <Tag color={ROW_STATUS[status].color}>{ROW_STATUS[status].label}</Tag>
                  ),
                },
              ]}
              dataSource={report.rows}
              size="small"
              scroll={{ x: 700 }}
              pagination={report.rows.length > 20 ? { pageSize: 20 } : false}
            />
          )}
          {!committed && (
            <div className="console-form-actions" style={{ marginTop: 16 }}>
              <Button
                type="primary"
                disabled={report.errors.length > 0 || report.summary.valid === 0}
                loading={committing}
                onClick={() => void commit()}
              >
                确认导入
              </Button>
            </div>
          )}
        </div>
      )}
    </Card>
  );
}
