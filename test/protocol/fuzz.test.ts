import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  CreateSubnetCidrReservationCommand,
  CreateTagsCommand,
  DescribeAddressesCommand,
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSubnetsCommand,
  DescribeTagsCommand,
  DescribeVpcsCommand,
  GetSubnetCidrReservationsCommand
} from '@aws-sdk/client-ec2';
import { XMLValidator } from 'fast-xml-parser';
import { seededRandom } from '../../src/domain/random.js';
import { actions } from '../../src/protocol/actions.js';
import type { InputKind, StructureKind } from '../../src/protocol/input-spec.js';
import { launch } from '../helpers/attach-lab.js';
import { runCheck } from '../helpers/child-server.js';
import { type TestServer, startTestServer, xmlParser } from '../helpers/ec2lite.js';
import { VpcLab, assign } from '../helpers/vpc-lab.js';

/**
 * Bad input (issue part 6): at least 10,000 generated malformed requests — random and missing fields, huge,
 * negative, fractional and non-numeric counts, overlong strings, invalid UTF-8, absurd list indexes, 10 MB
 * bodies, broken JSON, unknown content types, malformed HTTP, oversized headers, clients that never finish —
 * each answered with a well-formed EC2 error (XML or JSON face) and a 4xx status, never a 5xx, while the
 * server stays responsive and its state does not change.
 *
 * Every generated request carries at least one defect the server must refuse (a "poison"), so any 2xx is a bug
 * in either the server or the generator, and the state before and after must be identical. Reproduce a run
 * with FUZZ_SEED=<seed> (and FUZZ_COUNT=<n> for a longer one).
 */

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed);
const COUNT = Math.max(10_000, Number(process.env.FUZZ_COUNT ?? 10_000));
const PARALLEL = 12;
const MAX_BODY = 1024 * 1024;
/** A refusal must come fast: nothing a client sends may make the server loop. */
const MAX_LATENCY_MS = 5_000;
const REQUEST_TIMEOUT_MS = 1_500;
const HEADERS_TIMEOUT_MS = 1_000;

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

interface Case {
  readonly label: string;
  /** What face the error must come in: XML, JSON, or none at all (HEAD has no body). */
  readonly face: 'xml' | 'json' | 'head';
  /** Slow-client cases take as long as the server's timeouts. */
  readonly slow?: boolean;
  send(): Promise<Answer>;
}

type Params = Map<string, string>;

// ---------------------------------------------------------------------------------------------------------------
// Transports

let url: URL;
const agent = new Agent({ keepAlive: true, maxSockets: PARALLEL });

/** A request through node:http with keep-alive; resolves with the answer even if the server stops reading. */
function viaHttp(method: string, path: string, headers: Record<string, string>, body?: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let answered = false;
    // node sends a DELETE or OPTIONS body without a length unless told one, which desynchronises the connection.
    const sized = body === undefined ? headers : { ...headers, 'content-length': String(body.length) };
    const req = httpRequest({ host: url.hostname, port: url.port, method, path, headers: sized, agent }, (res) => {
      answered = true;
      const parts: Buffer[] = [];
      res.on('data', (chunk: Buffer) => parts.push(chunk));
      res.on('end', () => {
        const flat: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) flat[k] = Array.isArray(v) ? v.join(',') : String(v);
        resolve({ status: res.statusCode ?? 0, headers: flat, body: Buffer.concat(parts).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    req.end(body);
  });
}

/**
 * Raw bytes over a fresh TCP connection, for what node:http will not send: broken HTTP, lying lengths, huge
 * heads, bodies that never end. `parts` are written in order, `pauseMs` apart; `thenStall` leaves the connection
 * open without finishing. Resolves with the first response parsed off the wire.
 */
function viaSocket(parts: readonly Buffer[], options: { pauseMs?: number; thenStall?: boolean } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    let received = Buffer.alloc(0);
    let done = false;
    const finish = (error?: Error): void => {
      if (done) return;
      const answer = parseResponse(received);
      if (answer) {
        done = true;
        socket.destroy();
        resolve(answer);
      } else if (error) {
        done = true;
        socket.destroy();
        reject(
          new Error(
            `no answer (${error.message}); received ${JSON.stringify(received.toString('latin1').slice(0, 200))}`
          )
        );
      }
    };
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      finish();
    });
    socket.on('error', (error) => finish(error));
    socket.on('close', () => finish(new Error('connection closed')));
    const send = async (): Promise<void> => {
      for (const [i, part] of parts.entries()) {
        if (done || socket.destroyed) return;
        if (i > 0 && options.pauseMs) await new Promise((r) => setTimeout(r, options.pauseMs));
        if (!socket.write(part)) await new Promise((r) => socket.once('drain', r));
      }
      if (!options.thenStall && !done) socket.end();
    };
    socket.on('connect', () => void send().catch((error: unknown) => finish(error as Error)));
  });
}

