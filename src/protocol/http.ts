import { type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Action, ActionContext } from '../actions/action.js';
import { isActionAllowed } from '../auth/policy.js';
import { type CallRecord, boundParams } from '../control/controls.js';
import { newRequestId } from '../domain/ids.js';
import type { Store } from '../store/store.js';
import { errors } from './error-codes.js';
import { Ec2Error } from './errors.js';
import { renderJsonError, renderJsonResponse } from './json.js';
import { decodeJson, decodeQuery } from './query-decoder.js';
import { type Authenticator, type Caller, PRESIGN_PARAMETERS } from './sigv4.js';
import { renderXmlError, renderXmlResponse } from './xml.js';

export const API_VERSION = '2016-11-15';

export interface GateOptions {
  /**
   * The store of the request's account and region (its partition, store/partitions.ts): a store of its own, so
   * that another account's or region's resources do not exist for it. Synchronous once the partition is open.
   */
  readonly store: (context: ActionContext) => Store | Promise<Store>;
  readonly actions: ReadonlyMap<string, Action<never>>;
  /** The request's context: region, account, placement, limits; `caller` is who authentication found. */
  readonly context: (requestId: string, now: Date, caller?: Caller) => ActionContext;
  readonly maxBodyBytes: number;
  /** Called with every unexpected failure (a bug, never a client's fault). */
  readonly onInternalError?: (error: unknown, action: string | undefined) => void;
  /** Step 6, SigV4 (protocol/sigv4.ts): who calls, from which region. Without it, every request is the context's default. */
  readonly authenticate?: Authenticator;
  /** Step 8, throttling, latency and injected faults (control/controls.ts): throws the EC2 error to answer. */
  readonly admit?: (
    action: string,
    accountId: string,
    params: Readonly<Record<string, unknown>>
  ) => Promise<void> | undefined;
  /** Called once per answered request with its outcome (the call log). */
  readonly record?: (call: CallRecord, error?: Ec2Error) => void;
}

type Face = 'xml' | 'json';

/**
 * The one ordered gate every EC2 request passes (dynalite's index.js): method → size → content type → Action →
 * Version → auth → permission → throttle, latency, injected fault → decode by the action's spec → cross-field
 * check → one store transaction → render. Each step answers with EC2's own error; the order decides which error
 * wins when several apply.
 */
