/**
 * Money is integer fen (分) everywhere; these turn it into what a contract prints.
 */

const digits = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'] as const;
const placeUnits = ['', '拾', '佰', '仟'] as const;
const groupUnits = ['', '万', '亿', '万亿'] as const;

/** A 1–9999 group without its 万/亿 unit; inner zeros collapse to one 零, none trail. */
function groupCapitals(group: number): string {
  let out = '';
  let pendingZero = false;
  for (let place = 3; place >= 0; place--) {
    const d = Math.floor(group / 10 ** place) % 10;
    if (d === 0) {
      if (out) pendingZero = true;
      continue;
    }
    if (pendingZero) out += '零';
    out += `${digits[d]}${placeUnits[place]}`;
    pendingZero = false;
  }
  return out;
}

function integerCapitals(n: bigint): string {
  if (n === 0n) return '';
  const groups: number[] = [];
  for (let v = n; v > 0n; v /= 10000n) groups.push(Number(v % 10000n));
  if (groups.length > groupUnits.length) throw new RangeError('amount too large');
  let out = '';
  let pendingZero = false;
  for (let i = groups.length - 1; i >= 0; i--) {
    const g = groups[i]!;
    if (g === 0) {
      if (out) pendingZero = true;
      continue;
    }
    // 壹拾万零壹, 壹亿零壹: a zero is read wherever a place is skipped.
    if (out && (pendingZero || g < 1000)) out += '零';
    out += groupCapitals(g) + groupUnits[i];
    pendingZero = false;
  }
  return out;
}

/**
 * The amount in Chinese financial capitals (大写), as the PBOC payment-settlement rules
 * write it: 1234.50 → 壹仟贰佰叁拾肆元伍角整, 1004.05 → 壹仟零肆元零伍分, 0 → 零元整.
 */
export function amountInChineseCapitals(fen: number | bigint): string {
  if (typeof fen === 'number' && !Number.isSafeInteger(fen)) {
    throw new RangeError('amount must be an integer number of fen');
  }
  let value = BigInt(fen);
  const negative = value < 0n;
  if (negative) value = -value;
  const yuan = value / 100n;
  const jiao = Number((value / 10n) % 10n);
  const fenDigit = Number(value % 10n);

  let out = integerCapitals(yuan);
  if (yuan > 0n) out += '元';
  if (jiao === 0 && fenDigit === 0) {
    out = `${out || '零元'}整`;
  } else {
    if (jiao > 0) out += `${digits[jiao]}角`;
    else if (yuan > 0n) out += '零';
    if (fenDigit > 0) out += `${digits[fenDigit]}分`;
    else out += '整';
  }
  return negative ? `负${out}` : out;
}

/** ¥1,234.50 */
export function formatYuan(fen: number | bigint): string {
  const value = BigInt(fen);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const yuan = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const cents = (abs % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}¥${yuan}.${cents}`;
}
