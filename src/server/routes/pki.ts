import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { revokeCertificateBody, revokeCertificateResponse, trustResponse } from '../../shared/schemas/pki.js';
import type { AppContext } from '../context.js';
import { actorOf } from '../http/request-context.js';
import { currentIssuingCrl } from '../pki/crl.js';
import { ocspErrorResponse } from '../pki/ocsp.js';
import { notAfterOf } from '../pki/platform-pki.js';
import { revokeCertificate } from '../pki/revoke-certificate.js';
import { respondToTimestampQuery } from '../pki/tsa.js';

/** OCSP requests and timestamp queries are a few hundred bytes. */
const maxRequestBytes = 64 * 1024;

const pkix = { cert: 'application/pkix-cert', crl: 'application/pkix-crl', ocspResponse: 'application/ocsp-response', tsr: 'application/timestamp-reply' };

/**
 * What relying parties fetch, outside /api/v1 at the locations the certificates name:
 * the root and issuing CA certificates, the CRLs, the OCSP responder and the TSA. No
 * session, no CSRF: these are anonymous protocol endpoints.
 */
export const pkiRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addContentTypeParser(['application/ocsp-request', 'application/timestamp-query'], { parseAs: 'buffer', bodyLimit: maxRequestBytes }, (_request, body, done) =>
    done(null, body),
  );
  const hidden = { config: { access: { anonymous: 'certificates, CRLs, OCSP and the TSA are public protocol endpoints' } }, schema: { hide: true } };

  app.get('/pki/root.crt', hidden, async (_request, reply) => reply.type(pkix.cert).send(ctx.pki.root.cert.raw));
  app.get('/pki/root.pem', hidden, async (_request, reply) =>
    reply.type('application/x-pem-file').header('content-disposition', 'attachment; filename="qiyue-root.pem"').send(ctx.pki.root.certPem),
  );
  app.get('/pki/issuing.crt', hidden, async (_request, reply) => reply.type(pkix.cert).send(ctx.pki.issuing.cert.raw));
  app.get('/pki/crl/root.crl', hidden, async (_request, reply) => reply.type(pkix.crl).header('cache-control', 'public, max-age=3600').send(ctx.pki.rootCrl));
  app.get('/pki/crl/issuing.crl', hidden, async (_request, reply) =>
    // A CRL is re-issued at half its life, or at once after a revocation: caches stay short.
    reply.type(pkix.crl).header('cache-control', 'public, max-age=300').send(await currentIssuingCrl(ctx.db, ctx.pki)),
  );

  app.post('/pki/ocsp', { ...hidden, bodyLimit: maxRequestBytes }, async (request, reply) => {
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    return reply.type(pkix.ocspResponse).header('cache-control', 'no-store').send(await ctx.trust.ocsp.respond(body));
  });
  // RFC 6960 A.1: GET {url}/{url-encoding of base-64 encoding of the DER OCSPRequest}; the
  // base64 may hold '/', hence the wildcard.
  app.get('/pki/ocsp/*', hidden, async (request, reply) => {
    const raw = (request.params as { '*': string })['*'];
    let der: Buffer;
    try {
      const b64 = decodeURIComponent(raw);
      if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(b64)) throw new Error('not base64');
      der = Buffer.from(b64, 'base64');
    } catch {
      return reply.type(pkix.ocspResponse).send(ocspErrorResponse('malformedRequest'));
    }
    return reply.type(pkix.ocspResponse).header('cache-control', 'public, max-age=300').send(await ctx.trust.ocsp.respond(der));
  });

  app.post('/pki/tsa', { ...hidden, bodyLimit: maxRequestBytes }, async (request, reply) => {
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const answer = respondToTimestampQuery(body, { tsa: ctx.pki.tsa, chain: [ctx.pki.issuing.cert, ctx.pki.root.cert] });
    return reply.type(pkix.tsr).header('cache-control', 'no-store').send(answer);
  });
};

function fingerprint(hex: string): string {
  return hex.toUpperCase().match(/../g)!.join(':');
}

/** The trust anchor for the console, and the operator's revocation. Under /api/v1. */
export const trustRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get('/trust', { config: { access: { anonymous: 'relying parties fetch the trust anchor' } }, schema: { tags: ['pki'], description: 'The platform root certificate relying parties trust.', response: { 200: trustResponse } } }, async () => {
    const root = ctx.pki.root.cert;
    return {
      root: {
        subject: root.subject.replaceAll('\n', ', '),
        sha256Fingerprint: fingerprint(root.fingerprint256.replaceAll(':', '')),
        notAfter: notAfterOf(root).toISOString(),
        der: '/pki/root.crt',
        pem: '/pki/root.pem',
      },
    };
  });

  app.post(
    '/admin/certificates/:serial/revoke',
    {
      config: { access: 'contracts.admin' },
      schema: {
        tags: ['pki'],
        description: 'Revoke a certificate the issuing CA issued (Party B, TSA and OCSP responder certificates are replaced).',
        params: z.object({ serial: z.string().regex(/^[0-9A-Fa-f]{1,64}$/) }),
        body: revokeCertificateBody,
        response: { 200: revokeCertificateResponse },
      },
    },
    async (request) => {
      const r = await revokeCertificate(ctx, { serial: request.params.serial, reason: request.body.reason, actor: actorOf(request) });
      return {
        certificate: { serial: r.serial, purpose: r.purpose, revokedAt: r.revokedAt.toISOString(), crlReason: r.reason },
        replacement: r.replacement ?? null,
      };
    },
  );
};
