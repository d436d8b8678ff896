// Every error the API answers has one of these codes; clients (and the console's message
// catalogue) key on the code, never on the English title.
export const errorStatus = {
  validation_failed: 400,
  invalid_cursor: 400,
  invalid_json: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  invalid_token: 401,
  totp_required: 401,
  invalid_totp: 401,
  csrf_invalid: 403,
  forbidden: 403,
  permission_denied: 403,
  totp_enrolment_required: 403,
  invitation_email_mismatch: 403,
  verification_required: 403,
  not_found: 404,
  method_not_allowed: 405,
  email_taken: 409,
  already_member: 409,
  last_owner: 409,
  role_name_taken: 409,
  invitation_invalid: 410,
  already_verified: 409,
  verification_pending: 409,
  identity_in_use: 409,
  framework_exists: 409,
  framework_not_effective: 409,
  renewal_not_open: 409,
  renewal_exists: 409,
  not_renewable: 409,
  not_hideable: 409,
  item_already_covered: 409,
  contract_in_open_request: 409,
  return_address_locked: 409,
  scan_exists: 409,
  invalid_state: 409,
  confirmation_required: 409,
  signing_in_progress: 409,
  signing_expired: 410,
  payload_too_large: 413,
  request_timeout: 408,
  headers_too_large: 431,
  unsupported_media_type: 415,
  invalid_id_number: 422,
  invalid_credit_code: 422,
  party_a_mismatch: 422,
  party_a_incomplete: 422,
  idempotency_key_reused: 422,
  item_not_selectable: 422,
  too_many_items: 422,
  invalid_tracking_number: 422,
  invalid_document: 422,
  acceptance_required: 422,
  terms_required: 422,
  consent_required: 422,
  licence_required: 422,
  wrong_password: 422,
  invalid_reset_token: 422,
  invalid_code: 422,
  invalid_signature: 422,
  too_many_requests: 429,
  daily_limit_reached: 429,
  rate_limited: 429,
  internal_error: 500,
  service_unavailable: 503,
  timestamp_unavailable: 503,
  database_unavailable: 503,
  // Only ever a failed contract job's error: generation failed for a reason of the platform's.
  contract_job_failed: 500,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export const errorTitle: Record<ErrorCode, string> = {
  validation_failed: 'The request is not valid',
  invalid_cursor: 'The cursor is not one this list gave out',
  invalid_json: 'The request body is not valid JSON',
  unauthenticated: 'Sign in first',
  invalid_credentials: 'E-mail or password is wrong',
  invalid_token: 'The bearer token is missing or wrong',
  totp_required: 'Enter the code of your authenticator app',
  invalid_totp: 'The authenticator code is wrong or was already used',
  csrf_invalid: 'The CSRF token is missing or wrong',
  forbidden: 'Not allowed for this role',
  permission_denied: 'Your role does not allow this action',
  totp_enrolment_required: 'Operators must turn on two-step verification before they act',
  invitation_email_mismatch: 'The invitation is for another e-mail; sign in as the invited address',
  verification_required: 'Real-name verification is required first',
  not_found: 'Not found',
  contract_job_failed: 'The contract could not be generated; apply again',
  method_not_allowed: 'Method not allowed',
  email_taken: 'This e-mail is already registered',
  already_member: 'This person is already a member of the organisation',
  last_owner: 'The organisation must keep at least one owner',
  role_name_taken: 'A role of this name exists already',
  invitation_invalid: 'The invitation link has expired, was used or was withdrawn',
  already_verified: 'The account is already verified',
  verification_pending: 'A verification is already waiting for review',
  identity_in_use: 'This credit code or ID number is already claimed by another account; you may appeal for a manual review with evidence',
  framework_exists: 'The account already has a framework agreement in force',
  renewal_not_open: 'Renewal opens 60 days before the framework agreement ends',
  renewal_exists: 'This framework agreement already has a successor',
  not_renewable: 'Only a framework agreement in force can be renewed',
  not_hideable: 'Only voided or terminated contracts can be hidden',
  daily_limit_reached: 'The daily limit of generated contracts is reached, try again tomorrow',
  framework_not_effective: 'The framework agreement is not in force',
  item_already_covered: 'An item is already in an attachment in force',
  contract_in_open_request: 'A contract is already in an open stamping request',
  return_address_locked: 'The return address cannot be changed after submission',
  invalid_state: 'Not allowed in the current state',
  confirmation_required: 'Contracts are signed after a confirmation: start one with POST /api/v1/signings',
  signing_in_progress: 'Another attachment of this framework agreement is being signed; try again once it is completed or expired',
  signing_expired: 'The signing expired or ended; start a new one',
  scan_exists: 'A stamped scan of this contract is archived already',
  invalid_document: 'The file is not a valid document of the expected type (PDF, PNG or JPEG)',
  payload_too_large: 'The request body is too large',
  request_timeout: 'The request did not arrive in time',
  headers_too_large: 'The request headers are too large',
  unsupported_media_type: 'Unsupported content type',
  invalid_id_number: 'The resident ID number is not valid',
  invalid_credit_code: 'The unified social credit code is not valid',
  party_a_mismatch: 'Party A identity must match the verified identity',
  party_a_incomplete: 'Party A information is incomplete',
  idempotency_key_reused: 'The Idempotency-Key was used with another body',
  item_not_selectable: 'An item cannot be chosen',
  too_many_items: 'Too many items',
  invalid_tracking_number: 'The tracking number does not match the courier',
  acceptance_required: 'The terms must be accepted',
  terms_required: 'Accept the user agreement and the privacy policy to register',
  consent_required: 'Consent to the processing of the ID number or the business licence is required',
  licence_required: 'Attach the business licence (or evidence for an appeal)',
  wrong_password: 'The current password is wrong',
  invalid_reset_token: 'The reset link is wrong, used or expired; ask for a new one',
  invalid_code: 'The confirmation code is wrong',
  invalid_signature: 'The signature does not verify with the certificate over the signed attributes',
  too_many_requests: 'Too many attempts, try again later',
  rate_limited: 'Too many requests, try again later',
  internal_error: 'Internal error',
  service_unavailable: 'Service unavailable',
  timestamp_unavailable: 'The time-stamping authority did not answer; nothing was signed, try again later',
  database_unavailable: 'The database is unreachable, try again shortly',
};

export type FieldError = { path: string; message: string };

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly errors?: FieldError[];
  readonly headers?: Record<string, string>;

  constructor(
    code: ErrorCode,
    detail?: string,
    options: { errors?: FieldError[]; headers?: Record<string, string> } = {},
  ) {
    super(detail ?? errorTitle[code]);
    this.name = 'AppError';
    this.code = code;
    this.status = errorStatus[code];
    this.errors = options.errors;
    this.headers = options.headers;
  }
}

/** The problem+json body the API answers; also what the console's API client parses. */
export type Problem = {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail?: string;
  errors?: FieldError[];
};
