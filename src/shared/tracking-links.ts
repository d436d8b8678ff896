import type { Carrier } from './ids.js';

/**
 * Each carrier's public tracking page, `{n}` standing for the tracking number. 'OTHER' has
 * none: the console then shows the number without a link.
 */
const trackingUrlTemplates: Record<Carrier, string | null> = {
  SF: 'https://www.sf-express.com/chn/sc/waybill/waybill-detail/{n}',
  EMS: 'https://www.ems.com.cn/queryList?mailNum={n}',
  JD: 'https://www.jdl.com/orderSearch/?waybillCodes={n}',
  ZTO: 'https://www.zto.com/?num={n}',
  YTO: 'https://www.yto.net.cn/waybill?waybillNo={n}',
  STO: 'https://www.sto.cn/pc/service-page/express-query?billCodes={n}',
  YUNDA: 'https://www.yundaex.com/cn/ydcx.php?wen={n}',
  OTHER: null,
};

export function trackingUrl(carrier: Carrier, trackingNumber: string): string | null {
  const template = trackingUrlTemplates[carrier];
  return template ? template.replace('{n}', encodeURIComponent(trackingNumber)) : null;
}
