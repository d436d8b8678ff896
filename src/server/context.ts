import type { PasswordHasher } from './auth/passwords.js';
import type { Config } from './config.js';
import type { Database } from './db/client.js';
import type { ContractRenderer } from './pdf/renderer.js';
import type { PlatformPki } from './pki/platform-pki.js';
import type { SigningDrafts } from './signings/draft-cache.js';
import type { SmsSender } from './signings/sms-sender.js';
import type { TrustServices } from './pki/trust-services.js';
import type { PdfVerifier } from './validation/verify-pool.js';
import type { Verifier } from './verification/verifier.js';

/** What operations need from the running application, passed explicitly. */
export type AppContext = {
  db: Database;
  config: Config;
  passwords: PasswordHasher;
  verifier: Verifier;
  pki: PlatformPki;
  /** TSA, validation material (OCSP, CRLs) and trust anchors for signing and verifying. */
  trust: TrustServices;
  renderer: ContractRenderer;
  /** Checks uploaded PDFs off the request thread (POST /verify). */
  pdfVerifier: PdfVerifier;
  /** Drafts of the signings this instance started, so that confirming and completing need not read them back. */
  signingDrafts: SigningDrafts;
  /** Sends the signing codes to Party A's mobile; the embedded default writes to the outbox. */
  sms?: SmsSender;
};
