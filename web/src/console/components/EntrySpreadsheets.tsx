import { DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Grid,
  Popconfirm,
  Space,
  Table,
  Typography,
  Upload,
  type TableColumnsType,
} from 'antd';
import { useState } from 'react';
import { consoleErrorMessage } from '../../lib/messages';
import { ENTRY_IMPORT_TEMPLATE_PATH, entryExportPath, importEntries } from '../endpoints';
import { MAX_WORKBOOK_BYTES, readAsBase64 } from '../files';
import { queryKeys } from '../queries';
import type { EntryImportReport, WorkbookRowError } from '../types';

const errorColumns: TableColumnsType<WorkbookRowError> = [
  { title: '行号', dataIndex: 'row', key: 'row', width: 72 },
  { title: '列', dataIndex: 'column', key: 'column', width: 120 },
  { title: '原因', dataIndex: 'reason', key: 'reason' },
];

// On a phone one column: the row and column, the reason below.
const compactErrorColumns: TableColumnsType<WorkbookRowError> = [
  {
    title: '问题',
    key: 'problem',
    render: (_: unknown, error) => (
      <>
        <div className="console-compact-name">
          第 {error.row} 行 · {error.column}
        </div>
        <Typography.Text type="secondary">{error.reason}</Typography.Text>
      </>
    ),
  },
];

/** Starts a download of a path the browser fetches with the session cookie. */
function download(path: string) {
  const link = document.createElement('a');
  link.href = path;
  link.download = '';
  document.body.append(link);
  link.click();
  link.remove();
}

/** Renders what a dry run found: the places asked for per group, and every row problem. */
function ImportReport(props: { report: EntryImportReport }) {
  const { report } = props;
  const compact = Grid.useBreakpoint().md === false;
  const short = report.groups.filter((group) => group.requested > group.free);
  return (
    <div style={{ marginTop: 16 }} data-testid="entry-import-report">
      <Typography.Paragraph>
        共 {report.rows} 行，可导入 {report.valid} 行
        {report.errors.length > 0 ? `，${report.errors.length} 处错误` : ''}。
        {report.groups
          .filter((group) => group.requested > 0)
          .map((group) => `${group.name}：需 ${group.requested} 个名额，剩余 ${group.free} 个`)
          .join('；')}
      </Typography.Paragraph>
      {short.length > 0 && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          message={`${short.map((group) => group.name).join('、')}名额不足，导入将被拒绝；请先调整名额或删减行。`}
        />
      )}
      {report.errors.length > 0 && (
        <Table<WorkbookRowError>
          rowKey={(error) => `${error.row}-${error.column}-${error.code}`}
          size="small"
          columns={compact ? compactErrorColumns : errorColumns}
          dataSource={report.errors}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
        />
      )}
    </div>
  );
}

/**
 * Exports an event's entries (masked by default; full identifiers after a confirmation, which
 * the server audits) and imports entries taken offline: a dry run first, then an all-or-nothing
 * import of the same file.
 */
export function EntrySpreadsheets(props: { eventId: string; canImport: boolean }) {
  const { eventId, canImport } = props;
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [upload, setUpload] = useState<{ fileName: string; content: string } | null>(null);
  const [report, setReport] = useState<EntryImportReport | null>(null);
  const [busy, setBusy] = useState<'checking' | 'importing' | null>(null);

  async function check(file: File) {
    if (file.size > MAX_WORKBOOK_BYTES) {
      message.error('文件超过 2 MB，请拆分后分别导入');
      return;
    }
    setBusy('checking');
    try {
      const next = { fileName: file.name, content: await readAsBase64(file) };
      setReport(await importEntries(eventId, { ...next, dryRun: true }));
      setUpload(next);
    } catch (error) {
      setReport(null);
      setUpload(null);
      message.error(consoleErrorMessage(error));
    } finally {
      setBusy(null);
    }
  }

  async function commit() {
    if (!upload) return;
    setBusy('importing');
    try {
      const done = await importEntries(eventId, { ...upload, dryRun: false });
      message.success(`已导入 ${done.created} 条线下报名`);
      setReport(null);
      setUpload(null);
      await queryClient.invalidateQueries({ queryKey: queryKeys.registrations(eventId) });
    } catch (error) {
      message.error(consoleErrorMessage(error));
    } finally {
      setBusy(null);
    }
  }

  const blocked =
    !report ||
    report.errors.length > 0 ||
    report.valid === 0 ||
    report.groups.some((group) => group.requested > group.free);
  return (
    <Card title="名单导出与线下报名导入" style={{ marginBottom: 16 }}>
      <Space wrap>
        <Button
          icon={<DownloadOutlined />}
          onClick={() => download(entryExportPath(eventId, 'xlsx'))}
        >
          导出 Excel
        </Button>
        <Button
          icon={<DownloadOutlined />}
          onClick={() => download(entryExportPath(eventId, 'csv'))}
        >
          导出 CSV
        </Button>
        <Popconfirm
          title="导出完整手机号和身份证号？"
          description="名单仅用于赛事组织，导出记录将写入审计日志。"
          okText="导出"
          cancelText="取消"
          onConfirm={() => download(entryExportPath(eventId, 'xlsx', true))}
        >
          <Button>导出完整信息</Button>
        </Popconfirm>
        {canImport && (
          <>
            <Upload
              accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              showUploadList={false}
              beforeUpload={(file) => {
                void check(file);
                return false;
              }}
            >
              <Button icon={<UploadOutlined />} loading={busy === 'checking'}>
                上传线下报名并预检
              </Button>
            </Upload>
            <Button type="link" href={ENTRY_IMPORT_TEMPLATE_PATH} download>
              下载导入模板
            </Button>
          </>
        )}
      </Space>
      {canImport && (
        <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
          导入前先预检，逐行列出错误；确认后全部导入或全部不导入，导入的报名与线上报名共用名额。身份证号码列请设为文本格式。
        </Typography.Paragraph>
      )}
      {report && (
        <>
          <ImportReport report={report} />
          <Space style={{ marginTop: 12 }}>
            <Button
              type="primary"
              disabled={blocked}
              loading={busy === 'importing'}
              onClick={() => void commit()}
            >
              确认导入 {report.valid} 条
            </Button>
            <Button
              onClick={() => {
                setReport(null);
                setUpload(null);
              }}
            >
              放弃
            </Button>
          </Space>
        </>
      )}
    </Card>
  );
}
