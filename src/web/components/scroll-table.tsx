import { Table, type TableProps } from 'antd';
import { useT } from '../i18n';

type Props<T> = TableProps<T> & { regionLabel?: string };

/**
 * A table that keeps its columns readable on a narrow screen by scrolling sideways inside its
 * own region, which the keyboard can focus and scroll (antd's own `scroll.x` container cannot
 * be focused). On a wide screen it simply fills its card.
 */
export function ScrollTable<T extends object>({ regionLabel, scroll, style, ...props }: Props<T>) {
  const t = useT();
  const minWidth = scroll?.x === true ? 'max-content' : scroll?.x;
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a region that scrolls must take focus for keyboard scrolling (WCAG 2.1.1).
    <section aria-label={regionLabel ?? t('common.tableRegion')} tabIndex={0} style={{ overflowX: 'auto', maxWidth: '100%' }}>
      {/* A virtual table scrolls inside itself, both ways: antd needs its whole `scroll` then. */}
      <Table<T> {...props} scroll={props.virtual ? scroll : undefined} style={{ ...style, minWidth: props.virtual ? undefined : minWidth }} />
    </section>
  );
}

/**
 * A column of free text (a spec, a company, an e-mail address) that wraps instead of being cut
 * with an ellipsis: on a phone or in English nothing of it is hidden.
 */
export const wrapCell =
  (minWidth: number) =>
  (): { style: { minWidth: number; overflowWrap: 'anywhere' } } => ({ style: { minWidth, overflowWrap: 'anywhere' } });
