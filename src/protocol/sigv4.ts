import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { KeyRing } from '../auth/credentials.js';
import { accountForKey } from '../auth/credentials.js';
import { isRegionName } from '../domain/zones.js';
import type { Policy } from '../auth/policy.js';
import { errors } from './error-codes.js';

/**
 * AWS Signature Version 4, verified by hand with node:crypto (spec §7; ecosystem notes: it matched requests of
 * the JS SDK v3 and of the AWS CLI v2 byte for byte). The canonical request is rebuilt from exactly the headers
 * the client named in SignedHeaders, with the values received, and the body hash is always computed here: the
 * CLI sends no x-amz-content-sha256, and when a client sends one it must agree with the body.
 */

export const ALGORITHM = 'AWS4-HMAC-SHA256';
/** "more than 15 minutes after the date stamp on the request" (Common Errors, RequestExpired). */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;
/** A presigned URL may live one week at most (SigV4 query-string authentication). */
export const MAX_PRESIGNED_EXPIRES = 7 * 24 * 60 * 60;

/** The query parameters of a presigned URL: authentication, never action input. */
export const PRESIGN_PARAMETERS: ReadonlySet<string> = new Set([
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-SignedHeaders',
  'X-Amz-Signature',
  'X-Amz-Security-Token'
]);

/** What the verifier needs of an HTTP request. */
export interface SignedRequest {
  readonly method: string;
  /** The request target as received: path and query string, still percent-encoded. */
  readonly url: string;
  /** `IncomingMessage.rawHeaders`: name, value, name, value, … as received. */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
}

/** A parsed SigV4 signature, from the Authorization header or from a presigned URL's query string. */
export interface ParsedSignature {
  readonly source: 'header' | 'query';
  readonly accessKeyId: string;
  /** The credential scope: `<date>/<region>/<service>/<terminator>`. */
  readonly scope: {
    readonly date: string;
    readonly region: string;
    readonly service: string;
    readonly terminator: string;
  };
  /** The request time as signed (`YYYYMMDDTHHMMSSZ`). */
  readonly timestamp: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
  /** Presigned URLs only: X-Amz-Expires in seconds. */
  readonly expires?: number;
}

/** Who is calling, as far as authentication can tell: the action context's account and region come from here. */
export interface Caller {
  /** Absent for an unsigned request (accepted in `open` mode only). */
  readonly accessKeyId?: string;
  readonly accountId: string;
  readonly region: string;
  /** The key's permissions, when it has a policy; without one every action is allowed. */
  readonly policy?: Policy;
}

export type AuthMode = 'open' | 'verify';

export interface AuthenticatorOptions {
  /** `open`: any credentials and unsigned requests are accepted, signatures are not checked. `verify`: keys from `keys` only, signatures checked. */
  readonly mode: AuthMode;
  readonly keys: KeyRing;
  /** The account of an unsigned request, and of a key that names none (see accountForKey). */
  readonly defaultAccountId: string;
  /** The region of an unsigned request. */
  readonly defaultRegion: string;
}

export type Authenticator = (request: SignedRequest, now: Date) => Caller;

/** The gate's auth step: parse the signature (both modes), then, in `verify` mode, check key, time, body and signature. */
export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  return (request, now) => {
    const parsed = parseSignature(request);
    if (!parsed) {
      // [OBS] EC2's answer to a request that carries no credentials at all (awsdocs/aws-doc-sdk-examples #4026,
      // test-kitchen/kitchen-ec2 #440): MissingParameter, "The request must contain the parameter AWSAccessKeyId".
      if (options.mode === 'verify') throw errors.missingAuthentication();
      return { accountId: options.defaultAccountId, region: options.defaultRegion };
    }
    // [OBS] AWS's query front end for a scope naming no region: SignatureDoesNotMatch 403, "Credential should be
    // scoped to a valid region, not 'eu-central-1'. " (aws/aws-sdk-php #732, JuliaCloud/AWS.jl #565; the trailing
    // blank as in joona/aws-es-curl #15). The region names a partition of the state, so it must be a region name.
    if (!isRegionName(parsed.scope.region)) {
      throw errors.signatureDoesNotMatch(
        `Credential should be scoped to a valid region, not '${parsed.scope.region}'. `
      );
    }
    const key = options.keys.get(parsed.accessKeyId);
    if (options.mode === 'verify') {
      if (!key) throw errors.authFailure();
      verifySignature(request, parsed, key.secretAccessKey, now);
    }
    return {
      accessKeyId: parsed.accessKeyId,
      accountId: key?.accountId ?? accountForKey(parsed.accessKeyId, options.defaultAccountId),
      region: parsed.scope.region,
      ...(key?.policy ? { policy: key.policy } : {})
    };
  };
}

