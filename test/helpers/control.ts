import type { TestServer } from './ec2lite.js';

/** Calls the control API (/_ec2lite/…) of a test server with a JSON body; returns the status and parsed answer. */
export async function control(
  server: TestServer,
  method: string,
  path: string,
  body?: unknown
): Promise<{ status: number; json: any; headers: Headers }> {
  const response = await fetch(`${server.url}/_ec2lite${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {})
  });
  const text = await response.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`not JSON (${response.status}): ${text}`);
  }
  return { status: response.status, json, headers: response.headers };
}
