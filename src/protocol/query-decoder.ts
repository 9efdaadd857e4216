import { errors } from './error-codes.js';
import type { InputKind, InputMember, InputMembers, StructureKind } from './input-spec.js';

/** Parameters every EC2 request may carry that belong to the protocol, not to the action (SigV2, presigned SigV4). */
const COMMON_PARAMETERS = new Set([
  'Action',
  'Version',
  'AWSAccessKeyId',
  'SignatureMethod',
  'SignatureVersion',
  'Signature',
  'Timestamp',
  'Expires',
  'SecurityToken',
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-SignedHeaders',
  'X-Amz-Signature',
  'X-Amz-Security-Token'
]);

const LIST_INDEX = /^[1-9][0-9]{0,8}$/;
const INTEGER = /^[+-]?[0-9]{1,15}$/;

type RawValue = string | RawStructure | RawList;
interface RawStructure {
  readonly kind: 'structure';
  readonly fields: Map<string, RawValue>;
}
interface RawList {
  readonly kind: 'list';
  readonly items: Map<number, RawValue>;
}

/**
 * Decodes flat Query parameters (`PrivateIpAddress.2`, `Filter.1.Value.3`) into the action's typed input,
 * driven by its spec. A key the spec does not know is UnknownParameter, as EC2 answers.
 */
export function decodeQuery(spec: StructureKind, params: Iterable<[string, string]>): Record<string, unknown> {
  const root: RawStructure = { kind: 'structure', fields: new Map() };
  for (const [key, value] of params) {
    if (COMMON_PARAMETERS.has(key)) continue;
    place(spec, root, key, value);
  }
  return coerceStructure(spec, root, '') as Record<string, unknown>;
}

/** Decodes the JSON face's body, whose members carry the SDK's own names, with the same spec and checks. */
export function decodeJson(spec: StructureKind, body: Record<string, unknown>): Record<string, unknown> {
  // No prototype: a "__proto__" member must stay a member (and be refused as unknown), not become the prototype.
  const input = Object.create(null) as Record<string, unknown>;
  for (const [name, value] of Object.entries(body)) {
    if (name === 'Action' || name === 'Version') continue;
    input[name] = value;
  }
  return coerceJson(spec, input, '') as Record<string, unknown>;
}

function wireIndex(members: InputMembers): Map<string, string> {
  let index = wireIndexCache.get(members);
  if (!index) {
    index = new Map(Object.entries(members).map(([name, m]) => [m.wire, name]));
    wireIndexCache.set(members, index);
  }
  return index;
}
const wireIndexCache = new WeakMap<InputMembers, Map<string, string>>();

/** `Object.entries(members)`, once per spec rather than once per request. */
function memberEntries(members: InputMembers): readonly [string, InputMember][] {
  let entries = memberEntriesCache.get(members);
  if (!entries) {
    entries = Object.entries(members);
    memberEntriesCache.set(members, entries);
  }
  return entries;
}
const memberEntriesCache = new WeakMap<InputMembers, readonly [string, InputMember][]>();

function place(spec: StructureKind, root: RawStructure, key: string, value: string): void {
  const segments = key.split('.');
  let kind: InputKind = spec;
  let container: RawStructure | RawList = root;
  let slot: string | number = '';
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    if (kind.type === 'structure') {
      const name = wireIndex(kind.members).get(segment);
      if (name === undefined) throw errors.unknownParameter(keyPrefix(segments, i));
      kind = kind.members[name]!.kind;
      slot = name;
    } else if (kind.type === 'list') {
      if (!LIST_INDEX.test(segment)) throw errors.unknownParameter(keyPrefix(segments, i));
      kind = kind.member;
      slot = Number(segment);
    } else {
      throw errors.unknownParameter(key);
    }
    const last = i === segments.length - 1;
    if (last) {
      if (kind.type === 'structure' || kind.type === 'list') throw errors.unknownParameter(key);
      setRaw(container, slot, value);
    } else {
      let next = getRaw(container, slot);
      if (next === undefined) {
        next = kind.type === 'list' ? { kind: 'list', items: new Map() } : { kind: 'structure', fields: new Map() };
        setRaw(container, slot, next);
      }
      if (typeof next === 'string') throw errors.unknownParameter(key);
      container = next;
    }
  }
}

/** The key up to and including segment `i`: what an UnknownParameter error names. */
function keyPrefix(segments: readonly string[], i: number): string {
  return segments.slice(0, i + 1).join('.');
}

