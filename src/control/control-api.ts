import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Controls } from './controls.js';
import { SettingsError, parseFault, parseLatency, parseSubnetId, parseThrottle } from './settings.js';

/** The reserved path of the control API on the EC2 endpoint: EC2 itself only ever answers `/`. */
export const CONTROL_PREFIX = '/_ec2lite';

export function isControlPath(url: string | undefined): boolean {
  const path = (url ?? '/').split('?')[0]!;
  return path === CONTROL_PREFIX || path.startsWith(`${CONTROL_PREFIX}/`);
}

export interface ControlApiOptions {
  readonly controls: Controls;
  /** Wipes every resource and starts again from a fresh default VPC; absent when the store cannot. */
  readonly resetState?: () => Promise<void>;
  readonly maxBodyBytes?: number;
  /** Other control endpoints under the reserved path, by their first segment (`instances` → /_ec2lite/instances/…). */
  readonly routes?: Readonly<Record<string, (req: IncomingMessage, res: ServerResponse) => void>>;
}

/** An answer of the control API that is not a success: always JSON, never a 500 for a client's fault. */
class ControlError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {}
  ) {
    super(message);
  }
}

const ENDPOINTS = [
  'GET|POST|DELETE /_ec2lite/faults',
  'GET|DELETE /_ec2lite/faults/{id}',
  'GET|POST|DELETE /_ec2lite/latency',
  'DELETE /_ec2lite/latency/{action}',
  'GET|POST|DELETE /_ec2lite/throttle',
  'GET|DELETE /_ec2lite/calls?action=&code=&limit=',
  'POST /_ec2lite/reset',
  'GET /_ec2lite/prefix-capacity',
  'GET|POST|PUT|DELETE /_ec2lite/subnets/{id}/prefix-capacity'
];

type Handler = (body: () => Promise<unknown>, query: URLSearchParams) => Promise<[number, unknown]> | [number, unknown];

/**
 * The control API: JSON over the EC2 endpoint's reserved `/_ec2lite/` path, for the fault knobs of Controls.
 * It is not authenticated (it is a test harness, like the clients' own fakes); bad input answers 4xx JSON.
 */
