export * from './accounts.js';
export * from './audit.js';
export * from './verification.js';
export * from './contracts.js';
export * from './attachments.js';
export * from './stamping.js';
export * from './pki.js';
export * from './signings.js';
