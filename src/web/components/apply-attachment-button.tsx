import { DownOutlined, FileAddOutlined } from '@ant-design/icons';
import { Button, Dropdown, type MenuProps, Tooltip, Typography } from 'antd';
import { useNavigate } from 'react-router-dom';
import { type AttachmentKind, attachmentKinds } from '../api/attachments';
import { useT } from '../i18n';
import { useCan } from './use-can';

export const applyAttachmentPath = (frameworkId: string, kind: AttachmentKind) =>
  `/contracts/${encodeURIComponent(frameworkId)}/attachments/new?kind=${kind}`;

/**
 * 申请附件 on a framework agreement in force: first the kind (带备案信息附件 / 带订单信息附件),
 * then the wizard. A link in a table row, a button on the detail page.
 */
export function ApplyAttachmentButton({ frameworkId, variant = 'button' }: { frameworkId: string; variant?: 'button' | 'link' }) {
  const t = useT();
  const navigate = useNavigate();
  const items: MenuProps['items'] = attachmentKinds.map((kind) => ({
    key: kind,
    label: <span data-testid={`apply-attachment-${kind}`}>{t(`attachment.kind.${kind}`)}</span>,
  }));
  const onClick: MenuProps['onClick'] = ({ key }) => navigate(applyAttachmentPath(frameworkId, key as AttachmentKind));
  const permission = useCan('attachments.apply');
  if (!permission.allowed) {
    return (
      <Tooltip title={permission.reason}>
        {variant === 'link' ? (
          <Typography.Link disabled data-testid="apply-attachment" data-permission="attachments.apply" style={{ whiteSpace: 'nowrap' }}>
            {t('attachment.apply')}
          </Typography.Link>
        ) : (
          <Button icon={<FileAddOutlined />} disabled data-testid="apply-attachment" data-permission="attachments.apply">
            {t('attachment.apply')}
          </Button>
        )}
      </Tooltip>
    );
  }
  return (
    <Dropdown trigger={['click']} menu={{ items, onClick }}>
      {variant === 'link' ? (
        <Typography.Link data-testid="apply-attachment" style={{ whiteSpace: 'nowrap' }}>
          {t('attachment.apply')} <DownOutlined style={{ fontSize: 10 }} />
        </Typography.Link>
      ) : (
        <Button icon={<FileAddOutlined />} data-testid="apply-attachment">
          {t('attachment.apply')} <DownOutlined style={{ fontSize: 10 }} />
        </Button>
      )}
    </Dropdown>
  );
}
