import { Breadcrumb, Flex, Typography } from 'antd';
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { useDocumentTitle } from './document-title';

/** A breadcrumb step: plain text, or a link to the page it names. */
export type Crumb = string | { title: string; to: string };

type Props = {
  breadcrumb: Crumb[];
  title: ReactNode;
  /** The tab's title when `title` is not plain text (a number with its status tag). */
  documentTitle?: string;
  subtitle?: ReactNode;
  extra?: ReactNode;
};

/** The title block every console page starts with: where you are (linked), what the page is for. */
export function PageHeader({ breadcrumb, title, documentTitle, subtitle, extra }: Props) {
  useDocumentTitle(documentTitle ?? (typeof title === 'string' ? title : undefined));
  return (
    <div style={{ marginBottom: 16 }}>
      {breadcrumb.length > 0 && (
        <Breadcrumb
          items={breadcrumb.map((crumb) => (typeof crumb === 'string' ? { title: crumb } : { title: <Link to={crumb.to}>{crumb.title}</Link> }))}
          style={{ marginBottom: 8 }}
        />
      )}
      <Flex justify="space-between" align="center" gap={16} wrap>
        <Flex align="center" gap={12} style={{ minWidth: 0 }}>
          <Typography.Title level={1} style={{ margin: 0, fontSize: 20, lineHeight: 1.4, overflowWrap: 'anywhere' }}>
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
