import { type Ec2Error, jsonErrorClass } from './errors.js';

/** The JSON face's success envelope: `data` is the SDK's output shape plus the request id and time. */
export function renderJsonResponse(requestId: string, handledAt: Date, result: object): string {
  return JSON.stringify({ success: true, data: { ...result, id: requestId, created_at: handledAt.toISOString() } });
}

export function renderJsonError(error: Ec2Error, requestId: string): string {
  return JSON.stringify({
    success: false,
    error: { code: jsonErrorClass(error), ec2Code: error.code, message: error.message, requestId }
  });
}
