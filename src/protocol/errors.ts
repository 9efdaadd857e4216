/** An error EC2 answers with: its code, HTTP status and message, exactly as EC2 spells them. */
export class Ec2Error extends Error {
  readonly code: string;
  readonly status: number;

  constructor(code: string, message: string, status = 400) {
    super(message);
    this.name = 'Ec2Error';
    this.code = code;
    this.status = status;
  }
}

/** The JSON face's coarse error classes, derived from the EC2 code (ARCHITECTURE.md, "The JSON face"). */
export type JsonErrorClass =
  'VALIDATION_ERROR' | 'NOT_FOUND' | 'CONFLICT' | 'LIMIT_EXCEEDED' | 'UNAUTHORIZED' | 'THROTTLED' | 'INTERNAL_ERROR';

export function jsonErrorClass(error: Ec2Error): JsonErrorClass {
  const { code, status } = error;
  if (status >= 500 && code !== 'RequestLimitExceeded') return 'INTERNAL_ERROR';
  if (code === 'RequestLimitExceeded') return 'THROTTLED';
  if (status === 401 || status === 403 || code === 'AuthFailure' || code === 'UnauthorizedOperation')
    return 'UNAUTHORIZED';
  // Authentication faults that EC2 answers with 400 (protocol/sigv4.ts) are still about who is calling.
  if (
    code === 'IncompleteSignature' ||
    code === 'RequestExpired' ||
    (code === 'MissingParameter' && error.message.endsWith('AWSAccessKeyId'))
  ) {
    return 'UNAUTHORIZED';
  }
  if (code.endsWith('.NotFound')) return 'NOT_FOUND';
  if (/LimitExceeded$|^Insufficient/.test(code)) return 'LIMIT_EXCEEDED';
  if (/InUse|Conflict|DependencyViolation|AlreadyAssociated|IdempotentParameterMismatch/.test(code)) return 'CONFLICT';
  if (/move is not allowed|currently in use|already has an interface/.test(error.message)) return 'CONFLICT';
  return 'VALIDATION_ERROR';
}