/**
 * Finds the request's signature: the Authorization header, or X-Amz-* query parameters of a presigned URL.
 * Undefined for an unsigned request; IncompleteSignature for one that is signed but malformed.
 */
export function parseSignature(request: SignedRequest): ParsedSignature | undefined {
  const authorization = headerValues(request.rawHeaders, 'authorization');
  const query = queryPairs(request.url);
  const presigned = query.some(
    ([name]) => name === 'X-Amz-Algorithm' || name === 'X-Amz-Signature' || name === 'X-Amz-Credential'
  );
  if (authorization.length > 0 && presigned) {
    throw errors.incompleteSignature(
      'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified'
    );
  }
  if (authorization.length > 0) return parseAuthorizationHeader(authorization.join(','), request.rawHeaders);
  if (presigned) return parsePresignedQuery(query);
  return undefined;
}

function parseAuthorizationHeader(header: string, rawHeaders: readonly string[]): ParsedSignature {
  const space = header.indexOf(' ');
  const algorithm = space < 0 ? header : header.slice(0, space);
  const fields = new Map<string, string>();
  if (algorithm === ALGORITHM) {
    // The parts are separated by commas and blanks: a stray blank inside a value leaves a part without '='.
    for (const item of header.slice(space + 1).split(/[\s,]+/)) {
      if (item === '') continue;
      const equals = item.indexOf('=');
      // [OBS] aws/aws-sdk-go #289 (the query services' front end): "'<part>' not a valid key=value pair (missing
      // equal-sign) in Authorization header: '<header>'."
      if (equals < 0)
        throw errors.incompleteSignature(
          `'${item}' not a valid key=value pair (missing equal-sign) in Authorization header: '${header}'.`
        );
      fields.set(item.slice(0, equals), item.slice(equals + 1));
    }
  }
  // [OBS] brendanhay/amazonka #316, aws/aws-sdk-ruby #317: one sentence per missing part, then the header itself.
  const missing: string[] = [];
  for (const name of ['Credential', 'Signature', 'SignedHeaders']) {
    if (!fields.get(name)) missing.push(`Authorization header requires '${name}' parameter.`);
  }
  const amzDate = headerValues(rawHeaders, 'x-amz-date')[0];
  const httpDate = headerValues(rawHeaders, 'date')[0];
  if (amzDate === undefined && httpDate === undefined) {
    missing.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }
  if (missing.length > 0) throw errors.incompleteSignature(`${missing.join(' ')} Authorization=${header}`);
  const timestamp = amzDate !== undefined ? checkTimestamp(amzDate.trim()) : httpDateToTimestamp(httpDate!.trim());
  return {
    source: 'header',
    ...parseCredential(fields.get('Credential')!),
    timestamp,
    signedHeaders: parseSignedHeaders(fields.get('SignedHeaders')!),
    signature: fields.get('Signature')!
  };
}

