import { randomBytes } from 'node:crypto';
import { actionMatches } from '../auth/policy.js';
import { errors } from '../protocol/error-codes.js';
import { Ec2Error } from '../protocol/errors.js';
import { type FaultSpec, type LatencySpec, type ThrottleSettings, rateFor } from './settings.js';

/** One request as the call log keeps it. */
export interface CallRecord {
  /** ISO-8601 time the request arrived. */
  readonly time: string;
  readonly requestId: string;
  /** Absent when the request was refused before its Action was known. */
  readonly action?: string;
  /** The wire parameters (form fields, or the JSON body) without Action, Version and presigned-URL auth. */
  readonly params: Readonly<Record<string, unknown>>;
  readonly status: number;
  /** The EC2 error code; absent on success. */
  readonly code?: string;
  readonly message?: string;
  readonly accessKeyId?: string;
  readonly accountId?: string;
  readonly region?: string;
  readonly durationMs: number;
  /** Set when the answer was an injected fault. */
  readonly injected?: true;
}

/** What the control knobs start with (the start-up config file), and what a reset returns to. */
export interface ControlSettings {
  readonly throttle?: ThrottleSettings;
  readonly faults?: readonly FaultSpec[];
  readonly latency?: readonly LatencySpec[];
  /** Subnets that answer InsufficientCidrBlocks to every prefix pick while they still have free addresses. */
  readonly prefixCapacity?: readonly string[];
  /** Calls the log keeps; older ones are dropped. */
  readonly callLogSize: number;
}

/** An injected fault as the control API shows it. */
export interface ActiveFault extends FaultSpec {
  readonly id: string;
  /** Calls it has failed so far. */
  readonly hits: number;
}

interface FaultState {
  readonly id: string;
  readonly spec: FaultSpec;
  /** Calls it will still fail; undefined for a sticky fault. */
  remaining: number | undefined;
  hits: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * The fault knobs of one ec2lite: throttling, injected errors and latency, the prefix-capacity switch and the
 * call log. The gate asks `admit` after authentication and permissions and before it decodes anything, so a
 * throttled or injected answer never touches the state.
 */
export class Controls {
  private faults: FaultState[] = [];
  private latencies: LatencySpec[] = [];
  private throttle: ThrottleSettings | undefined;
  private buckets = new Map<string, Bucket>();
  private atPrefixCapacity = new Set<string>();
  private log: CallRecord[] = [];
  private dropped = 0;
  private readonly injected = new WeakSet<Ec2Error>();

  constructor(
    private readonly initial: ControlSettings,
    private readonly clock: () => number = () => performance.now(),
    private readonly random: () => number = Math.random
  ) {
    this.reset();
  }

  /** Back to the start-up settings: faults, latency, throttle and prefix-capacity switches as configured, buckets full, log empty. */
  reset(): void {
    this.faults = [];
    for (const spec of this.initial.faults ?? []) this.addFault(spec);
    this.latencies = [];
    for (const spec of this.initial.latency ?? []) this.setLatency(spec);
    this.setThrottle(this.initial.throttle);
    this.atPrefixCapacity = new Set(this.initial.prefixCapacity ?? []);
    this.clearCalls();
  }

  /**
   * The gate's step for one call: the token bucket of (account, action), then the action's latency, then the
   * first matching injected fault. Throws the EC2 error to answer.
   */
  admit(action: string, accountId: string, params: Readonly<Record<string, unknown>>): Promise<void> | undefined {
    if (this.throttle && !this.take(accountId, action)) throw errors.requestLimitExceeded();
    const latency = this.latencies.find((l) => actionMatches(l.action, action));
    if (latency && latency.ms + (latency.jitterMs ?? 0) > 0) {
      const ms = latency.ms + Math.floor(this.random() * ((latency.jitterMs ?? 0) + 1));
      return new Promise<void>((resolve) => setTimeout(resolve, ms)).then(() => this.injectFault(action, params));
    }
    // Nothing to wait for: no promise, so a request without faults pays no extra turn of the event loop.
    this.injectFault(action, params);
    return undefined;
  }

  /** Throws the first injected fault that matches the call, counting it down. */
  private injectFault(action: string, params: Readonly<Record<string, unknown>>): void {
    const fault = this.faults.find((f) => actionMatches(f.spec.action, action) && matchesWhen(f.spec.when, params));
    if (fault) {
      fault.hits++;
      if (fault.remaining !== undefined && --fault.remaining === 0)
        this.faults = this.faults.filter((f) => f !== fault);
      const error = new Ec2Error(fault.spec.code, fault.spec.message, fault.spec.status);
      this.injected.add(error);
      throw error;
    }
  }

  // --- injected errors ----------------------------------------------------------------------------------------
  addFault(spec: FaultSpec): ActiveFault {
    const state: FaultState = {
      id: `fault-${randomBytes(6).toString('hex')}`,
      spec,
      remaining: spec.sticky ? undefined : (spec.count ?? 1),
      hits: 0
    };
    this.faults.push(state);
    return view(state);
  }

  listFaults(): ActiveFault[] {
    return this.faults.map(view);
  }

  removeFault(id: string): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((f) => f.id !== id);
    return this.faults.length < before;
  }

  clearFaults(): void {
    this.faults = [];
  }

