import { actionMatches } from '../auth/policy.js';
import { errors } from '../protocol/error-codes.js';
import { Ec2Error } from '../protocol/errors.js';

/**
 * The fault knobs clients' own EC2 fakes have (Cilium's SetMockError / SetDelay / SetLimiter /
 * SetSubnetAtPrefixCapacity, Karpenter's NextError / Reset), as data: the start-up config file, the control API
 * and the CLI all speak these shapes, and one reader checks them.
 */

/** An error to answer instead of running the action. */
export interface FaultSpec {
  /** An action name or pattern (`*`, `Describe*`). */
  readonly action: string;
  readonly code: string;
  readonly message: string;
  /** HTTP status, 400–599. */
  readonly status: number;
  /** How many matching calls fail; omitted (with `sticky`) means every one until the fault is removed. */
  readonly count?: number;
  readonly sticky?: boolean;
  /** Only calls whose wire parameters have these values (`{"NetworkInterfaceId": "eni-…"}`). */
  readonly when?: Readonly<Record<string, string>>;
}

/** Extra time before an action answers. */
export interface LatencySpec {
  readonly action: string;
  readonly ms: number;
  /** Up to this much more, at random. */
  readonly jitterMs?: number;
}

export interface RateSpec {
  /** Tokens added per second. */
  readonly rate: number;
  /** Bucket size: calls allowed at once after a quiet spell. */
  readonly burst: number;
}

/** A token bucket per account and action; `actions` overrides the rate of matching actions. */
export interface ThrottleSettings extends RateSpec {
  readonly actions?: Readonly<Record<string, RateSpec>>;
}

/** A fault of bad input: the control API answers it as 400, the config file as a start-up error. */
export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

/** Status and text of EC2 errors a fault is likely to inject, so that `{"code": …}` alone reads as EC2 would answer. */
const KNOWN_ERRORS: ReadonlyMap<string, { status: number; message: string }> = new Map(
  [
    errors.requestLimitExceeded(),
    errors.internalError(),
    errors.unauthorizedOperation(),
    errors.authFailure(),
    errors.insufficientFreeAddresses(),
    errors.insufficientCidrBlocks(),
    errors.privateIpAddressLimitExceeded(),
    // [DOC] errors-overview, server errors: the descriptions, 503.
    new Ec2Error('ServiceUnavailable', 'The request has failed due to a temporary failure of the server.', 503),
    new Ec2Error('Unavailable', "The server is overloaded and can't handle the request.", 503)
  ].map((e) => [e.code, { status: e.status, message: e.message }])
);

type Json = Record<string, unknown>;

function object(value: unknown, what: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new SettingsError(`${what} must be a JSON object`);
  return value as Json;
}

function onlyKeys(record: Json, allowed: readonly string[], what: string): void {
  for (const key of Object.keys(record)) {
    if (!allowed.includes(key))
      throw new SettingsError(`${what}: unknown field "${key}" (allowed: ${allowed.join(', ')})`);
  }
}

function actionPattern(value: unknown, what: string): string {
  if (typeof value !== 'string' || !/^[A-Za-z0-9*?]{1,128}$/.test(value)) {
    throw new SettingsError(`${what}: "action" must be an action name or a pattern such as "*" or "Describe*"`);
  }
  return value;
}

function number(value: unknown, what: string, min: number, max: number, integer = false): number {
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (integer && !Number.isInteger(value))
  ) {
    throw new SettingsError(
      `${what} must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}, not ${JSON.stringify(value)}`
    );
  }
  return value;
}

