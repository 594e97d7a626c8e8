import { DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import { EVENT_LEVEL_LABELS, SECTION_LABELS } from '@cityleague/domain';
import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Grid,
  Input,
  Select,
  Space,
  Table,
  Typography,
  Upload,
  type TableColumnsType,
} from 'antd';
import { useState } from 'react';
import { consoleErrorMessage } from '../../lib/messages';
import { ContractImportReport } from '../components/ContractImportReport';
import { PageTitle } from '../components/PageTitle';
import {
  commitContractImport,
  CONTRACT_TEMPLATE_PATH,
  dryRunContractImport,
  fetchContracts,
} from '../endpoints';
import { MAX_WORKBOOK_BYTES, readAsBase64 } from '../files';
import { queryKeys, useSports } from '../queries';
import { shanghaiYear } from '../time';
import type { Contract, ContractFilter, ContractImport } from '../types';

/** Renders the workbook upload: a dry run first, then the operator confirms it. */
function ContractImportCard() {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [year, setYear] = useState(shanghaiYear());
  const [report, setReport] = useState<ContractImport | null>(null);
  const [checking, setChecking] = useState(false);
  const [committing, setCommitting] = useState(false);

  async function check(file: File) {
    if (file.size > MAX_WORKBOOK_BYTES) {
      message.error('文件超过 2 MB，请删减后重新上传');
      return;
    }
    setChecking(true);
    try {
      setReport(await dryRunContractImport(file.name, await readAsBase64(file), year));
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
      setReport(await commitContractImport(report.id));
      message.success('合同已导入');
      await queryClient.invalidateQueries({ queryKey: queryKeys.contracts });
    } catch (error) {
      message.error(consoleErrorMessage(error));
    } finally {
      setCommitting(false);
    }
  }

  const current = shanghaiYear();
  return (
    <Card title="导入中标合同" style={{ marginBottom: 16 }}>
      <Typography.Paragraph type="secondary">
        上传 Excel
        工作簿（.xlsx）后先预检，逐行列出错误；确认后才写入。同一年度内，单位的统一社会信用代码与中标赛事名称相同的合同视为同一份：内容有变化则更新，完全相同则不变，重复导入同一文件不会产生任何变化。
      </Typography.Paragraph>
      <Space wrap>
        <Select
          value={year}
          onChange={(value: number) => {
            setYear(value);
            setReport(null);
          }}
          options={[current - 1, current, current + 1].map((value) => ({
            value,
            label: `${value} 年度`,
          }))}
          style={{ width: 120 }}
          aria-label="合同年度"
        />
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
        <Button icon={<DownloadOutlined />} href={CONTRACT_TEMPLATE_PATH} download>
          下载导入模板
        </Button>
      </Space>
      {report && (
        <ContractImportReport
          report={report}
          committing={committing}
          onCommit={() => void commit()}
        />
      )}
    </Card>
  );
}

const contractColumns: TableColumnsType<Contract> = [
  { title: '年度', dataIndex: 'year', key: 'year', width: 64 },
  {
    title: '中标赛事名称',
    dataIndex: 'eventName',
    key: 'eventName',
    ellipsis: { showTitle: true },
  },
  {
    title: '单位名称 / 统一社会信用代码',
    key: 'organisation',
    width: 240,
    render: (_: unknown, contract) => (
      <>
        <div>{contract.organisationName}</div>
        <Typography.Text type="secondary" className="console-compact-meta">
          {contract.creditCode}
        </Typography.Text>
      </>
    ),
  },
  {
    title: '级别',
    key: 'level',
    width: 130,
    render: (_: unknown, contract) =>
      contract.districtName
        ? `${EVENT_LEVEL_LABELS[contract.level]} · ${contract.districtName}`
        : EVENT_LEVEL_LABELS[contract.level],
  },
  {
    title: '板块',
    dataIndex: 'section',
    key: 'section',
    width: 110,
    render: (section: Contract['section']) => SECTION_LABELS[section],
  },
  { title: '项目', dataIndex: 'sportName', key: 'sport', width: 90 },
  {
    title: '联系人',
    key: 'contact',
    width: 170,
    render: (_: unknown, contract) => `${contract.contactName} ${contract.contactPhoneMasked}`,
  },
];