function parsePresignedQuery(query: readonly [string, string][]): ParsedSignature {
  const get = (name: string): string | undefined => query.find(([k]) => k === name)?.[1];
  const required = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-SignedHeaders', 'X-Amz-Date'];
  if (required.some((name) => !get(name))) {
    // [INF] S3's text for the same fault (AuthorizationQueryParametersError), under the query services' code.
    throw errors.incompleteSignature(
      "AWS query-string parameters must include 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-SignedHeaders', 'X-Amz-Date'. Re-examine the query-string parameters."
    );
  }
  const algorithm = get('X-Amz-Algorithm')!;
  if (algorithm !== ALGORITHM) {
    throw errors.incompleteSignature(`X-Amz-Algorithm only supports "${ALGORITHM}", not "${algorithm}".`);
  }
  const expiresText = get('X-Amz-Expires');
  let expires: number | undefined;
  if (expiresText !== undefined) {
    expires = Number(expiresText);
    if (!/^[0-9]{1,7}$/.test(expiresText) || expires < 1 || expires > MAX_PRESIGNED_EXPIRES) {
      throw errors.incompleteSignature(
        `X-Amz-Expires must be a whole number of seconds from 1 to ${MAX_PRESIGNED_EXPIRES} (one week), not '${expiresText}'.`
      );
    }
  }
  return {
    source: 'query',
    ...parseCredential(get('X-Amz-Credential')!),
    timestamp: checkTimestamp(get('X-Amz-Date')!),
    signedHeaders: parseSignedHeaders(get('X-Amz-SignedHeaders')!),
    signature: get('X-Amz-Signature')!,
    ...(expires !== undefined ? { expires } : {})
  };
}

function parseCredential(credential: string): Pick<ParsedSignature, 'accessKeyId' | 'scope'> {
  const parts = credential.split('/');
  // [INF] the text AWS's query front end gives a credential of the wrong shape.
  if (parts.length !== 5 || parts.some((part) => part === '')) {
    throw errors.incompleteSignature(
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`
    );
  }
  const [accessKeyId, date, region, service, terminator] = parts as [string, string, string, string, string];
  return { accessKeyId, scope: { date, region, service, terminator } };
}

function parseSignedHeaders(value: string): string[] {
  const names = value.split(';').map((name) => name.trim().toLowerCase());
  // [INF] SigV4 always signs the host; AWS refuses a signature that leaves it out.
  if (!names.includes('host'))
    throw errors.incompleteSignature("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  return names;
}

const BASIC_ISO8601 = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

function checkTimestamp(value: string): string {
  const match = BASIC_ISO8601.exec(value);
  if (!match || Number.isNaN(timestampMs(value))) {
    // [INF] AWS's text for a date that is not ISO-8601 basic format.
    throw errors.incompleteSignature(
      `Date must be in ISO-8601 'basic format'. Got '${value}'. See http://en.wikipedia.org/wiki/ISO_8601`
    );
  }
  return value;
}

/** A request signed with an HTTP `Date` header signs the same instant in basic ISO-8601 form. */
function httpDateToTimestamp(value: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) checkTimestamp(value);
  return new Date(ms)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

function timestampMs(timestamp: string): number {
  const m = BASIC_ISO8601.exec(timestamp);
  if (!m) return Number.NaN;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  // Date.UTC rolls 20240231 over into March: such a date is not a date.
  return new Date(ms).toISOString().slice(0, 19).replace(/[-:]/g, '') === timestamp.slice(0, 15) ? ms : Number.NaN;
}

/**
 * Checks a parsed signature against the key's secret: scope, time, body hash, then the signature itself.
 * Throws SignatureDoesNotMatch (403) or RequestExpired (400); returns quietly when the request is authentic.
 */
export function verifySignature(
  request: SignedRequest,
  parsed: ParsedSignature,
  secretAccessKey: string,
  now: Date
): void {
  const { scope, timestamp } = parsed;
  // [INF] texts AWS gives for a scope that cannot be this request's.
  if (scope.terminator !== 'aws4_request') {
    throw errors.signatureDoesNotMatch(
      `Credential should be scoped with a valid terminator: 'aws4_request', not '${scope.terminator}'.`
    );
  }
  if (scope.service !== 'ec2')
    throw errors.signatureDoesNotMatch("Credential should be scoped to correct service: 'ec2'.");
  if (scope.date !== timestamp.slice(0, 8)) {
    throw errors.signatureDoesNotMatch(
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scope.date}' != '${timestamp.slice(0, 8)}', from '${timestamp}'.`
    );
  }
  const signedAt = timestampMs(timestamp);
  const nowMs = now.getTime();
  if (signedAt - nowMs > MAX_CLOCK_SKEW_MS) throw errors.requestExpired();
  const validFor = parsed.expires !== undefined ? parsed.expires * 1000 : MAX_CLOCK_SKEW_MS;
  if (nowMs - signedAt > validFor) throw errors.requestExpired();

  const bodyHash = sha256Hex(request.body);
  const declared = headerValues(request.rawHeaders, 'x-amz-content-sha256')[0]?.trim().toLowerCase();
  // A body hash that is not this body's: the body changed after signing (or the client lied); never trusted.
  if (declared !== undefined && declared !== bodyHash) throw errors.signatureDoesNotMatch();

  const expected = computeSignature(request, parsed, secretAccessKey, bodyHash);
  const given = Buffer.from(parsed.signature.toLowerCase(), 'utf8');
  const wanted = Buffer.from(expected, 'utf8');
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) throw errors.signatureDoesNotMatch();
}