export function parseFault(value: unknown, what = 'fault'): FaultSpec {
  const r = object(value, what);
  onlyKeys(r, ['action', 'code', 'message', 'status', 'count', 'sticky', 'when'], what);
  const action = actionPattern(r.action, what);
  if (typeof r.code !== 'string' || !/^[A-Za-z][A-Za-z0-9.]{0,127}$/.test(r.code)) {
    throw new SettingsError(`${what}: "code" must be an EC2 error code such as "InsufficientFreeAddressesInSubnet"`);
  }
  const known = KNOWN_ERRORS.get(r.code);
  const status =
    r.status === undefined ? (known?.status ?? 400) : number(r.status, `${what}: "status"`, 400, 599, true);
  let message = known?.message ?? `Injected ${r.code} error.`;
  if (r.message !== undefined) {
    if (typeof r.message !== 'string' || r.message.length > 2048)
      throw new SettingsError(`${what}: "message" must be a string of at most 2048 characters`);
    message = r.message;
  }
  if (r.sticky !== undefined && typeof r.sticky !== 'boolean')
    throw new SettingsError(`${what}: "sticky" must be true or false`);
  const sticky = r.sticky === true;
  if (sticky && r.count !== undefined) throw new SettingsError(`${what}: give "count" or "sticky": true, not both`);
  const count = sticky
    ? undefined
    : r.count === undefined
      ? 1
      : number(r.count, `${what}: "count"`, 1, 1_000_000, true);
  let when: Record<string, string> | undefined;
  if (r.when !== undefined) {
    const w = object(r.when, `${what}: "when"`);
    for (const [key, v] of Object.entries(w)) {
      if (typeof v !== 'string')
        throw new SettingsError(`${what}: "when" maps wire parameter names to string values; "${key}" is not a string`);
    }
    when = w as Record<string, string>;
  }
  return {
    action,
    code: r.code,
    message,
    status,
    ...(count !== undefined ? { count } : { sticky: true }),
    ...(when ? { when } : {})
  };
}

export function parseLatency(value: unknown, what = 'latency'): LatencySpec {
  const r = object(value, what);
  onlyKeys(r, ['action', 'ms', 'jitterMs'], what);
  const action = actionPattern(r.action ?? '*', what);
  const ms = number(r.ms, `${what}: "ms"`, 0, 600_000, true);
  const jitterMs = r.jitterMs === undefined ? undefined : number(r.jitterMs, `${what}: "jitterMs"`, 0, 600_000, true);
  return { action, ms, ...(jitterMs !== undefined ? { jitterMs } : {}) };
}

function parseRate(value: unknown, what: string, allowActions: boolean): ThrottleSettings {
  const r = object(value, what);
  onlyKeys(r, allowActions ? ['rate', 'burst', 'actions'] : ['rate', 'burst'], what);
  const rate = number(r.rate, `${what}: "rate"`, 0.001, 1_000_000);
  const burst = number(r.burst ?? Math.max(1, Math.ceil(rate)), `${what}: "burst"`, 1, 1_000_000, true);
  if (!allowActions || r.actions === undefined) return { rate, burst };
  const actions: Record<string, RateSpec> = {};
  for (const [pattern, spec] of Object.entries(object(r.actions, `${what}: "actions"`))) {
    actionPattern(pattern, `${what}: "actions"`);
    actions[pattern] = parseRate(spec, `${what}: "actions.${pattern}"`, false);
  }
  return { rate, burst, actions };
}

export function parseThrottle(value: unknown, what = 'throttle'): ThrottleSettings {
  return parseRate(value, what, true);
}

/** `RATE:BURST` (the CLI's --throttle), e.g. `10:20`; BURST defaults to RATE rounded up. */
export function parseThrottleFlag(text: string): ThrottleSettings {
  const match = /^([0-9]+(?:\.[0-9]+)?)(?::([0-9]+))?$/.exec(text);
  if (!match)
    throw new SettingsError(`--throttle takes RATE:BURST, e.g. 10:20 (10 calls a second, 20 at once), not '${text}'`);
  return parseThrottle(
    { rate: Number(match[1]), ...(match[2] !== undefined ? { burst: Number(match[2]) } : {}) },
    '--throttle'
  );
}

export function parseSubnetId(value: unknown, what = 'subnet id'): string {
  if (typeof value !== 'string' || !/^subnet-[0-9a-f]{1,32}$/.test(value)) {
    throw new SettingsError(
      `${what} must be a subnet id such as subnet-0123456789abcdef0, not ${JSON.stringify(value)}`
    );
  }
  return value;
}

/** The rate for one action: the first matching override, else the default. */
export function rateFor(settings: ThrottleSettings, action: string): RateSpec {
  for (const [pattern, spec] of Object.entries(settings.actions ?? {})) {
    if (actionMatches(pattern, action)) return spec;
  }
  return settings;
}