function parseResponse(bytes: Buffer): Answer | undefined {
  const end = bytes.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const lines = bytes.subarray(0, end).toString('latin1').split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1))
    headers[line.slice(0, line.indexOf(':')).toLowerCase()] = line.slice(line.indexOf(':') + 1).trim();
  const length = Number(headers['content-length'] ?? 0);
  if (bytes.length < end + 4 + length) return undefined;
  return {
    status: Number(lines[0]!.split(' ')[1]),
    headers,
    body: bytes.subarray(end + 4, end + 4 + length).toString('utf8')
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The well-formed-error check

const JSON_CLASSES = new Set([
  'VALIDATION_ERROR',
  'NOT_FOUND',
  'CONFLICT',
  'LIMIT_EXCEEDED',
  'UNAUTHORIZED',
  'THROTTLED'
]);
/** Characters XML 1.0 forbids in a document, and lone surrogates. */
const NOT_XML =
  // eslint-disable-next-line no-control-regex -- the test looks for exactly these characters
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Returns what is wrong with an answer, or undefined for a well-formed 4xx EC2 error. */
function problemWith(c: Case, answer: Answer): string | undefined {
  if (answer.status < 400 || answer.status > 499) return `status ${answer.status}`;
  const requestId = answer.headers['x-amzn-requestid'];
  if (!requestId || !/^[0-9a-f-]{36}$/.test(requestId)) return 'no x-amzn-requestid header';
  if (c.face === 'head') return answer.body === '' ? undefined : 'a body on HEAD';
  if (c.face === 'json') {
    if (!answer.headers['content-type']?.startsWith('application/json'))
      return `content-type ${answer.headers['content-type']}`;
    let json: { success?: unknown; error?: { code?: unknown; ec2Code?: unknown; message?: unknown } };
    try {
      json = JSON.parse(answer.body);
    } catch {
      return 'a JSON error body that does not parse';
    }
    const e = json.error;
    if (json.success !== false || !e || !JSON_CLASSES.has(e.code as string)) return 'not the JSON error envelope';
    if (typeof e.ec2Code !== 'string' || !/^[A-Za-z0-9.]+$/.test(e.ec2Code) || typeof e.message !== 'string')
      return 'no EC2 code or message';
    return undefined;
  }
  if (!answer.headers['content-type']?.startsWith('text/xml')) return `content-type ${answer.headers['content-type']}`;
  if (NOT_XML.test(answer.body)) return 'characters XML does not allow';
  if (XMLValidator.validate(answer.body) !== true) return 'XML that is not well-formed';
  const error = xmlParser.parse(answer.body).Response;
  if (!error?.Errors?.Error) return 'not an EC2 error document';
  const { Code, Message } = error.Errors.Error;
  if (typeof Code !== 'string' || !/^[A-Za-z0-9.]+$/.test(Code) || typeof Message !== 'string' || Message === '')
    return 'no EC2 code or message';
  if (error.RequestID !== requestId) return 'RequestID differs from the header';
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// The generator

interface World {
  readonly vpcId: string;
  readonly subnetId: string;
  readonly subnetBase: string;
  readonly eniId: string;
  readonly eniAddresses: readonly string[];
  readonly instanceId: string;
  readonly allocationId: string;
  readonly reservationId: string;
}

type Random = ReturnType<typeof seededRandom>;

function generator(random: Random, world: World) {
  const pick = <T>(items: readonly T[]): T => items[random.below(items.length)]!;
  const chance = (p: number): boolean => random.below(1_000_000) < p * 1_000_000;
  const actionList = [...actions.values()];

  const words = [
    'a',
    'x y',
    'vpc',
    '10.0.0.0/16',
    '0.0.0.0',
    '255.255.255.255',
    '-1',
    'true',
    'null',
    '<x>&amp;"\'',
    'ünïcødé',
    '🙂',
    '\u202e'
  ];
  const ids = () => [
    world.vpcId,
    world.subnetId,
    world.eniId,
    world.instanceId,
    world.allocationId,
    world.reservationId
  ];
  /** A plausible value: real ids, addresses of the subnet, small numbers, words. */
  const plausibleString = (): string =>
    pick([
      () => pick(ids()),
      () => pick(world.eniAddresses),
      () => `${world.subnetBase.split('.').slice(0, 3).join('.')}.${random.below(256)}`,
      () => pick(words),
      () => `eni-${random.below(1e9).toString(16).padStart(17, '0')}`,
      () => 'x'.repeat(random.below(300))
    ])();
  /** Text a client should never send: control characters, broken surrogates, markup, bidi overrides. */
  const nastyString = (): string =>
    pick([
      '\u0000',
      '\u0001\u0002',
      '\u001b[31m',
      '\ud800',
      '\udfff',
      ']]>',
      '<!--',
      '&#0;',
      '\ufffe',
      '\r\n\r\n',
      '%00',
      '\\u0000'
    ]) + (chance(0.5) ? plausibleString() : '');

  function plausibleValue(kind: InputKind): string {
    switch (kind.type) {
      case 'integer': {
        const lo = kind.min ?? 0;
        const hi = kind.max ?? lo + 20;
        return String(lo + random.below(Math.max(1, Math.min(hi - lo + 1, 1000))));
      }
      case 'boolean':
        return pick(['true', 'false']);
      case 'string':
        if (kind.enum && chance(0.8)) return pick(kind.enum);
        return chance(0.15) ? nastyString() : plausibleString();
      default:
        return '';
    }
  }

  /** Random members of a structure, flattened to Query parameters, recursing a little. */
  function fill(params: Params, kind: StructureKind, prefix: string, depth: number): void {
    for (const m of Object.values(kind.members)) {
      if (!chance(m.required ? 0.85 : 0.3)) continue;
      addMember(params, m.kind, prefix + m.wire, depth);
    }
  }
  function addMember(params: Params, kind: InputKind, wire: string, depth: number): void {
    if (kind.type === 'structure') {
      if (depth < 3) fill(params, kind, `${wire}.`, depth + 1);
    } else if (kind.type === 'list') {
      const n = 1 + random.below(3);
      for (let i = 0; i < n; i++) {
        const index = chance(0.1) ? pick([99_999_999, 999_999_999, 7, 1000]) : i + 1;
        addMember(params, kind.member, `${wire}.${index}`, depth);
      }
    } else {
      params.set(wire, plausibleValue(kind));
    }
  }

  /** Leaves of a spec with the wire path to reach them (list indexes as 1). */
  function leaves(kind: StructureKind, prefix = '', depth = 0): { wire: string; kind: InputKind; list?: boolean }[] {
    const out: { wire: string; kind: InputKind; list?: boolean }[] = [];
    for (const m of Object.values(kind.members)) {
      let k = m.kind;
      let wire = prefix + m.wire;
      if (k.type === 'list') {
        out.push({ wire, kind: k, list: true });
        wire += '.1';
        k = k.member;
      }
      if (k.type === 'structure') {
        if (depth < 3) out.push(...leaves(k, `${wire}.`, depth + 1));
      } else out.push({ wire, kind: k });
    }
    return out;
  }

  const badIntegers = [
    '1.5',
    '-0.5',
    '1e3',
    '0x10',
    'NaN',
    'Infinity',
    '',
    ' 1',
    '1 ',
    '++1',
    '9'.repeat(16),
    '-' + '9'.repeat(40),
    '１２',
    '١',
    '2147483648000000000',
    'abc',
    '1,000'
  ];
  const badBooleans = ['yes', 'no', '1', '0', 'TRUE', 'False', '', 'on', 'true ', 'null'];
  const badIndexes = ['0', '01', '-1', 'abc', '1e3', '9999999999', '1.5', '', ' 1', '+1', '0x1'];

  /** One defect the decoder must refuse whatever else the request holds; returns false when none fits. */
  function poison(params: Params, spec: StructureKind): string {
    const all = leaves(spec);
    const ints = all.filter((l) => l.kind.type === 'integer');
    const bools = all.filter((l) => l.kind.type === 'boolean');
    const strings = all.filter((l) => l.kind.type === 'string' && (l.kind.maxLength !== undefined || l.kind.enum));
    const lists = all.filter((l) => l.list);
    const options: (() => string)[] = [
      () => {
        const name = pick([
          'Bogus',
          'privateIpAddress',
          'PrivateIPAddress',
          'Filter.1.Bogus',
          'X.1',
          'DryRun.1',
          'Tag',
          'a'.repeat(500),
          '\u0000',
          '..',
          '.',
          'Action.1'
        ]);
        params.set(name, plausibleString());
        return `unknown parameter ${JSON.stringify(name.slice(0, 40))}`;
      }
    ];
    if (ints.length) {
      options.push(() => {
        const l = pick(ints);
        const value = pick(badIntegers);
        params.set(l.wire, value);
        return `${l.wire}=${JSON.stringify(value)}`;
      });
    }
    if (bools.length) {
      options.push(() => {
        const l = pick(bools);
        params.set(l.wire, pick(badBooleans));
        return `${l.wire} not a boolean`;
      });
    }
    if (strings.length) {
      options.push(() => {
        const l = pick(strings);
        const kind = l.kind as { maxLength?: number; enum?: readonly string[] };
        if (kind.enum && (kind.maxLength === undefined || chance(0.5))) {
          params.set(l.wire, pick(['', 'bogus', kind.enum[0]!.toUpperCase() + '_', `${kind.enum[0]} `]));
          return `${l.wire} outside its enum`;
        }
        const length = kind.maxLength! + 1 + random.below(chance(0.1) ? 200_000 : 100);
        params.set(l.wire, pick(['x', 'é', '🙂', '\u0000']).repeat(length).slice(0, length));
        return `${l.wire} of ${length} characters`;
      });
    }
    if (lists.length) {
      options.push(() => {
        const l = pick(lists);
        const index = pick(badIndexes);
        params.set(`${l.wire}.${index}`, plausibleString());
        return `${l.wire}.${index}`;
      });
      options.push(() => {
        // A list given as a scalar, or a structure member given a value of its own.
        const l = pick(lists);
        params.set(l.wire, plausibleString());
        return `${l.wire} without an index`;
      });
    }
    const required = Object.values(spec.members).filter((m) => m.required);
    if (required.length) {
      options.push(() => {
        const m = pick(required);
        for (const key of [...params.keys()]) if (key === m.wire || key.startsWith(`${m.wire}.`)) params.delete(key);
        return `missing ${m.wire}`;
      });
    }
    return pick(options)();
  }

  /** Query parameters of a random action with random members and at least one poison. */
  function queryParams(): { action: string; params: Params; defect: string } {
    const action = pick(actionList);
    const params: Params = new Map();
    fill(params, action.input, '', 0);
    const defect = poison(params, action.input);
    if (chance(0.2)) poison(params, action.input);
    return { action: action.name, params, defect };
  }

  function encode(entries: Iterable<[string, string]>, mangle: boolean): Buffer {
    const parts: Buffer[] = [];
    for (const [k, v] of entries) {
      if (parts.length) parts.push(Buffer.from('&'));
      parts.push(Buffer.from(`${encodeURIComponent(k)}=${mangleEncode(v, mangle)}`, 'latin1'));
    }
    return Buffer.concat(parts);
  }
  function mangleEncode(value: string, mangle: boolean): string {
    const text = percentEncode(value);
    if (!mangle) return text;
    // Invalid UTF-8 and broken percent-escapes.
    return text + pick(['%FF', '%C3%28', '%E2%82', '%ED%A0%80', '%F8%88%80%80%80', '%', '%ZZ', '%0', '%C0%AF', '%00']);
  }

  const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

  /** encodeURIComponent, except that a lone surrogate goes out as its WTF-8 bytes (which are not UTF-8). */
  function percentEncode(value: string): string {
    let out = '';
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < value.length && (value.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
      if (pair) {
        out += encodeURIComponent(value.slice(i, i + 2));
        i++;
      } else if (c >= 0xd800 && c <= 0xdfff) {
        out += [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)]
          .map((b) => `%${b.toString(16).toUpperCase()}`)
          .join('');
      } else {
        out += encodeURIComponent(value[i]!);
      }
    }
    return out;
  }

  /** JSON-face body of a random action: the same members by SDK name, with a JSON poison. */
  function jsonBody(): { body: Buffer; defect: string } {
    const action = pick(actionList);
    const body: Record<string, unknown> = { Action: action.name };
    const build = (kind: InputKind, depth: number): unknown => {
      if (kind.type === 'structure') {
        const out: Record<string, unknown> = {};
        if (depth < 3)
          for (const [name, m] of Object.entries(kind.members))
            if (chance(m.required ? 0.85 : 0.3)) out[name] = build(m.kind, depth + 1);
        return out;
      }
      if (kind.type === 'list') return Array.from({ length: 1 + random.below(3) }, () => build(kind.member, depth));
      if (kind.type === 'integer') return Number(plausibleValue(kind));
      if (kind.type === 'boolean') return chance(0.5);
      return plausibleValue(kind);
    };
    Object.assign(body, build(action.input, 0));
    const members = Object.entries(action.input.members);
    const poisons: (() => string)[] = [
      () => {
        const name = pick(['Bogus', 'networkInterfaceId', 'PrivateIpAddress', '__proto__', 'constructor', '']);
        // defineProperty, so that "__proto__" becomes a key of the JSON text rather than the object's prototype.
        Object.defineProperty(body, name, {
          value: plausibleString(),
          enumerable: true,
          configurable: true,
          writable: true
        });
        return `unknown member ${name}`;
      }
    ];
    const typed = (type: InputKind['type']) => members.filter(([, m]) => m.kind.type === type);
    if (typed('integer').length) {
      poisons.push(() => {
        const [name] = pick(typed('integer'));
        body[name] = pick<unknown>([1.5, -0.25, 1e16, -1e300, 'abc', '1.5', true, [], {}, '', '0x10', 2 ** 53]);
        return `${name} not an integer`;
      });
    }
    if (typed('string').length) {
      poisons.push(() => {
        const [name, m] = pick(typed('string'));
        const max = (m.kind as { maxLength?: number }).maxLength ?? 4096;
        body[name] = pick<unknown>([5, true, [], { a: 1 }, 'y'.repeat(max + 1 + random.below(1000))]);
        return `${name} not a string it accepts`;
      });
    }
    if (typed('boolean').length) {
      poisons.push(() => {
        const [name] = pick(typed('boolean'));
        body[name] = pick<unknown>(['yes', 0, 1, [], {}, 'TRUE']);
        return `${name} not a boolean`;
      });
    }
    if (typed('list').length) {
      poisons.push(() => {
        const [name, m] = pick(typed('list'));
        const max = (m.kind as { maxItems: number }).maxItems;
        body[name] = pick<unknown>([
          'x',
          5,
          { 1: 'x' },
          Array.from({ length: max + 1 }, () => 'x'),
          [[['deep']]],
          [null, {}]
        ]);
        return `${name} not a list it accepts`;
      });
    }
    const defect = pick(poisons)();
    return { body: json(body), defect };
  }

  const FORM = 'application/x-www-form-urlencoded';

  /** One generated case. */
  function next(): Case {
    const roll = random.below(1000);
    // 1. Query (form) requests with a poisoned member: the bulk of the run.
    if (roll < 450) {
      const { action, params, defect } = queryParams();
      const mangle = chance(0.3);
      const entries: [string, string][] = [['Action', action], ['Version', '2016-11-15'], ...params];
      if (chance(0.1)) entries.reverse();
      const body = encode(entries, mangle);
      const contentType = pick([
        FORM,
        `${FORM}; charset=utf-8`,
        'Application/X-WWW-Form-Urlencoded',
        `${FORM};charset=latin1`
      ]);
      if (chance(0.15) && body.length < 6000) {
        return {
          label: `GET ${action}: ${defect}`,
          face: 'xml',
          send: () => viaHttp('GET', `/?${body.toString('latin1')}`, {})
        };
      }
      return {
        label: `${action}: ${defect}${mangle ? ' (invalid UTF-8)' : ''}`,
        face: 'xml',
        send: () => viaHttp('POST', '/', { 'content-type': contentType }, body)
      };
    }
    // 2. JSON-face requests with a poisoned member.
    if (roll < 650) {
      const { body, defect } = jsonBody();
      return {
        label: `JSON: ${defect}`,
        face: 'json',
        send: () => viaHttp('POST', '/', { 'content-type': 'application/json' }, body)
      };
    }
    // 3. Broken JSON.
    if (roll < 720) {
      const depth = 1 + random.below(200_000);
      /** [what, body, whether it fails to parse whatever the query string says]. */
      const bodies: [string, Buffer, boolean?][] = [
        ['truncated', Buffer.from('{"Action":"DescribeVpcs","VpcIds":["vpc-1"'), true],
        ['trailing garbage', Buffer.from('{"Action":"DescribeVpcs"} x'), true],
        ['an array', json([{ Action: 'DescribeVpcs' }])],
        ['a string', json('DescribeVpcs')],
        ['null', Buffer.from('null')],
        ['a number', Buffer.from('12')],
        ['single quotes', Buffer.from("{'Action':'DescribeVpcs'}"), true],
        ['a comment', Buffer.from('{"Action":"DescribeVpcs" /* hi */}'), true],
        [
          'a byte-order mark',
          Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), json({ Action: 'DescribeVpcs', Bogus: 1 })])
        ],
        ['UTF-16', Buffer.from(JSON.stringify({ Action: 'DescribeVpcs' }), 'utf16le'), true],
        [
          'invalid UTF-8',
          Buffer.concat([Buffer.from('{"Action":"Describe'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('Vpcs"}')])
        ],
        [
          `nesting ${depth} deep`,
          Buffer.from(`{"Action":"DescribeVpcs","VpcIds":${'['.repeat(depth)}${']'.repeat(depth)}}`)
        ],
        [
          `an object nesting ${depth} deep`,
          Buffer.from(
            `{"Action":"DescribeVpcs","DryRun":${'{"a":'.repeat(Math.min(depth, 50_000))}1${'}'.repeat(Math.min(depth, 50_000))}}`
          )
        ],
        ['no Action', json({ VpcIds: ['vpc-1'] })],
        [
          'an unknown Action',
          json({ Action: pick(['Nope', 'describeVpcs', 'DescribeVpcs ', '', 'A'.repeat(5000), '\u0000']) })
        ],
        [
          'a wrong Version',
          json({ Action: 'DescribeVpcs', Version: pick(['2016-11-16', '', 'latest', '2016-11-15 ']) })
        ],
        ['Action not a string', json({ Action: pick<unknown>([5, null, ['DescribeVpcs'], { a: 1 }, true]) })],
        ['an empty body', Buffer.alloc(0)],
        [
          'huge numbers',
          json({
            Action: 'AssignPrivateIpAddresses',
            NetworkInterfaceId: world.eniId,
            SecondaryPrivateIpAddressCount: 1e308
          })
        ],
        [
          'duplicate keys',
          Buffer.from(
            `{"Action":"AssignPrivateIpAddresses","NetworkInterfaceId":"${world.eniId}","SecondaryPrivateIpAddressCount":1,"SecondaryPrivateIpAddressCount":-1}`
          )
        ]
      ];
      const [what, body, unparsable] = pick(bodies);
      const contentType = pick(['application/json', 'application/json; charset=utf-8', 'application/vnd.ec2lite+json']);
      // An Action in the query string would make a body without one a valid DescribeVpcs.
      const path = unparsable && chance(0.5) ? '/?Action=DescribeVpcs' : '/';
      return {
        label: `JSON body: ${what}`,
        face: 'json',
        send: () => viaHttp('POST', path, { 'content-type': contentType }, body)
      };
    }
    // 4. The request around the parameters: method, content type, Action, Version, path.
    if (roll < 820) {
      const kind = random.below(6);
      if (kind === 0) {
        const method = pick(['PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE', 'PROPFIND']);
        return {
          label: `method ${method}`,
          face: method === 'HEAD' ? 'head' : 'xml',
          send: () =>
            viaHttp(
              method,
              '/?Action=DescribeVpcs&Version=2016-11-15',
              { 'content-type': FORM },
              method === 'HEAD' || method === 'TRACE'
                ? undefined
                : Buffer.from('Action=DescribeVpcs&Version=2016-11-15')
            )
        };
      }
      if (kind === 1) {
        const type = pick([
          'text/plain',
          'application/xml',
          'multipart/form-data; boundary=x',
          'application/x-amz-json-1.1',
          'application/octet-stream',
          'image/png',
          '%%%',
          ';',
          'x'.repeat(3000),
          'application/jsonx',
          'text/json'
        ]);
        // Bogus=1: a type read as a form after all (';' has no media type) must still fail.
        return {
          label: `content type ${type.slice(0, 40)}`,
          face: 'xml',
          send: () =>
            viaHttp(
              'POST',
              '/',
              { 'content-type': type },
              Buffer.from('Action=DescribeVpcs&Version=2016-11-15&Bogus=1')
            )
        };
      }
      if (kind === 2) {
        const action = pick([
          '',
          'Nope',
          'describevpcs',
          'DescribeVpcs%00',
          'Describe Vpcs',
          '%FF%FE',
          'x'.repeat(4000),
          '<Action>',
          'AssignPrivateIpAddresses.1'
        ]);
        return {
          label: `Action ${action.slice(0, 40)}`,
          face: 'xml',
          send: () =>
            viaHttp('POST', '/', { 'content-type': FORM }, Buffer.from(`Action=${action}&Version=2016-11-15&Bogus=1`))
        };
      }
      if (kind === 3) {
        const version = pick(['', '2016-11-16', '2014-01-01', 'latest', '%FF', 'x'.repeat(2000)]);
        const body = pick([`Action=DescribeVpcs&Version=${version}`, 'Action=DescribeVpcs']);
        return {
          label: `Version ${version.slice(0, 40)}`,
          face: 'xml',
          send: () => viaHttp('POST', '/', { 'content-type': FORM }, Buffer.from(body))
        };
      }
      if (kind === 4) {
        // Many parameters: a list far past its cap, or thousands of unknown keys, within the body limit.
        const n = 1001 + random.below(60_000);
        const body = pick([
          () =>
            `Action=DescribeVpcs&Version=2016-11-15${Array.from({ length: n }, (_, i) => `&VpcId.${i + 1}=vpc-${i}`).join('')}`,
          () =>
            `Action=DescribeSubnets&Version=2016-11-15${Array.from({ length: Math.min(n, 3000) }, (_, i) => `&Filter.${i + 1}.Name=vpc-id&Filter.${i + 1}.Value.1=x`).join('')}`,
          () => `Action=DescribeVpcs&Version=2016-11-15${'&a=b'.repeat(n)}`,
          () =>
            `Action=AssignPrivateIpAddresses&Version=2016-11-15&NetworkInterfaceId=${world.eniId}${Array.from({ length: 1001 }, (_, i) => `&PrivateIpAddress.${99_000_000 + i}=10.9.${i >> 8}.${i & 255}`).join('')}`
        ])();
        return {
          label: `${n} parameters`,
          face: 'xml',
          send: () => viaHttp('POST', '/', { 'content-type': FORM }, Buffer.from(body.slice(0, MAX_BODY)))
        };
      }
      const path = pick([
        '/nope',
        '//',
        '/?',
        '/%ZZ',
        `/${'a'.repeat(3000)}`,
        '/../../etc/passwd',
        '/?Action=DescribeVpcs&Version=2016-11-15&Bogus'
      ]);
      return {
        label: `path ${path.slice(0, 40)}`,
        face: 'xml',
        send: () => viaHttp(pick(['GET', 'POST']), path, { 'content-type': FORM })
      };
    }
    // 5. Absurd values against real resources: limits and counts must be refused at once.
    if (roll < 930) {
      const absurd = pick([
        '0',
        '-1',
        '-2147483648',
        '2147483647',
        '9007199254740991',
        '51',
        '1000000',
        '999999999999999'
      ]);
      const cases: [string, Record<string, string>][] = [
        [
          'Assign count',
          {
            Action: 'AssignPrivateIpAddresses',
            NetworkInterfaceId: world.eniId,
            SecondaryPrivateIpAddressCount: absurd
          }
        ],
        [
          'Assign prefix count',
          { Action: 'AssignPrivateIpAddresses', NetworkInterfaceId: world.eniId, Ipv4PrefixCount: absurd }
        ],
        [
          'Create count',
          {
            Action: 'CreateNetworkInterface',
            SubnetId: world.subnetId,
            SecondaryPrivateIpAddressCount: absurd === '0' ? '-5' : absurd
          }
        ],
        [
          'Create prefix count',
          {
            Action: 'CreateNetworkInterface',
            SubnetId: world.subnetId,
            Ipv4PrefixCount: absurd === '0' ? '-5' : absurd
          }
        ],
        [
          'RunInstances MinCount',
          {
            Action: 'RunInstances',
            ImageId: 'ami-0123456789abcdef0',
            SubnetId: world.subnetId,
            MinCount: absurd === '51' ? '100000' : absurd,
            MaxCount: absurd === '51' ? '100000' : absurd
          }
        ],
        [
          'MaxResults',
          {
            Action: pick([
              'DescribeVpcs',
              'DescribeSubnets',
              'DescribeNetworkInterfaces',
              'DescribeInstances',
              'DescribeTags'
            ]),
            MaxResults: pick(['0', '4', '1001', '-1', '2147483647', '99999999999'])
          }
        ],
        [
          'Assign outside the subnet',
          {
            Action: 'AssignPrivateIpAddresses',
            NetworkInterfaceId: world.eniId,
            'PrivateIpAddress.99999999': pick(['10.99.0.1', '0.0.0.0', '256.1.1.1', world.subnetBase])
          }
        ],
        [
          'Assign an address held',
          {
            Action: 'AssignPrivateIpAddresses',
            NetworkInterfaceId: world.instanceId.replace('i-', 'eni-'),
            'PrivateIpAddress.1': pick(world.eniAddresses)
          }
        ],
        [
          'Unassign what is not held',
          {
            Action: 'UnassignPrivateIpAddresses',
            NetworkInterfaceId: world.eniId,
            'PrivateIpAddress.1': pick(['10.99.0.1', world.eniAddresses[0]!, 'x'])
          }
        ],
        [
          'Associate to an address not held',
          {
            Action: 'AssociateAddress',
            AllocationId: world.allocationId,
            NetworkInterfaceId: world.eniId,
            PrivateIpAddress: '10.99.0.1'
          }
        ],
        [
          'a dry run',
          {
            DryRun: 'true',
            ...pick<Record<string, string>>([
              { Action: 'CreateNetworkInterface', SubnetId: world.subnetId },
              { Action: 'DeleteNetworkInterface', NetworkInterfaceId: world.eniId },
              { Action: 'CreateTags', 'ResourceId.1': world.eniId, 'Tag.1.Key': 'k', 'Tag.1.Value': 'w' },
              { Action: 'TerminateInstances', 'InstanceId.1': world.instanceId },
              { Action: 'ReleaseAddress', AllocationId: world.allocationId }
            ])
          }
        ],
        [
          'a subnet too large',
          {
            Action: 'CreateSubnet',
            VpcId: world.vpcId,
            CidrBlock: pick(['10.40.0.0/8', '10.40.0.0/29', '10.40.0.0/33', '10.40.0.0/-1', '10.40.0.0/1e1'])
          }
        ],
        [
          'a reservation outside',
          {
            Action: 'CreateSubnetCidrReservation',
            SubnetId: world.subnetId,
            Cidr: '10.99.0.0/28',
            ReservationType: 'prefix'
          }
        ]
      ];
      const [what, params] = pick(cases);
      const entries = Object.entries({ Version: '2016-11-15', ...params });
      if (params.Action === 'RunInstances' && absurd !== '0' && absurd !== '-1' && absurd !== '-2147483648')
        entries.push(['InstanceType', 'no.such-type']);
      return {
        label: `${what} ${absurd}`,
        face: 'xml',
        send: () => viaHttp('POST', '/', { 'content-type': FORM }, encode(entries, false))
      };
    }
    // 6. Broken HTTP, lying lengths and oversized heads, over raw sockets.
    if (roll < 990) {
      const head = (extra: string): Buffer =>
        Buffer.from(`POST / HTTP/1.1\r\nhost: ec2lite\r\ncontent-type: ${FORM}\r\n${extra}\r\n`, 'latin1');
      const cases: [string, () => Buffer[]][] = [
        ['garbage', () => [Buffer.from('HELLO\r\n\r\n')]],
        ['binary', () => [Buffer.from(Array.from({ length: 64 }, () => random.below(256)))]],
        ['HTTP/2 preface', () => [Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n')]],
        ['a bad content-length', () => [head('content-length: abc\r\n'), Buffer.from('Action=DescribeVpcs')]],
        ['two content-lengths', () => [head('content-length: 5\r\ncontent-length: 6\r\n'), Buffer.from('Action')]],
        [
          'content-length and chunked',
          () => [head('content-length: 5\r\ntransfer-encoding: chunked\r\n'), Buffer.from('0\r\n\r\n')]
        ],
        ['a negative content-length', () => [head('content-length: -1\r\n')]],
        ['a broken chunk', () => [head('transfer-encoding: chunked\r\n'), Buffer.from('zz\r\nAction\r\n0\r\n\r\n')]],
        [
          'a longer body than declared',
          () => [head('content-length: 4\r\n'), Buffer.from('Action=DescribeVpcs&Version=2016-11-15')]
        ],
        ['a header line without a colon', () => [Buffer.from('POST / HTTP/1.1\r\nhost ec2lite\r\n\r\n')]],
        ['a header with a NUL', () => [Buffer.from('POST / HTTP/1.1\r\nhost: ec2\u0000lite\r\n\r\n', 'latin1')]],
        ['a 20 KB header', () => [head(`x-junk: ${'j'.repeat(20_000)}\r\ncontent-length: 0\r\n`)]],
        [
          '3000 headers',
          () => [
            head(
              `${Array.from({ length: 3000 }, (_, i) => `x-h${i}: ${'v'.repeat(8)}\r\n`).join('')}content-length: 0\r\n`
            )
          ]
        ],
        [
          'a 20 KB URL',
          () => [
            Buffer.from(
              `GET /?Action=DescribeVpcs&Version=2016-11-15&VpcId.1=${'v'.repeat(20_000)} HTTP/1.1\r\nhost: ec2lite\r\n\r\n`
            )
          ]
        ],
        ['HTTP/0.9', () => [Buffer.from('GET /\r\n\r\n')]],
        ['an unknown HTTP version', () => [Buffer.from('GET / HTTP/3.7\r\nhost: ec2lite\r\n\r\n')]]
      ];
      const [what, parts] = pick(cases);
      return { label: `raw: ${what}`, face: 'xml', send: () => viaSocket(parts()) };
    }
    // 7. Bodies past the limit: declared, or streamed chunked without a length (10 MB each).
    if (roll < 995) {
      const tenMegabytes = Buffer.alloc(10 * 1024 * 1024, 'a');
      if (chance(0.5)) {
        const declared = pick([10 * 1024 * 1024, MAX_BODY + 1, 2 ** 53, 99_999_999_999]);
        return {
          label: `a body declared as ${declared} bytes`,
          face: 'xml',
          send: () =>
            viaSocket([
              Buffer.from(
                `POST / HTTP/1.1\r\nhost: ec2lite\r\ncontent-type: ${FORM}\r\ncontent-length: ${declared}\r\n\r\n`
              ),
              tenMegabytes
            ])
        };
      }
      const jsonFace = chance(0.5);
      const chunks = Array.from({ length: 10 }, () =>
        Buffer.concat([Buffer.from(`100000\r\n`), tenMegabytes.subarray(0, 0x100000), Buffer.from('\r\n')])
      );
      return {
        label: `a chunked 10 MB ${jsonFace ? 'JSON' : 'form'} body`,
        face: jsonFace ? 'json' : 'xml',
        send: () =>
          viaSocket([
            Buffer.from(
              `POST / HTTP/1.1\r\nhost: ec2lite\r\ncontent-type: ${jsonFace ? 'application/json' : FORM}\r\ntransfer-encoding: chunked\r\n\r\n`
            ),
            ...chunks,
            Buffer.from('0\r\n\r\n')
          ])
      };
    }
    // 8. Clients that never finish: the head, or the body. Cut off by the server's timeouts with a 408.
    const jsonFace = chance(0.5);
    const stallInHead = chance(0.5);
    const parts = stallInHead
      ? [Buffer.from('POST / HTTP/1.1\r\nhost: ec2lite\r\n'), Buffer.from('x-slow: 1\r\n')]
      : [
          Buffer.from(
            `POST / HTTP/1.1\r\nhost: ec2lite\r\ncontent-type: ${jsonFace ? 'application/json' : FORM}\r\ncontent-length: 1000\r\n\r\n`
          ),
          Buffer.from(
            jsonFace
              ? '{"Action":"AssignPrivateIpAddresses",'
              : `Action=AssignPrivateIpAddresses&NetworkInterfaceId=${world.eniId}`
          )
        ];
    return {
      label: `a client that never finishes its ${stallInHead ? 'headers' : 'body'}`,
      face: !stallInHead && jsonFace ? 'json' : 'xml',
      slow: true,
      send: () => viaSocket(parts, { pauseMs: 200, thenStall: true })
    };
  }

  return { next };
}

// ---------------------------------------------------------------------------------------------------------------

describe('fuzzing the endpoint with malformed requests', () => {
  let dataDir: string;
  let server: TestServer;
  let world: World;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ec2lite-fuzz-'));
    server = await startTestServer({
      ephemeral: false,
      dataDir,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
      headersTimeoutMs: HEADERS_TIMEOUT_MS
    });
    url = new URL(server.url);
    // A little of everything, so that requests naming real resources reach deep into the actions.
    const lab = await VpcLab.create(server);
    const subnet = await lab.subnet(24);
    const eni = await subnet.eni({
      SecondaryPrivateIpAddressCount: 3,
      TagSpecifications: [{ ResourceType: 'network-interface', Tags: [{ Key: 'k', Value: 'v' }] }]
    });
    await assign(server, { NetworkInterfaceId: eni.NetworkInterfaceId!, Ipv4PrefixCount: 1 });
    const { instanceId } = await launch(server, subnet, 'm5.large');
    const { AllocationId } = await server.ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    const addresses = eni.PrivateIpAddresses!.map((a) => a.PrivateIpAddress!);
    await server.ec2.send(
      new AssociateAddressCommand({
        AllocationId,
        NetworkInterfaceId: eni.NetworkInterfaceId!,
        PrivateIpAddress: addresses[1]!
      })
    );
    const { SubnetCidrReservation } = await server.ec2.send(
      new CreateSubnetCidrReservationCommand({
        SubnetId: subnet.id,
        Cidr: subnet.prefix(224),
        ReservationType: 'explicit'
      })
    );
    await server.ec2.send(
      new CreateTagsCommand({ Resources: [lab.vpcId, subnet.id], Tags: [{ Key: 'Name', Value: 'fuzz' }] })
    );
    world = {
      vpcId: lab.vpcId,
      subnetId: subnet.id,
      subnetBase: subnet.at(0),
      eniId: eni.NetworkInterfaceId!,
      eniAddresses: addresses,
      instanceId,
      allocationId: AllocationId!,
      reservationId: SubnetCidrReservation!.SubnetCidrReservationId!
    };
  });

  after(async () => {
    agent.destroy();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Everything the Describe actions show, without request ids. */
  async function snapshot(): Promise<unknown> {
    const strip = ({ $metadata: _, ...rest }: { $metadata: unknown }) => rest;
    return {
      vpcs: strip(await server.ec2.send(new DescribeVpcsCommand({}))),
      subnets: strip(await server.ec2.send(new DescribeSubnetsCommand({}))),
      interfaces: strip(await server.ec2.send(new DescribeNetworkInterfacesCommand({}))),
      instances: strip(await server.ec2.send(new DescribeInstancesCommand({}))),
      addresses: strip(await server.ec2.send(new DescribeAddressesCommand({}))),
      tags: strip(await server.ec2.send(new DescribeTagsCommand({}))),
      reservations: strip(await server.ec2.send(new GetSubnetCidrReservationsCommand({ SubnetId: world.subnetId })))
    };
  }

  it(`answers ${COUNT} generated malformed requests with well-formed 4xx EC2 errors and changes nothing`, async (t) => {
    const before = await snapshot();
    const { next } = generator(seededRandom(SEED), world);
    const cases = Array.from({ length: COUNT }, () => next());
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    let slowest = { ms: 0, label: '' };
    let probes = 0;

    const run = async (c: Case, index: number): Promise<void> => {
      const started = Date.now();
      let answer: Answer;
      try {
        answer = await c.send();
      } catch (error) {
        failures.push(`#${index} ${c.label}: ${(error as Error).message}`);
        return;
      }
      const ms = Date.now() - started;
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      const problem = problemWith(c, answer);
      if (problem) failures.push(`#${index} ${c.label}: ${problem}: ${answer.status} ${answer.body.slice(0, 300)}`);
      const limit = c.slow ? REQUEST_TIMEOUT_MS + MAX_LATENCY_MS : MAX_LATENCY_MS;
      if (ms > limit) failures.push(`#${index} ${c.label}: answered after ${ms} ms`);
      if (!c.slow && ms > slowest.ms) slowest = { ms, label: c.label };
      if (c.slow && answer.status !== 408) failures.push(`#${index} ${c.label}: ${answer.status}, not 408`);
    };

    // Slow clients run beside the rest, a few at a time, since each takes as long as the timeouts.
    const slow = cases.map((c, i) => [c, i] as const).filter(([c]) => c.slow);
    const fast = cases.map((c, i) => [c, i] as const).filter(([c]) => !c.slow);
    const slowRunner = (async () => {
      for (let i = 0; i < slow.length; i += 8)
        await Promise.all(slow.slice(i, i + 8).map(([c, index]) => run(c, index)));
    })();
    let cursor = 0;
    await Promise.all(
      Array.from({ length: PARALLEL }, async () => {
        while (cursor < fast.length) {
          const [c, index] = fast[cursor++]!;
          await run(c, index);
          // The server stays responsive: a valid request every 500 cases.
          if (index % 500 === 0) {
            const { Vpcs } = await server.ec2.send(new DescribeVpcsCommand({}));
            assert.ok(Vpcs && Vpcs.length >= 2);
            probes++;
          }
        }
      })
    );
    await slowRunner;

    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    const count = (test: (status: number) => boolean) =>
      [...statuses].filter(([s]) => test(s)).reduce((a, [, n]) => a + n, 0);
    t.diagnostic(
      `seed ${SEED}: ${cases.length} malformed requests (${slow.length} slow clients), ${total} answered: ` +
        `${count((s) => s >= 400 && s < 500)} 4xx, ${count((s) => s >= 500)} 5xx, ${count((s) => s < 400)} other; ` +
        `by status ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}; ` +
        `slowest refusal ${slowest.ms} ms (${slowest.label.slice(0, 60)}); ${probes} liveness probes`
    );
    assert.deepEqual(failures.slice(0, 25), [], `${failures.length} bad answers (seed ${SEED})`);
    assert.equal(total, cases.length);

    // Responsive and unchanged.
    assert.deepEqual(await snapshot(), before);
    const check = await runCheck(dataDir);
    assert.equal(check.code, 0, check.stdout + check.stderr);
  });
});
