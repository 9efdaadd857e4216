import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { escapeUri } from '../../src/protocol/sigv4.js';

/** The SDK's own signer (@smithy/signature-v4) as the oracle, with node:crypto for its hash. */
class Sha256 {
  private readonly hash;
  constructor(secret?: string | Uint8Array) {
    this.hash =
      secret === undefined
        ? createHash('sha256')
        : createHmac('sha256', typeof secret === 'string' ? secret : Buffer.from(secret));
  }
  update(data: string | Uint8Array): void {
    this.hash.update(typeof data === 'string' ? data : Buffer.from(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {}
}

export interface Key {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface OracleRequest {
  readonly method?: 'GET' | 'POST';
  readonly query?: Record<string, string>;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

export interface SignOptions {
  readonly region?: string;
  readonly service?: string;
  readonly signingDate?: Date;
  /** false: no x-amz-content-sha256 header, as the AWS CLI signs. */
  readonly bodyHashHeader?: boolean;
}

export function signer(key: Key, options: SignOptions = {}): SignatureV4 {
  return new SignatureV4({
    service: options.service ?? 'ec2',
    region: options.region ?? 'us-east-1',
    credentials: key,
    sha256: Sha256 as never,
    applyChecksum: options.bodyHashHeader ?? true
  });
}

function httpRequest(url: string, request: OracleRequest) {
  const { hostname, port, host } = new URL(url);
  return {
    method: request.method ?? 'POST',
    protocol: 'http:',
    hostname,
    port: Number(port),
    path: '/',
    query: { ...(request.query ?? {}) },
    headers: {
      host,
      ...(request.method === 'GET' ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
      ...(request.headers ?? {})
    },
    ...(request.body !== undefined ? { body: request.body } : {})
  };
}

/** Signs with the Authorization header, as the SDK does; returns what to send. */
export async function signRequest(
  url: string,
  key: Key,
  request: OracleRequest,
  options: SignOptions = {}
): Promise<{ path: string; headers: Record<string, string>; body?: string; method: string }> {
  const signed = (await signer(key, options).sign(httpRequest(url, request) as never, {
    ...(options.signingDate ? { signingDate: options.signingDate } : {})
  })) as unknown as { method: string; headers: Record<string, string>; query: Record<string, string> };
  const { host: _host, ...headers } = signed.headers;
  return {
    method: signed.method,
    path: withQuery('/', signed.query),
    headers,
    ...(request.body !== undefined ? { body: request.body } : {})
  };
}

/** A presigned URL path (`/?Action=…&X-Amz-Signature=…`), as the SDK's presigner makes it. */
export async function presign(
  url: string,
  key: Key,
  query: Record<string, string>,
  options: SignOptions & { expiresIn?: number } = {}
): Promise<string> {
  const signed = await signer(key, options).presign(httpRequest(url, { method: 'GET', query }), {
    ...(options.signingDate ? { signingDate: options.signingDate } : {}),
    ...(options.expiresIn ? { expiresIn: options.expiresIn } : {})
  });
  return withQuery('/', signed.query as Record<string, string>);
}

function withQuery(path: string, query: Record<string, string>): string {
  const pairs = Object.entries(query).map(([k, v]) => `${escapeUri(k)}=${escapeUri(v)}`);
  return pairs.length ? `${path}?${pairs.join('&')}` : path;
}
