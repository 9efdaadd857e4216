import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Action, ActionContext } from '../actions/action.js';
import { newRequestId } from '../domain/ids.js';
import type { Store } from '../store/store.js';
import { errors } from './error-codes.js';
import { Ec2Error } from './errors.js';
import { renderJsonError, renderJsonResponse } from './json.js';
import { decodeJson, decodeQuery } from './query-decoder.js';
import { renderXmlError, renderXmlResponse } from './xml.js';

export const API_VERSION = '2016-11-15';

export interface GateOptions {
  readonly store: Store;
  readonly actions: ReadonlyMap<string, Action<never>>;
  /** The request's context: region, account, placement, limits. */
  readonly context: (requestId: string, now: Date) => ActionContext;
  readonly maxBodyBytes: number;
  /** Called with every unexpected failure (a bug, never a client's fault). */
  readonly onInternalError?: (error: unknown, action: string | undefined) => void;
}

type Face = 'xml' | 'json';

/**
 * The one ordered gate every EC2 request passes (dynalite's index.js): method → size → content type → Action →
 * Version → decode by the action's spec → cross-field check → one store transaction → render. Each step answers
 * with EC2's own error; the order decides which error wins when several apply.
 */
export function createGate(options: GateOptions): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const requestId = newRequestId();
    const now = new Date();
    const mediaType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    // The face is known from the headers, so a JSON client hears even the refusals that come before its body is
    // read (a declared or streamed oversize body) as a JSON envelope, as ARCHITECTURE.md promises.
    const face: Face = req.method === 'POST' && (mediaType === 'application/json' || mediaType.endsWith('+json')) ? 'json' : 'xml';
    let actionName: string | undefined;
    const fail = (error: unknown): void => {
      if (!(error instanceof Ec2Error)) {
        options.onInternalError?.(error, actionName);
        error = errors.internalError();
      }
      const e = error as Ec2Error;
      send(res, e.status, face, requestId, face === 'json' ? renderJsonError(e, requestId) : renderXmlError(e.code, e.message, requestId));
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
          const url = new URL(req.url ?? '/', 'http://ec2lite');
          // 3. The face: form-encoded Query (also a GET's query string) or the JSON envelope.
          let params: [string, string][] | undefined;
          let json: Record<string, unknown> | undefined;
          if (face === 'json') {
            json = parseJsonBody(body);
          } else if (req.method === 'GET' || mediaType === '' || mediaType === 'application/x-www-form-urlencoded') {
            params = [...url.searchParams, ...(req.method === 'POST' ? new URLSearchParams(body.toString('utf8')) : [])];
          } else {
            throw errors.unsupportedMediaType(mediaType);
          }
          // 4. Action, then 5. Version.
          const lookup = (name: string): string | undefined =>
            json ? stringField(json, name) ?? url.searchParams.get(name) ?? undefined : params!.find(([k]) => k === name)?.[1];
          actionName = lookup('Action');
          if (actionName === undefined || actionName === '') throw errors.missingAction();
          const action = options.actions.get(actionName);
          if (!action) throw errors.invalidAction(actionName);
          const version = lookup('Version') ?? (json ? API_VERSION : undefined);
          if (version === undefined) throw errors.missingParameter('Version');
          if (version !== API_VERSION) throw errors.noSuchVersion(version);
          // 6. Decode by the action's spec; 7. cross-field rules that need no state.
          const input = json ? decodeJson(action.input, json) : decodeQuery(action.input, params!);
          action.check?.(input as never);
          // 8. Load, decide and apply in one transaction; a dry run decides everything and then rolls back.
          const context = options.context(requestId, now);
          const result = await options.store.transaction(async (tx) => {
            const output = await action.run(tx, input as never, context);
            if (input.DryRun === true) throw errors.dryRunOperation();
            return output;
          });
          send(
            res,
            200,
            face,
            requestId,
            face === 'json' ? renderJsonResponse(requestId, now, result) : renderXmlResponse(action.name, requestId, action.output, result)
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
    req.on('error', reject);
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