export function createControlApi(options: ControlApiOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { controls } = options;
  const limit = options.maxBodyBytes ?? 1024 * 1024;

  const route = (method: string, segments: readonly string[]): Handler => {
    const [first, second, third] = segments;
    const methods = (table: Record<string, Handler>): Handler => {
      const handler = table[method];
      if (!handler) {
        const allow = Object.keys(table).join(', ');
        throw new ControlError(405, 'MethodNotAllowed', `${method} is not allowed here; use ${allow}.`, { allow });
      }
      return handler;
    };
    if (segments.length === 0) return methods({ GET: () => [200, { endpoints: ENDPOINTS }] });
    if (first === 'faults' && segments.length === 1) {
      return methods({
        GET: () => [200, { faults: controls.listFaults() }],
        POST: async (body) => {
          const specs = listOf(await body(), 'faults').map((item, i, all) =>
            parseFault(item, all.length > 1 ? `fault ${i + 1}` : 'fault')
          );
          return [201, { faults: specs.map((spec) => controls.addFault(spec)) }];
        },
        DELETE: () => {
          const removed = controls.listFaults().length;
          controls.clearFaults();
          return [200, { removed }];
        }
      });
    }
    if (first === 'faults' && segments.length === 2) {
      const id = second!;
      return methods({
        GET: () => {
          const fault = controls.listFaults().find((f) => f.id === id);
          if (!fault) throw notFound(`No fault ${id}.`);
          return [200, { fault }];
        },
        DELETE: () => {
          if (!controls.removeFault(id)) throw notFound(`No fault ${id}.`);
          return [200, { removed: 1 }];
        }
      });
    }
    if (first === 'latency' && segments.length === 1) {
      return methods({
        GET: () => [200, { latency: controls.listLatency() }],
        POST: async (body) => {
          for (const spec of listOf(await body(), 'latency').map((item) => parseLatency(item)))
            controls.setLatency(spec);
          return [200, { latency: controls.listLatency() }];
        },
        DELETE: () => {
          controls.clearLatency();
          return [200, { latency: [] }];
        }
      });
    }
    if (first === 'latency' && segments.length === 2) {
      return methods({
        DELETE: () => {
          if (!controls.removeLatency(second!)) throw notFound(`No latency is set for ${second}.`);
          return [200, { latency: controls.listLatency() }];
        }
      });
    }
    if (first === 'throttle' && segments.length === 1) {
      return methods({
        GET: () => [200, { throttle: controls.throttleSettings() ?? null }],
        POST: async (body) => {
          controls.setThrottle(parseThrottle(await body()));
          return [200, { throttle: controls.throttleSettings() }];
        },
        DELETE: () => {
          controls.setThrottle(undefined);
          return [200, { throttle: null }];
        }
      });
    }
    if (first === 'calls' && segments.length === 1) {
      return methods({
        GET: (_body, query) => {
          const filter: { action?: string; code?: string; limit?: number } = {};
          const action = query.get('action');
          const code = query.get('code');
          const limitText = query.get('limit');
          if (action) filter.action = action;
          if (code) filter.code = code;
          if (limitText !== null) {
            if (!/^[0-9]{1,7}$/.test(limitText) || Number(limitText) < 1)
              throw invalid(`limit must be a whole number of at least 1, not '${limitText}'`);
            filter.limit = Number(limitText);
          }
          return [200, controls.calls(filter)];
        },
        DELETE: () => {
          controls.clearCalls();
          return [200, { calls: [], dropped: 0 }];
        }
      });
    }
    if (first === 'reset' && segments.length === 1) {
      return methods({
        POST: async (body) => {
          const value = await body();
          let state = false;
          if (value !== undefined) {
            if (
              typeof value !== 'object' ||
              value === null ||
              Array.isArray(value) ||
              Object.keys(value).some((k) => k !== 'state')
            ) {
              throw invalid('the body of a reset is empty or {"state": true|false}');
            }
            const flag = (value as { state?: unknown }).state;
            if (flag !== undefined && typeof flag !== 'boolean') throw invalid('"state" must be true or false');
            state = flag === true;
          }
          if (state && !options.resetState)
            throw new ControlError(501, 'NotImplemented', 'This store cannot be reset.');
          controls.reset();
          if (state) await options.resetState!();
          return [200, { reset: true, state }];
        }
      });
    }
    if (first === 'prefix-capacity' && segments.length === 1) {
      return methods({ GET: () => [200, { subnets: controls.prefixCapacitySubnets() }] });
    }
    if (first === 'subnets' && third === 'prefix-capacity' && segments.length === 3) {
      const subnetId = parseSubnetId(second, 'the subnet id in the path');
      const answer = (): [number, unknown] => [200, { subnetId, atCapacity: controls.isAtPrefixCapacity(subnetId) }];
      const set = async (body: () => Promise<unknown>): Promise<[number, unknown]> => {
        const value = await body();
        let atCapacity = true;
        if (value !== undefined) {
          if (
            typeof value !== 'object' ||
            value === null ||
            Array.isArray(value) ||
            Object.keys(value).some((k) => k !== 'atCapacity')
          ) {
            throw invalid('the body is empty (at capacity) or {"atCapacity": true|false}');
          }
          const flag = (value as { atCapacity?: unknown }).atCapacity;
          if (flag !== undefined && typeof flag !== 'boolean') throw invalid('"atCapacity" must be true or false');
          atCapacity = flag !== false;
        }
        controls.setPrefixCapacity(subnetId, atCapacity);
        return answer();
      };
      return methods({
        GET: answer,
        POST: set,
        PUT: set,
        DELETE: () => {
          controls.setPrefixCapacity(subnetId, false);
          return answer();
        }
      });
    }
    throw notFound(
      `No control endpoint ${method} ${CONTROL_PREFIX}/${segments.join('/')}. Endpoints: ${ENDPOINTS.join('; ')}.`
    );
  };

  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://ec2lite');
    let segments: string[];
    try {
      segments = url.pathname
        .slice(CONTROL_PREFIX.length)
        .split('/')
        .filter((s) => s !== '')
        .map((s) => decodeURIComponent(s));
    } catch {
      req.resume();
      sendJson(res, 400, { error: { code: 'InvalidRequest', message: 'The path is not valid percent-encoding.' } });
      return;
    }
    const method = req.method ?? 'GET';
    const delegate = segments[0] !== undefined ? options.routes?.[segments[0]] : undefined;
    if (delegate && Object.hasOwn(options.routes!, segments[0]!)) {
      delegate(req, res);
      return;
    }
    let bodyRead = false;
    const body = async (): Promise<unknown> => {
      bodyRead = true;
      const mediaType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      const text = (await readLimited(req, limit)).toString('utf8');
      if (text.trim() === '') return undefined;
      if (mediaType !== '' && mediaType !== 'application/json' && mediaType !== 'application/x-www-form-urlencoded') {
        // curl -d sends application/x-www-form-urlencoded unasked: its JSON body is still read as JSON.
        throw new ControlError(415, 'UnsupportedMediaType', `The control API takes JSON bodies, not '${mediaType}'.`);
      }
      try {
        return JSON.parse(text);
      } catch (error) {
        throw invalid(`The body is not valid JSON: ${(error as Error).message}`, 'InvalidJson');
      }
    };
    Promise.resolve()
      .then(() => route(method, segments)(body, url.searchParams))
      .then(
        ([status, value]) => {
          if (!bodyRead) req.resume();
          sendJson(res, status, value);
        },
        (error: unknown) => {
          if (!bodyRead) req.resume();
          if (error instanceof ControlError) {
            sendJson(res, error.status, { error: { code: error.code, message: error.message } }, error.headers);
          } else if (error instanceof SettingsError) {
            sendJson(res, 400, { error: { code: 'InvalidRequest', message: error.message } });
          } else {
            console.error('ec2lite: internal error in the control API:', error);
            sendJson(res, 500, { error: { code: 'InternalError', message: 'An internal error has occurred.' } });
          }
        }
      );
  };
}

function listOf(value: unknown, key: string): unknown[] {
  if (value === undefined) throw invalid(`The body must be a JSON object, a list of them, or {"${key}": [...]}.`);
  if (Array.isArray(value)) return value;
  if (typeof value === 'object' && value !== null && Object.keys(value).length === 1 && key in value) {
    const inner = (value as Record<string, unknown>)[key];
    if (!Array.isArray(inner)) throw invalid(`"${key}" must be a list.`);
    return inner;
  }
  return [value];
}

function invalid(message: string, code = 'InvalidRequest'): ControlError {
  return new ControlError(400, code, message);
}

function notFound(message: string): ControlError {
  return new ControlError(404, 'NotFound', message);
}

function readLimited(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.pause();
        reject(
          new ControlError(413, 'RequestEntityTooLarge', `The body exceeds the maximum of ${limit} bytes.`, {
            connection: 'close'
          })
        );
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const body = `${JSON.stringify(value, null, 2)}\n`;
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}