/** The signature a client holding `secretAccessKey` must have sent for this request. */
export function computeSignature(
  request: SignedRequest,
  parsed: ParsedSignature,
  secretAccessKey: string,
  bodyHash = sha256Hex(request.body)
): string {
  const canonical = canonicalRequest(request, parsed, bodyHash);
  const scope = `${parsed.scope.date}/${parsed.scope.region}/${parsed.scope.service}/${parsed.scope.terminator}`;
  const stringToSign = `${ALGORITHM}\n${parsed.timestamp}\n${scope}\n${sha256Hex(canonical)}`;
  return createHmac('sha256', signingKey(secretAccessKey, parsed.scope)).update(stringToSign, 'utf8').digest('hex');
}

/** METHOD, canonical URI, canonical query, canonical headers, signed header list, payload hash (spec §7). */
export function canonicalRequest(request: SignedRequest, parsed: ParsedSignature, bodyHash: string): string {
  const target = request.url;
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  const query = queryPairs(target).filter(([name]) => !(parsed.source === 'query' && name === 'X-Amz-Signature'));
  const canonicalQuery = query
    .map(([name, value]) => [escapeUri(name), escapeUri(value)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const headers = parsed.signedHeaders.map(
    (name) => `${name}:${headerValues(request.rawHeaders, name).map(canonicalHeaderValue).join(',')}\n`
  );
  return [
    request.method,
    canonicalUri(path),
    canonicalQuery,
    headers.join(''),
    parsed.signedHeaders.join(';'),
    bodyHash
  ].join('\n');
}

/** The path as sent, normalised (`.`/`..`/empty segments dropped) and URI-encoded once more, as non-S3 SigV4 does. */
function canonicalUri(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const normalized = `${path.startsWith('/') ? '/' : ''}${segments.join('/')}${segments.length > 0 && path.endsWith('/') ? '/' : ''}`;
  return escapeUri(normalized || '/').replace(/%2F/g, '/');
}

function canonicalHeaderValue(value: string): string {
  return value
    .replace(/[\r\n]/g, ' ')
    .replace(/[ \t]+/g, ' ')
    .trim();
}

/** RFC 3986 encoding with only `A-Z a-z 0-9 - _ . ~` left alone (SigV4's UriEncode). */
export function escapeUri(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Query parameters as sent, decoded (`+` as a space, as form decoding does). */
function queryPairs(target: string): [string, string][] {
  const q = target.indexOf('?');
  if (q < 0) return [];
  return [...new URLSearchParams(target.slice(q + 1))];
}

/** Every value of one header, in the order received (duplicates are joined with `,` in the canonical form). */
export function headerValues(rawHeaders: readonly string[], name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toLowerCase() === name) values.push(rawHeaders[i + 1]!);
  }
  return values;
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Signing keys per secret and scope, kept for the day they are valid: most requests reuse one. */
const signingKeys = new Map<string, Buffer>();
const MAX_SIGNING_KEYS = 256;

function signingKey(secret: string, scope: ParsedSignature['scope']): Buffer {
  const cacheKey = `${scope.date}/${scope.region}/${scope.service}/${scope.terminator}\n${secret}`;
  let key = signingKeys.get(cacheKey);
  if (!key) {
    key = createHmac('sha256', `AWS4${secret}`).update(scope.date).digest();
    for (const part of [scope.region, scope.service, scope.terminator])
      key = createHmac('sha256', key).update(part).digest();
    if (signingKeys.size >= MAX_SIGNING_KEYS) signingKeys.delete(signingKeys.keys().next().value!);
    signingKeys.set(cacheKey, key);
  }
  return key;
}
