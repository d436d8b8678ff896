import { Breadcrumb, Flex, Typography } from 'antd';
import type { ReactNode } from 'react';

type Props = { breadcrumb: string[]; title: ReactNode; subtitle?: ReactNode; extra?: ReactNode };

/** The title block every console page starts with: where you are, what the page is for. */
export function PageHeader({ breadcrumb, title, subtitle, extra }: Props) {
  return (
    <div style={{ marginBottom: 16 }}>
      {breadcrumb.length > 0 && <Breadcrumb items={breadcrumb.map((label) => ({ title: label }))} style={{ marginBottom: 8 }} />}
      <Flex justify="space-between" align="center" gap={16} wrap>
        <Flex align="center" gap={12}>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {title}
          </Typography.Title>
        </Flex>
        {extra}
      </Flex>
      {subtitle && (
        <Typography.Paragraph type="secondary" style={{ margin: '4px 0 0' }}>
          {subtitle}
        </Typography.Paragraph>
      )}
    </div>
  );
}
