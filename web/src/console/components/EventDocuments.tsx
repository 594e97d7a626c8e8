import { DeleteOutlined, DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import {
  DOCUMENT_CATEGORIES,
  DOCUMENT_CATEGORY_LABELS,
  type DocumentCategory,
} from '@cityleague/domain';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, List, Popconfirm, Select, Space, Typography, Upload } from 'antd';
import { useState } from 'react';
import { ApiError } from '../../lib/api';
import { consoleErrorMessage } from '../../lib/messages';
import {
  deleteDocument,
  documentQueryKeys,
  fetchDocuments,
  formatSize,
  uploadDocument,
  type EventDocument,
} from '../documents';
import { formatTime } from '../time';
import { useInvalidateEvent } from './ReviewActions';

const ACCEPTED_TYPES = '.pdf,.doc,.docx,.jpg,.jpeg,.png,.webp';

/** Returns the message for a failed upload, naming the file types this panel accepts. */
function uploadErrorMessage(error: unknown): string {
  if (error instanceof ApiError && error.code === 'DOC_TYPE_NOT_ALLOWED') {
    return '文件类型不支持：赛事材料须为 PDF、Word（.doc、.docx）或 JPG、PNG、WebP 图片';
  }
  return consoleErrorMessage(error);
}

const CATEGORY_OPTIONS = DOCUMENT_CATEGORIES.map((category) => ({
  value: category,
  label: DOCUMENT_CATEGORY_LABELS[category],
}));

/**
 * Lists the documents of an event's filing with download links, and lets the owning
 * organisation upload and delete them while the filing is a draft or returned.
 */
export function EventDocuments(props: { eventId: string }) {
  const { eventId } = props;
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const invalidateEvent = useInvalidateEvent();
  const [category, setCategory] = useState<DocumentCategory>('safety_plan');

  const query = useQuery({
    queryKey: documentQueryKeys.documents(eventId),
    queryFn: () => fetchDocuments(eventId),
  });
  const refresh = async () => {
    await queryClient.invalidateQueries({ queryKey: documentQueryKeys.documents(eventId) });
    await invalidateEvent(eventId);
  };

  const upload = useMutation({
    mutationFn: (file: File) => uploadDocument(eventId, category, file),
    onSuccess: async (document) => {
      message.success(`已上传 ${document.fileName}`);
      await refresh();
    },
    onError: (error) => message.error(uploadErrorMessage(error)),
  });
  const remove = useMutation({
    mutationFn: (documentId: string) => deleteDocument(eventId, documentId),
    onSuccess: async () => {
      message.success('材料已删除');
      await refresh();
    },
    onError: (error) => message.error(consoleErrorMessage(error)),
  });

  const list = query.data;
  const full = list !== undefined && list.items.length >= list.maxCount;

  const chooseFile = (file: File) => {
    if (list && file.size > list.maxBytes) {
      message.error(`文件超过 ${formatSize(list.maxBytes)}，请压缩或拆分后重新上传`);
    } else if (file.size === 0) {
      message.error('文件内容为空，请检查后重新上传');
    } else {
      upload.mutate(file);
    }
    // The request is sent by the mutation, not by the Upload component.
    return false;
  };

  const uploader = list?.canChange && (
    <Space wrap>
      <Select
        value={category}
        onChange={setCategory}
        options={CATEGORY_OPTIONS}
        style={{ width: 140 }}
        aria-label="材料类别"
      />
      <Upload accept={ACCEPTED_TYPES} showUploadList={false} beforeUpload={chooseFile}>
        <Button icon={<UploadOutlined />} loading={upload.isPending} disabled={full}>
          上传材料
        </Button>
      </Upload>
    </Space>
  );

  const actionsOf = (document: EventDocument) => [
    <Button
      key="download"
      type="link"
      size="small"
      icon={<DownloadOutlined />}
      href={document.downloadUrl}
      aria-label={`下载 ${document.fileName}`}
    >
      下载
    </Button>,
    ...(list?.canChange
      ? [
          <Popconfirm
            key="delete"
            title="确认删除这份材料？"
            okText="删除"
            okButtonProps={{ danger: true }}
            cancelText="取消"
            onConfirm={() => remove.mutateAsync(document.id).catch(() => undefined)}
          >
            <Button
              type="link"
              size="small"
              danger
              icon={<DeleteOutlined />}
              aria-label={`删除 ${document.fileName}`}
            >
              删除
            </Button>
          </Popconfirm>,
        ]
      : []),
  ];

  return (
    <Card title="赛事材料" data-testid="event-documents">
      {list?.canChange && (
        <Typography.Paragraph type="secondary" style={{ marginBottom: 12 }}>
          支持 PDF、Word（.doc、.docx）和 JPG、PNG、WebP 图片，单个文件不超过{' '}
          {formatSize(list.maxBytes)}，每个赛事最多 {list.maxCount} 份。提交审核后材料不能再修改。
        </Typography.Paragraph>
      )}
      {uploader}
      <List
        loading={query.isPending}
        dataSource={list?.items ?? []}
        locale={{ emptyText: query.isError ? consoleErrorMessage(query.error) : '暂无材料' }}
        renderItem={(document) => (
          <List.Item actions={actionsOf(document)}>
            <List.Item.Meta
              title={
                <a href={document.downloadUrl} className="console-document-name">
                  {document.fileName}
                </a>
              }
              description={`${DOCUMENT_CATEGORY_LABELS[document.category]} · ${formatSize(
                document.sizeBytes,
              )} · ${formatTime(document.uploadedAt)}`}
            />
          </List.Item>
        )}
      />
    </Card>
  );
}