export function createGate(options: GateOptions): (req: IncomingMessage, res: ServerResponse) => void {
  // Requests whose action takes public addresses run one at a time: the pool is shared by every account's and
  // region's store (Action.takesPublicIps), so none may pick while another has picked and not yet written.
  let publicIpTurn: Promise<unknown> = Promise.resolve();
  const inPublicIpTurn = <T>(run: () => Promise<T>): Promise<T> => {
    const turn = publicIpTurn.then(run);
    publicIpTurn = turn.catch(() => undefined);
    return turn;
  };
  return (req, res) => {
    const requestId = newRequestId();
    const now = new Date();
    const mediaType = mediaTypeOf(req);
    // The face is known from the headers, so a JSON client hears even the refusals that come before its body is
    // read (a declared or streamed oversize body) as a JSON envelope, as ARCHITECTURE.md promises.
    const face = faceOf(req, mediaType);
    let actionName: string | undefined;
    let caller: Caller | undefined;
    let callParams: Record<string, unknown> = {};
    const started = performance.now();
    const record = (status: number, error?: Ec2Error): void => {
      options.record?.(
        {
          time: isoTime(now),
          requestId,
          ...(actionName !== undefined ? { action: actionName } : {}),
          params: callParams,
          status,
          ...(error ? { code: error.code, message: error.message } : {}),
          ...(caller?.accessKeyId !== undefined ? { accessKeyId: caller.accessKeyId } : {}),
          ...(caller ? { accountId: caller.accountId, region: caller.region } : {}),
          durationMs: Math.round((performance.now() - started) * 1000) / 1000
        },
        error
      );
    };
    const fail = (error: unknown): void => {
      if (!(error instanceof Ec2Error)) {
        options.onInternalError?.(error, actionName);
        error = errors.internalError();
      }
      const e = error as Ec2Error;
      record(e.status, e);
      send(
        res,
        e.status,
        face,
        requestId,
        face === 'json' ? renderJsonError(e, requestId) : renderXmlError(e.code, e.message, requestId)
      );
    };
    try {
      // 1. EC2 Query requests are GET or POST ("Query requests for Amazon EC2").
      if (req.method !== 'GET' && req.method !== 'POST') {
        req.resume();
        throw errors.unsupportedHttpVerb(req.method ?? '');
      }
      // 2. The declared size, before reading anything.
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > options.maxBodyBytes) {
        res.setHeader('connection', 'close');
        throw errors.requestEntityTooLarge(options.maxBodyBytes);
      }
    } catch (error) {
      fail(error);
      return;
    }
    readBody(req, options.maxBodyBytes).then(
      async (body) => {
        try {
          // The target's query string; a target without one (a POST's `/`) has no URL to parse.
          const query = req.url?.includes('?') ? requestUrl(req.url).searchParams : undefined;
          // 3. The face: form-encoded Query (also a GET's query string) or the JSON envelope.
          let params: [string, string][] | undefined;
          let json: Record<string, unknown> | undefined;
          if (face === 'json') {
            json = parseJsonBody(body);
          } else if (req.method === 'GET' || mediaType === '' || mediaType === 'application/x-www-form-urlencoded') {
            // A presigned URL's X-Amz-* parameters are authentication, not the action's input.
            params = [
              ...(query ? [...query].filter(([name]) => !PRESIGN_PARAMETERS.has(name)) : []),
              ...(req.method === 'POST' ? new URLSearchParams(body.toString('utf8')) : [])
            ];
          } else {
            throw errors.unsupportedMediaType(mediaType);
          }
          // 4. Action, then 5. Version.
          const lookup = (name: string): string | undefined =>
            json ? (stringField(json, name) ?? query?.get(name) ?? undefined) : params!.find(([k]) => k === name)?.[1];
          actionName = lookup('Action');
          if (actionName === undefined || actionName === '') throw errors.missingAction();
          const action = options.actions.get(actionName);
          if (!action) throw errors.invalidAction(actionName);
          const version = lookup('Version') ?? (json ? API_VERSION : undefined);
          if (version === undefined) throw errors.missingParameter('Version');
          if (version !== API_VERSION) throw errors.noSuchVersion(version);
          const rest = json ? withoutActionAndVersion(json) : Object.fromEntries(params!.filter(isActionParameter));
          // A large request is logged in part (the first parameters, values cut short), a small one as it came.
          callParams = body.length > 8192 || (req.url?.length ?? 0) > 8192 ? boundParams(rest) : rest;
          // 6. Auth: the signature (protocol/sigv4.ts) names the account and the region.
          caller = options.authenticate?.(
            { method: req.method!, url: req.url ?? '/', rawHeaders: req.rawHeaders, body },
            now
          );
          // 7. Permission: the key's policy, before any state is read. A denied dry run is denied too (spec §5).
          if (caller?.policy && !isActionAllowed(caller.policy, actionName)) throw errors.unauthorizedOperation();
          // 8. Throttling, latency, injected faults (control/): before decoding, so none of them changes any state.
          const admitted = options.admit?.(actionName, caller?.accountId ?? '', callParams);
          if (admitted) await admitted;
          // 9. Decode by the action's spec; 10. cross-field rules that need no state.
          const input = json ? decodeJson(action.input, json) : decodeQuery(action.input, params!);
          action.check?.(input as never);
          // 11. Load, decide and apply in one transaction; a dry run decides everything and then rolls back.
          const context = options.context(requestId, now, caller);
          const picked = options.store(context);
          const store = picked instanceof Promise ? await picked : picked;
          const transaction = (): Promise<object> =>
            store.transaction(
              async (tx) => {
                const output = await action.run(tx, input as never, context);
                if (input.DryRun === true) throw errors.dryRunOperation();
                return output;
              },
              { readOnly: action.readOnly === true }
            );
          const result = action.takesPublicIps ? await inPublicIpTurn(transaction) : await transaction();
          record(200);
          send(
            res,
            200,
            face,
            requestId,
            face === 'json'
              ? renderJsonResponse(requestId, now, result)
              : renderXmlResponse(action.name, requestId, action.output, result)
          );
        } catch (error) {
          fail(error);
        }
      },
      (error: unknown) => {
        res.setHeader('connection', 'close');
        fail(error);
      }
    );
  };
}

