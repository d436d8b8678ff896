import { Card, Flex } from 'antd';
import type { ReactNode } from 'react';
import { monospace } from './format';
import { LoadError } from './load-error';
import { type Crumb, PageHeader } from './page-header';

type DetailPlaceholderProps = { breadcrumb: Crumb[]; title: string; error: unknown; onRetry: () => void };

/** A detail page before its record is there: the header stays, the body says loading or why not. */
export function DetailPlaceholder({ breadcrumb, title, error, onRetry }: DetailPlaceholderProps) {
  return (
    <>
      <PageHeader breadcrumb={breadcrumb} title={title} />
      {error ? <LoadError error={error} onRetry={onRetry} /> : <Card loading />}
    </>
  );
}

/** A detail page's title: the record's number, which tests and people copy, then its status. */
export function NumberTitle({ number, testId, status }: { number: string; testId: string; status: ReactNode }) {
  return (
    <Flex align="center" gap={12}>
      <span style={monospace} data-testid={testId}>
        {number}
      </span>
      {status}
    </Flex>
  );
}