function getRaw(container: RawStructure | RawList, slot: string | number): RawValue | undefined {
  return container.kind === 'structure' ? container.fields.get(slot as string) : container.items.get(slot as number);
}

function setRaw(container: RawStructure | RawList, slot: string | number, value: RawValue): void {
  if (container.kind === 'structure') container.fields.set(slot as string, value);
  else container.items.set(slot as number, value);
}

function coerceStructure(kind: StructureKind, raw: RawStructure, prefix: string): unknown {
  const out: Record<string, unknown> = {};
  for (const [name, m] of memberEntries(kind.members)) {
    const wire = prefix + m.wire;
    const value = raw.fields.get(name);
    if (value === undefined) {
      if (m.required) throw errors.missingParameter(wire);
      continue;
    }
    out[name] = coerceRaw(m.kind, value, wire);
  }
  return out;
}

function coerceRaw(kind: InputKind, raw: RawValue, wire: string): unknown {
  if (kind.type === 'structure') return coerceStructure(kind, raw as RawStructure, `${wire}.`);
  if (kind.type === 'list') {
    const items = [...(raw as RawList).items.entries()].sort((a, b) => a[0] - b[0]);
    if (items.length > kind.maxItems) throw errors.tooManyItems(wire, kind.maxItems);
    // EC2 lists are 1-based and may be sparse on the wire; members keep their index order.
    return items.map(([index, item]) => coerceRaw(kind.member, item, `${wire}.${index}`));
  }
  return coerceScalar(kind, raw, wire);
}

function coerceScalar(kind: InputKind, value: unknown, wire: string): unknown {
  switch (kind.type) {
    case 'string': {
      if (typeof value !== 'string') throw errors.invalidValueType(String(value), wire, 'a string');
      if (kind.maxLength !== undefined && value.length > kind.maxLength) throw errors.tooLong(wire, kind.maxLength);
      if (kind.enum && !kind.enum.includes(value)) throw errors.notOneOf(value, wire, kind.enum);
      return value;
    }
    case 'integer': {
      let n: number;
      if (typeof value === 'number') n = value;
      else if (typeof value === 'string' && INTEGER.test(value)) n = Number(value);
      else throw errors.invalidValueType(truncate(String(value)), wire, 'an integer');
      if (!Number.isSafeInteger(n)) throw errors.invalidValueType(truncate(String(value)), wire, 'an integer');
      if ((kind.min !== undefined && n < kind.min) || (kind.max !== undefined && n > kind.max)) {
        throw errors.invalidParameterValue(
          `Value (${n}) for parameter ${wire} is invalid. It must be between ${kind.min ?? '-∞'} and ${kind.max ?? '∞'}.`
        );
      }
      return n;
    }
    case 'boolean': {
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      throw errors.invalidValueType(truncate(String(value)), wire, 'true or false');
    }
    default:
      throw errors.invalidValueType(truncate(String(value)), wire, kind.type);
  }
}

function coerceJson(kind: InputKind, value: unknown, wire: string): unknown {
  if (kind.type === 'structure') {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw errors.invalidValueType(truncate(jsonText(value)), wire || 'body', 'an object');
    }
    const prefix = wire ? `${wire}.` : '';
    const names = new Set(Object.keys(kind.members));
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) if (!names.has(key)) throw errors.unknownParameter(prefix + key);
    for (const [name, m] of memberEntries(kind.members)) {
      const v = (value as Record<string, unknown>)[name];
      if (v === undefined || v === null) {
        // The JSON face speaks SDK member names, in this message as in UnknownParameter and type errors.
        if (m.required) throw errors.missingParameter(prefix + name);
        continue;
      }
      out[name] = coerceJson(m.kind, v, prefix + name);
    }
    return out;
  }
  if (kind.type === 'list') {
    if (!Array.isArray(value)) throw errors.invalidValueType(truncate(jsonText(value)), wire, 'a list');
    if (value.length > kind.maxItems) throw errors.tooManyItems(wire, kind.maxItems);
    return value.map((item, i) => coerceJson(kind.member, item, `${wire}.${i + 1}`));
  }
  if (typeof value === 'object') throw errors.invalidValueType(truncate(jsonText(value)), wire, kind.type);
  return coerceScalar(kind, value, wire);
}

/** A value as JSON text for an error message; a value nested too deep to print (a stack overflow) is elided. */
function jsonText(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return Array.isArray(value) ? '[…]' : '{…}';
  }
}

function truncate(text: string): string {
  return text.length > 64 ? `${text.slice(0, 64)}…` : text;
}
