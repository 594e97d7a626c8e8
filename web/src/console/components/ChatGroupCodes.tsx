import { DeleteOutlined, UploadOutlined } from '@ant-design/icons';
import { MAX_CHAT_GROUP_LABEL_LENGTH } from '@cityleague/domain';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Empty,
  Image,
  Input,
  Popconfirm,
  Space,
  Spin,
  Typography,
  Upload,
} from 'antd';
import { useState } from 'react';
import { ApiError } from '../../lib/api';
import { consoleErrorMessage } from '../../lib/messages';
import {
  deleteChatGroup,
  documentQueryKeys,
  fetchChatGroups,
  formatSize,
  uploadChatGroup,
} from '../documents';
import { useInvalidateEvent } from './ReviewActions';

const ACCEPTED_IMAGES = '.jpg,.jpeg,.png,.webp';

/** Returns the message for a failed upload, naming the image types a group code may have. */
function uploadErrorMessage(error: unknown): string {
  if (error instanceof ApiError && error.code === 'DOC_TYPE_NOT_ALLOWED') {
    return '文件类型不支持：群二维码须为 JPG、PNG 或 WebP 图片';
  }
  return consoleErrorMessage(error);
}

/**
 * Shows an event's chat-group QR codes, which citizens see once they have registered, and
 * lets the owning organisation add and delete them until the event is cancelled.
 */
export function ChatGroupCodes(props: { eventId: string }) {
  const { eventId } = props;
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const invalidateEvent = useInvalidateEvent();
  const [label, setLabel] = useState('');

  const query = useQuery({
    queryKey: documentQueryKeys.chatGroups(eventId),
    queryFn: () => fetchChatGroups(eventId),
  });
  const refresh = async () => {
    await queryClient.invalidateQueries({ queryKey: documentQueryKeys.chatGroups(eventId) });
    await invalidateEvent(eventId);
  };

  const upload = useMutation({
    mutationFn: (file: File) => uploadChatGroup(eventId, label.trim(), file),
    onSuccess: async (group) => {
      message.success(`已上传「${group.label}」二维码`);
      setLabel('');
      await refresh();
    },
    onError: (error) => message.error(uploadErrorMessage(error)),
  });
  const remove = useMutation({
    mutationFn: (chatGroupId: string) => deleteChatGroup(eventId, chatGroupId),
    onSuccess: async () => {
      message.success('群二维码已删除');
      await refresh();
    },
    onError: (error) => message.error(consoleErrorMessage(error)),
  });

  const list = query.data;
  const full = list !== undefined && list.items.length >= list.maxCount;

  const chooseFile = (file: File) => {
    if (!label.trim()) message.error('请先填写群名称，例如“1群”');
    else if (list && file.size > list.maxBytes) {
      message.error(`图片超过 ${formatSize(list.maxBytes)}，请压缩后重新上传`);
    } else upload.mutate(file);
    return false;
  };

  return (
    <Card title="群二维码" data-testid="chat-group-codes">
      {list?.canChange && (
        <>
          <Typography.Paragraph type="secondary" style={{ marginBottom: 12 }}>
            报名成功的市民可以看到这些二维码。JPG、PNG 或 WebP 图片，不超过{' '}
            {formatSize(list.maxBytes)}，最多 {list.maxCount} 个。
          </Typography.Paragraph>
          <Space.Compact style={{ width: '100%', marginBottom: 12 }}>
            <Input
              value={label}
              onChange={(event) => setLabel(event.target.value)}
              maxLength={MAX_CHAT_GROUP_LABEL_LENGTH}
              placeholder="群名称，如 1群"
              aria-label="群名称"
              disabled={full}
            />
            <Upload accept={ACCEPTED_IMAGES} showUploadList={false} beforeUpload={chooseFile}>
              <Button icon={<UploadOutlined />} loading={upload.isPending} disabled={full}>
                上传
              </Button>
            </Upload>
          </Space.Compact>
        </>
      )}
      {query.isPending ? (
        <Spin />
      ) : !list || list.items.length === 0 ? (
        <Empty
          image={Empty.PRESENTED_IMAGE_SIMPLE}
          description={query.isError ? consoleErrorMessage(query.error) : '暂无群二维码'}
        />
      ) : (
        <div className="console-chat-groups">
          {list.items.map((group) => (
            <figure key={group.id} className="console-chat-group">
              <Image src={group.imageUrl} alt={`${group.label} 二维码`} width={120} height={120} />
              <figcaption>
                <span>{group.label}</span>
                {list.canChange && (
                  <Popconfirm
                    title={`确认删除「${group.label}」二维码？`}
                    okText="删除"
                    okButtonProps={{ danger: true }}
                    cancelText="取消"
                    onConfirm={() => remove.mutateAsync(group.id).catch(() => undefined)}
                  >
                    <Button
                      type="link"
                      size="small"
                      danger
                      icon={<DeleteOutlined />}
                      aria-label={`删除 ${group.label}`}
                    />
                  </Popconfirm>
                )}
              </figcaption>
            </figure>
          ))}
        </div>
      )}
    </Card>
  );
}