/** The request URL, for its query string. Never throws: `//` alone, for one, is no relative URL to WHATWG. */
function requestUrl(raw: string | undefined): URL {
  const target = raw ?? '/';
  try {
    return new URL(`http://ec2lite${target.startsWith('/') ? '' : '/'}${target}`);
  } catch {
    const url = new URL('http://ec2lite/');
    const query = target.indexOf('?');
    if (query >= 0) url.search = target.slice(query);
    return url;
  }
}

/** A query parameter of the action's own, not Action or Version, which the gate reads itself. */
function isActionParameter([name]: [string, string]): boolean {
  return name !== 'Action' && name !== 'Version';
}

function withoutActionAndVersion(json: Record<string, unknown>): Record<string, unknown> {
  const { Action: _action, Version: _version, ...rest } = json;
  return rest;
}

/**
 * `date.toISOString()`, kept for the millisecond it was last asked for: the call log stamps every request, many
 * of them in the same millisecond, and formatting costs more than the rest of the log record.
 */
let isoMs = Number.NaN;
let iso = '';
function isoTime(date: Date): string {
  const ms = date.getTime();
  if (ms !== isoMs) {
    iso = date.toISOString();
    isoMs = ms;
  }
  return iso;
}

function mediaTypeOf(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

function faceOf(req: IncomingMessage, mediaType = mediaTypeOf(req)): Face {
  return req.method === 'POST' && (mediaType === 'application/json' || mediaType.endsWith('+json')) ? 'json' : 'xml';
}

/** The largest request head (request line and headers) ec2lite reads: node's default, stated on purpose. */
export const MAX_HEADER_BYTES = 16 * 1024;

/**
 * Answers what node's HTTP parser refuses before or while the gate reads a request — a head past
 * MAX_HEADER_BYTES, a request not finished within the timeouts, bytes that are not HTTP — with an EC2 error
 * instead of node's bare status line, then closes the connection. The server's 'clientError' listener.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE' && socket.writable && !inFlight?.headersSent) {
    const e =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? errors.requestHeaderSectionTooLarge(MAX_HEADER_BYTES)
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? errors.requestTimeout()
          : errors.malformedHttpRequest(error.code ?? 'unreadable request');
    const requestId = newRequestId();
    const face = inFlight?.req ? faceOf(inFlight.req) : 'xml';
    const body = face === 'json' ? renderJsonError(e, requestId) : renderXmlError(e.code, e.message, requestId);
    const head = [
      `HTTP/1.1 ${e.status} ${STATUS_CODES[e.status] ?? 'Error'}`,
      `content-type: ${face === 'json' ? 'application/json' : 'text/xml;charset=UTF-8'}`,
      `content-length: ${Buffer.byteLength(body)}`,
      `x-amzn-requestid: ${requestId}`,
      'server: AmazonEC2',
      'connection: close'
    ];
    socket.end(`${head.join('\r\n')}\r\n\r\n${body}`, () => socket.destroy());
    // A client that reads nothing must not keep the socket open either.
    setTimeout(() => socket.destroy(), 1_000).unref();
    return;
  }
  socket.destroy();
}

function send(res: ServerResponse, status: number, face: Face, requestId: string, body: string): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {
    'content-type': face === 'json' ? 'application/json' : 'text/xml;charset=UTF-8',
    'content-length': Buffer.byteLength(body),
    // The JS SDK fills $metadata.requestId only from this header (ecosystem notes §2).
    'x-amzn-requestid': requestId,
    server: 'AmazonEC2'
  });
  res.end(body);
}

/** Reads the body up to `limit` bytes; past it, answers RequestEntityTooLarge without reading the rest. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.pause();
        reject(errors.requestEntityTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    // The client went away (or a timeout cut it off and was answered already): nobody is left to hear a 500.
    req.on('error', () => reject(errors.malformedHttpRequest('the connection closed before the body was complete')));
  });
}

function parseJsonBody(body: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    value = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw errors.invalidParameterValue(`The request body is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw errors.invalidParameterValue('The request body must be a JSON object.');
  }
  return value as Record<string, unknown>;
}

function stringField(object: Record<string, unknown>, name: string): string | undefined {
  const value = object[name];
  return typeof value === 'string' ? value : undefined;
}
