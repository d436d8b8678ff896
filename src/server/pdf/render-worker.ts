// Runs in a worker thread of the contract renderer pool, or in process (see renderer.ts).
import { once } from 'node:events';
import { type MessagePort, workerData } from 'node:worker_threads';
import {
  type PartyAPreparation,
  preparationFromMessage,
  type SignedContract,
  signContractDocument,
} from '../contracts/sign-contract-document.js';
import { certificateFromPem } from '../pki/platform-pki.js';
import { embedPartyASignature, finishContractPdf } from '../signing/sign-contract.js';
import { type SigningKeys, signingKeysFrom, type TransferableSigningKeys } from '../signing/signing-keys.js';
import { signEvidenceReport } from '../evidence/sign-evidence-report.js';
import type { ValidationMaterial } from '../signing/dss.js';
import type { EvidenceReportInput } from './render-evidence-report.js';
import { type AttachmentInput, renderAttachmentDocument } from './render-attachment.js';
import { type FrameworkAgreementInput, type RenderedContract, renderFrameworkAgreementDocument } from './render-framework-agreement.js';

/** An evidence report, rendered and signed by Party B (validation data from the request thread). */
export type EvidenceTask = { kind: 'evidence'; input: EvidenceReportInput; material: ValidationMaterial };

/**
 * Party A's signature made elsewhere (its browser): embedded with its timestamp in the revision
 * prepared at confirmation, then Party B signs, the DSS and a document timestamp follow.
 */
export type FinishTask = {
  kind: 'finish';
  prepared: { bytes: Uint8Array; contentsStart: number; contentsEnd: number };
  partyACertPem: string;
  /** Party A's signature value, DER (Ecdsa-Sig-Value). */
  signature: Uint8Array;
  material: { partyA: ValidationMaterial; partyB: ValidationMaterial };
  partyBWidget?: [number, number, number, number];
  claimedTime: Date;
};

/** What a finish task answers: the final bytes and the times the two signature timestamps prove. */
export type FinishedContract = { bytes: Uint8Array; provenTimes: { partyA: Date; partyB: Date } };

export async function finishInProcess(task: FinishTask, signingKeys: SigningKeys): Promise<FinishedContract> {
  const buffer = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);
  const a = await embedPartyASignature(
    { bytes: buffer(task.prepared.bytes), contentsStart: task.prepared.contentsStart, contentsEnd: task.prepared.contentsEnd },
    { cert: certificateFromPem(task.partyACertPem), chain: signingKeys.platformChain, signature: buffer(task.signature), tsa: signingKeys.tsa },
  );
  const signed = await finishContractPdf(a, {
    partyB: signingKeys.partyB,
    tsa: signingKeys.tsa,
    material: { partyA: materialFromMessage(task.material.partyA), partyB: materialFromMessage(task.material.partyB) },
    widgets: task.partyBWidget ? { partyB: task.partyBWidget } : undefined,
    claimedTime: task.claimedTime,
  });
  return { bytes: new Uint8Array(signed.bytes.buffer, signed.bytes.byteOffset, signed.bytes.byteLength), provenTimes: signed.provenTimes };
}

export type RenderTask = (
  | { kind: 'framework'; input: FrameworkAgreementInput }
  | { kind: 'attachment'; input: AttachmentInput }
  /** A document rendered before (the one a signing's Party A confirmed), signed as it is. */
  | { kind: 'rendered'; input: RenderedContract }
) & {
  /**
   * Sign the rendered PDF. Party A's credential and the validation data arrive on
   * `credentials` while the worker renders: the request thread issues the certificate
   * meanwhile (the issuing CA's key stays there).
   */
  sign?: { partyBName: string; credentials: MessagePort };
  /** Unsigned, the share of the items drawn goes here (a signed task reports on `credentials`). */
  progress?: MessagePort;
};

/** What the request thread sends on a task's `credentials` port. */
export type CredentialMessage = { preparation: PartyAPreparation } | { error: string };
/** What the worker sends back on it while rendering: the share of the items drawn. */
export type ProgressMessage = { progress: number };

export type WorkerData = { signingKeys: TransferableSigningKeys };

export async function renderInProcess(task: RenderTask, onProgress?: (fraction: number) => void): Promise<RenderedContract> {
  if (task.kind === 'rendered') {
    // Structured clone turns the Buffer into a Uint8Array.
    const { pdf, signatureRects } = task.input;
    return { pdf: Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength), signatureRects };
  }
  return task.kind === 'framework' ? renderFrameworkAgreementDocument(task.input) : renderAttachmentDocument(task.input, { onProgress });
}

/** Renders and signs in the calling thread (QIYUE_RENDER_THREADS=0, tests). */
export async function produceInProcess(
  task: RenderTask,
  o: { keys: SigningKeys; partyBName: string; preparation: Promise<PartyAPreparation>; onProgress?: (fraction: number) => void },
): Promise<SignedContract> {
  const [rendered, partyA] = await Promise.all([renderInProcess(task, o.onProgress), o.preparation]);
  return signContractDocument(o.keys, { unsigned: rendered.pdf, partyA, partyBName: o.partyBName, widgets: rendered.signatureRects });
}

let keys: SigningKeys | undefined;

async function preparationFrom(port: MessagePort): Promise<PartyAPreparation> {
  try {
    const [message] = (await once(port, 'message')) as [CredentialMessage];
    if ('error' in message) throw new Error(`Party A's certificate was not issued: ${message.error}`);
    return preparationFromMessage(message.preparation);
  } finally {
    port.close();
  }
}

/** Structured clone turns Buffers into Uint8Arrays; the DSS writer wants Buffers. */
function materialFromMessage(m: ValidationMaterial): ValidationMaterial {
  const buffers = (list: Uint8Array[]) => list.map((u) => Buffer.from(u.buffer, u.byteOffset, u.byteLength));
  return { certificates: buffers(m.certificates), ocspResponses: buffers(m.ocspResponses), crls: buffers(m.crls) };
}

export function produceEvidenceInProcess(task: EvidenceTask, signingKeys: SigningKeys) {
  return signEvidenceReport(signingKeys, task.input, materialFromMessage(task.material));
}

export default async function render(task: RenderTask | EvidenceTask | FinishTask) {
  if (task.kind === 'finish') {
    keys ??= signingKeysFrom((workerData as WorkerData).signingKeys);
    return finishInProcess(task, keys);
  }
  if (task.kind === 'evidence') {
    keys ??= signingKeysFrom((workerData as WorkerData).signingKeys);
    const signed = await produceEvidenceInProcess(task, keys);
    return { bytes: new Uint8Array(signed.bytes.buffer, signed.bytes.byteOffset, signed.bytes.byteLength), sha256: signed.sha256 };
  }
  const port = task.sign?.credentials ?? task.progress;
  const rendered = await renderInProcess(task, port && ((progress) => port.postMessage({ progress } satisfies ProgressMessage)));
  task.progress?.close();
  if (task.sign) {
    keys ??= signingKeysFrom((workerData as WorkerData).signingKeys);
    const partyA = await preparationFrom(task.sign.credentials);
    const signed = await signContractDocument(keys, { unsigned: rendered.pdf, partyA, partyBName: task.sign.partyBName, widgets: rendered.signatureRects });
    return { ...signed, bytes: new Uint8Array(signed.bytes.buffer, signed.bytes.byteOffset, signed.bytes.byteLength) };
  }
  // Copying a contract's few hundred KB to the caller costs far less than a millisecond.
  return { pdf: new Uint8Array(rendered.pdf.buffer, rendered.pdf.byteOffset, rendered.pdf.byteLength), signatureRects: rendered.signatureRects };
}
