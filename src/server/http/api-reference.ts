import apiReference from '@scalar/fastify-api-reference';
import type { FastifyInstance } from 'fastify';
import { errorStatus, errorTitle, type ErrorCode } from '../../shared/errors.js';

/** The error codes with their status and meaning, for the reference's introduction. */
export function errorCodeTable(): string {
  const rows = (Object.keys(errorStatus) as ErrorCode[]).map((code) => `| \`${code}\` | ${errorStatus[code]} | ${errorTitle[code]} |`);
  return ['| code | HTTP | 含义 / meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

export const apiDescription = `契约 Qiyue 合同自助服务接口：实名认证、框架协议与附件、线下盖章、验真。
Contract self-service: verification, framework agreements and attachments, stamping, verification of signed PDFs.

**认证 / Authentication.** 控制台接口使用会话 Cookie（\`qiyue_session\`，登录后设置），修改类请求需带
\`X-CSRF-Token\` 头（取自 \`GET /api/v1/me\`）。上游集成接口使用 \`Authorization: Bearer\`。
Console routes ride on the session cookie; state-changing requests carry \`X-CSRF-Token\` from \`GET /api/v1/me\`.
The upstream integration routes take a bearer token.

**错误 / Errors.** 所有错误以 \`application/problem+json\` 返回，\`code\` 字段稳定，客户端应以 \`code\` 判断，而非英文标题。
Every error is \`application/problem+json\` with a stable \`code\`; key on the code, not on the English title.

${errorCodeTable()}
`;

/**
 * \`/api/docs\`: the Scalar reference over the OpenAPI document that @fastify/swagger builds from
 * the route schemas. Its page starts itself with an inline script, so that page alone gets a
 * Content-Security-Policy allowing one; it holds no user data.
 */
export async function registerApiReference(app: FastifyInstance): Promise<void> {
  await app.register(apiReference, {
    routePrefix: '/api/docs',
    configuration: {
      pageTitle: 'Qiyue API 参考 / Reference',
      // The reference's default fonts come from a CDN; the system's fonts need no request.
      withDefaultFonts: false,
      hideClientButton: true,
      telemetry: false,
    },
    hooks: {
      preHandler: async (_request, reply) => {
        reply.header(
          'content-security-policy',
          "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'",
        );
      },
    },
  });
}
