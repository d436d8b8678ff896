import type { icpFilings, orders } from '../db/schema/index.js';

type NewOrder = Omit<typeof orders.$inferInsert, 'accountId'>;
type NewFiling = Omit<typeof icpFilings.$inferInsert, 'accountId'>;

const products: [product: string, specs: string[], unitFen: number][] = [
  ['云服务器 ECS', ['通用型 g7 · 4 vCPU 16 GiB · 包年', '计算型 c7 · 8 vCPU 16 GiB · 包月', '内存型 r7 · 2 vCPU 16 GiB · 包年'], 186_000],
  ['对象存储 OSS', ['标准存储包 500 GB · 1 年', '低频存储包 1 TB · 1 年'], 54_000],
  ['内容分发 CDN', ['中国内地流量包 10 TB', '中国内地流量包 1 TB'], 126_000],
  ['云数据库 RDS MySQL', ['高可用版 4 核 8 GB · 包年', '基础版 2 核 4 GB · 包月'], 312_000],
  ['负载均衡 SLB', ['性能保障型 · 包年'], 39_800],
  ['云盾 SSL 证书', ['OV 通配符证书 · 1 年'], 488_000],
];

/** About 30 orders of the demo customer over the last year; every seventh is refunded. */
export function demoOrders(now = new Date()): NewOrder[] {
  return Array.from({ length: 30 }, (_, i) => {
    const [product, specs, unitFen] = products[i % products.length]!;
    const quantity = 1 + (i % 3);
    const paidAt = new Date(now.getTime() - (i * 11 + 3) * 24 * 3600 * 1000);
    return {
      orderNo: `2026${String(10_0000_0000 + i * 7919).slice(-10)}`,
      product,
      spec: specs[i % specs.length]!,
      quantity,
      amountFen: unitFen * quantity + (i % 4) * 50,
      paidAt,
      status: i % 7 === 5 ? 'refunded' : 'paid',
    };
  });
}

/** Filings of the demo customer, one filed under another entity so that it cannot be chosen. */
export function demoFilings(entityName: string): NewFiling[] {
  return [
    { filingNumber: '闽ICP备20260001号-1', siteName: '示例云官网', domains: ['example-cloud.cn', 'www.example-cloud.cn'], entityName, status: 'active', approvedAt: new Date('2024-03-18T02:00:00Z') },
    { filingNumber: '闽ICP备20260001号-2', siteName: '示例云开发者文档', domains: ['docs.example-cloud.cn'], entityName, status: 'active', approvedAt: new Date('2024-09-02T02:00:00Z') },
    { filingNumber: '闽ICP备20260001号-3', siteName: '示例云商城', domains: ['shop.example-cloud.cn', 'm.shop.example-cloud.cn', 'api.shop.example-cloud.cn'], entityName, status: 'active', approvedAt: new Date('2025-05-20T02:00:00Z') },
    { filingNumber: '京ICP备18000002号-1', siteName: '合作伙伴门户', domains: ['partner-portal.cn'], entityName: '北京合作伙伴网络科技有限公司', status: 'active', approvedAt: new Date('2023-11-11T02:00:00Z') },
  ];
}
