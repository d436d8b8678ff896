import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { AppError } from '../../shared/errors.js';
import { verifyQuery, verifyResponse } from '../../shared/schemas/contract.js';
import type { AppContext } from '../context.js';
import { verifyDocument } from '../contracts/verify-document.js';

const maxPdfBytes = 20 * 1024 * 1024;

/** Public 验真: anyone holding a contract PDF may check it. */
export const verifyRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addContentTypeParser(['application/pdf', 'application/octet-stream'], { parseAs: 'buffer', bodyLimit: maxPdfBytes }, (_request, body, done) =>
    done(null, body),
  );

  app.post(
    '/verify',
    {
      bodyLimit: maxPdfBytes,
      config: { access: { anonymous: 'anyone holding a contract PDF may check it' } },
      schema: {
        tags: ['verify'],
        description:
          'Upload a contract PDF, or an evidence report (出证报告), as the raw request body (application/pdf, at most 20 MB). ' +
          'For an evidence report, `contractSha256` (the SHA-256 of a contract file) makes `evidence.contractMatches` say whether the report attests that file.',
        querystring: verifyQuery,
        response: { 200: verifyResponse },
      },
    },
    async (request) => {
      if (!Buffer.isBuffer(request.body) || request.body.length === 0) throw new AppError('unsupported_media_type', 'Send the PDF as application/pdf');
      return verifyDocument(ctx, request.body, { contractSha256: request.query.contractSha256 });
    },
  );
};