const compactContractColumns: TableColumnsType<Contract> = [
  {
    title: '合同',
    key: 'contract',
    render: (_: unknown, contract) => (
      <>
        <div className="console-compact-name">{contract.eventName}</div>
        <Typography.Text type="secondary" className="console-compact-meta">
          {contract.year} · {contract.organisationName} · {EVENT_LEVEL_LABELS[contract.level]}
          {contract.districtName ? ` ${contract.districtName}` : ''} ·{' '}
          {SECTION_LABELS[contract.section]} · {contract.sportName}
        </Typography.Text>
      </>
    ),
  },
];

/** Renders the imported contracts with filters, 20 at a time. */
function ContractListCard() {
  const screens = Grid.useBreakpoint();
  const compact = screens.md === false;
  const sports = useSports();
  const [filter, setFilter] = useState<ContractFilter>({});
  const [search, setSearch] = useState('');

  const contracts = useInfiniteQuery({
    queryKey: [...queryKeys.contracts, 'list', filter],
    queryFn: ({ pageParam }) => fetchContracts(filter, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
  });
  const rows = contracts.data?.pages.flatMap((page) => page.items) ?? [];
  const current = shanghaiYear();

  return (
    <Card title="合同列表">
      <Space wrap style={{ marginBottom: 16 }}>
        <Select
          allowClear
          placeholder="年度"
          style={{ width: 110 }}
          value={filter.year}
          onChange={(year?: string) => setFilter({ ...filter, year })}
          options={[current - 1, current, current + 1].map((value) => ({
            value: String(value),
            label: `${value} 年度`,
          }))}
        />
        <Select
          allowClear
          placeholder="级别"
          style={{ width: 100 }}
          value={filter.level}
          onChange={(level?: string) => setFilter({ ...filter, level })}
          options={[
            { value: 'city', label: EVENT_LEVEL_LABELS.city },
            { value: 'district', label: EVENT_LEVEL_LABELS.district },
          ]}
        />
        <Select
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          placeholder="项目"
          style={{ width: 130 }}
          value={filter.sport}
          onChange={(sport?: string) => setFilter({ ...filter, sport })}
          options={(sports.data ?? []).map((s) => ({ value: s.code, label: s.name }))}
        />
        <Input.Search
          allowClear
          placeholder="单位、赛事名称或信用代码"
          style={{ width: 260 }}
          value={search}
          onChange={(event) => setSearch(event.target.value)}
          onSearch={(value) => setFilter({ ...filter, q: value.trim() || undefined })}
        />
      </Space>
      {contracts.isError && (
        <Alert
          type="error"
          showIcon
          title={consoleErrorMessage(contracts.error)}
          style={{ marginBottom: 16 }}
        />
      )}
      <Table<Contract>
        rowKey="id"
        columns={compact ? compactContractColumns : contractColumns}
        dataSource={rows}
        loading={contracts.isPending}
        pagination={false}
        scroll={compact ? undefined : { x: 1100 }}
        locale={{ emptyText: '暂无合同' }}
      />
      {contracts.hasNextPage && (
        <div style={{ textAlign: 'center', marginTop: 16 }}>
          <Button
            loading={contracts.isFetchingNextPage}
            onClick={() => void contracts.fetchNextPage()}
          >
            加载更多
          </Button>
        </div>
      )}
    </Card>
  );
}

/** Renders the operator's contract page: workbook import with a dry run, and the contract list. */
export function ContractsPage() {
  return (
    <>
      <PageTitle title="中标合同" />
      <ContractImportCard />
      <ContractListCard />
    </>
  );
}