  // --- latency ------------------------------------------------------------------------------------------------
  /** Sets the latency of an action pattern, replacing an earlier setting for the same pattern. */
  setLatency(spec: LatencySpec): void {
    this.latencies = [...this.latencies.filter((l) => l.action !== spec.action), spec];
    // More specific patterns first: "AssignPrivateIpAddresses" wins over "*" whatever the order they were set in.
    this.latencies.sort((a, b) => specificity(b.action) - specificity(a.action));
  }

  listLatency(): LatencySpec[] {
    return [...this.latencies];
  }

  removeLatency(action: string): boolean {
    const before = this.latencies.length;
    this.latencies = this.latencies.filter((l) => l.action !== action);
    return this.latencies.length < before;
  }

  clearLatency(): void {
    this.latencies = [];
  }

  // --- throttling ---------------------------------------------------------------------------------------------
  /** Turns throttling on with these rates (every bucket starts full), or off with undefined. */
  setThrottle(settings: ThrottleSettings | undefined): void {
    this.throttle = settings;
    this.buckets = new Map();
  }

  throttleSettings(): ThrottleSettings | undefined {
    return this.throttle;
  }

  private take(accountId: string, action: string): boolean {
    const { rate, burst } = rateFor(this.throttle!, action);
    const key = `${accountId}\n${action}`;
    const now = this.clock();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: burst, at: now };
      this.buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * rate);
    bucket.at = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  // --- prefix capacity ----------------------------------------------------------------------------------------
  setPrefixCapacity(subnetId: string, atCapacity: boolean): void {
    if (atCapacity) this.atPrefixCapacity.add(subnetId);
    else this.atPrefixCapacity.delete(subnetId);
  }

  /** True when the subnet is switched to answer InsufficientCidrBlocks to every prefix pick. */
  isAtPrefixCapacity(subnetId: string): boolean {
    return this.atPrefixCapacity.has(subnetId);
  }

  prefixCapacitySubnets(): string[] {
    return [...this.atPrefixCapacity].sort();
  }

  // --- call log -----------------------------------------------------------------------------------------------
  /** Keeps one call; `error` is the EC2 error it was answered with, if any. */
  record(call: CallRecord, error?: Ec2Error): void {
    if (this.initial.callLogSize <= 0) return;
    this.log.push(error && this.injected.has(error) ? { ...call, injected: true } : call);
    if (this.log.length > this.initial.callLogSize) {
      this.log.shift();
      this.dropped++;
    }
  }

  /** The kept calls, oldest first, optionally only one action's or one code's (`"OK"` for successes), and only the last `limit`. */
  calls(filter: { action?: string; code?: string; limit?: number } = {}): { calls: CallRecord[]; dropped: number } {
    let calls = this.log;
    if (filter.action !== undefined)
      calls = calls.filter((c) => c.action !== undefined && actionMatches(filter.action!, c.action));
    if (filter.code !== undefined) calls = calls.filter((c) => (c.code ?? 'OK') === filter.code);
    if (filter.limit !== undefined) calls = calls.slice(-filter.limit);
    return { calls: [...calls], dropped: this.dropped };
  }

  clearCalls(): void {
    this.log = [];
    this.dropped = 0;
  }
}

const LOGGED_PARAMS = 100;
const LOGGED_VALUE_CHARS = 1024;

/**
 * The parameters of a large request as the call log keeps them: the first 100, each value cut to 1024 characters,
 * so that a full log of megabyte requests stays small. Small requests are logged as they came.
 */
export function boundParams(params: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const bounded: Record<string, unknown> = {};
  const entries = Object.entries(params);
  for (const [name, value] of entries.slice(0, LOGGED_PARAMS)) {
    let text: string;
    try {
      text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
    } catch {
      // A JSON value nested too deep to print overflows the stack: a client's fault, never a 500. It is logged
      // as a placeholder, so that reading the log cannot overflow either.
      bounded[name.slice(0, LOGGED_VALUE_CHARS)] = Array.isArray(value) ? '[…]' : '{…}';
      continue;
    }
    bounded[name.slice(0, LOGGED_VALUE_CHARS)] =
      text.length <= LOGGED_VALUE_CHARS ? value : `${text.slice(0, LOGGED_VALUE_CHARS)}… (${text.length} characters)`;
  }
  if (entries.length > LOGGED_PARAMS) bounded['…'] = `${entries.length - LOGGED_PARAMS} more parameters`;
  return bounded;
}

function view(state: FaultState): ActiveFault {
  return {
    id: state.id,
    ...state.spec,
    ...(state.remaining !== undefined ? { count: state.remaining } : {}),
    hits: state.hits
  };
}

/** An exact name before any pattern; among patterns, the one with more literal characters first. */
function specificity(pattern: string): number {
  const literal = pattern.replace(/[*?]/g, '').length;
  return literal === pattern.length ? Number.MAX_SAFE_INTEGER : literal;
}

function matchesWhen(
  when: Readonly<Record<string, string>> | undefined,
  params: Readonly<Record<string, unknown>>
): boolean {
  if (!when) return true;
  return Object.entries(when).every(([name, expected]) => {
    const value = params[name];
    return (
      (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') &&
      String(value) === expected
    );
  });
}
