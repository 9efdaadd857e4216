import { type Cidr, cidrLast } from './ipv4.js';
import type { InstanceStateName } from './model.js';
import type { Random } from './random.js';

/**
 * The addresses of the public pool an Elastic IP may take: the whole block, less its network and broadcast
 * addresses when it has them (a /30 or larger), so that no Elastic IP looks like either.
 */
export function publicPoolRange(pool: Cidr): { readonly first: number; readonly last: number } {
  const trim = pool.prefixLength <= 30 ? 1 : 0;
  return { first: pool.base + trim, last: cidrLast(pool) - trim };
}

export function inPublicPool(pool: Cidr, address: number): boolean {
  const { first, last } = publicPoolRange(pool);
  return address >= first && address <= last;
}

/**
 * A free address of the pool: at random (seeded) or the lowest, as `--placement` says. `taken` holds the public
 * addresses already allocated. One pass over the taken addresses whatever the pool's size; undefined when full.
 */
export function pickPublicAddress(pool: Cidr, taken: readonly number[], random: Random | null): number | undefined {
  const { first, last } = publicPoolRange(pool);
  const used = [...new Set(taken.filter((a) => a >= first && a <= last))].sort((a, b) => a - b);
  const free = last - first + 1 - used.length;
  if (free <= 0) return undefined;
  // The k-th free address: start at first + k and step over every taken address at or below the candidate.
  let candidate = first + (random ? random.below(free) : 0);
  for (const address of used) {
    if (address <= candidate) candidate++;
    else break;
  }
  return candidate;
}

/** Instance states an Elastic IP may be associated in: EC2 refuses pending, stopping and the rest. */
export function acceptsAssociation(state: InstanceStateName): boolean {
  return state === 'running' || state === 'stopped';
}
