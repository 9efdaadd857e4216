import { createHash, randomBytes, randomUUID } from 'node:crypto';

/** Resource ids as EC2 issues them today: prefix, dash, 17 lowercase hex digits ("eni-0a1b2c3d4e5f67890"). */
export function newId(prefix: string): string {
  return `${prefix}-${randomBytes(9).toString('hex').slice(0, 17)}`;
}

/**
 * An id of newId's form derived from a seed rather than drawn at random, for resources ec2lite never stores but
 * derives each time (a VPC's main route table, its default network ACL): the same seed gives the same id across
 * restarts and on every node sharing a store, and distinct seeds distinct ids.
 */
export function derivedId(prefix: string, seed: string): string {
  return `${prefix}-${createHash('sha256').update(seed).digest('hex').slice(0, 17)}`;
}

export function newRequestId(): string {
  return randomUUID();
}

/** A locally administered unicast MAC, as EC2 gives interfaces ("02:1a:80:41:52:9c"). */
export function newMacAddress(): string {
  const bytes = randomBytes(5);
  return ['02', ...[...bytes].map((b) => b.toString(16).padStart(2, '0'))].join(':');
}

/** True for `prefix-` followed by lowercase hex digits: the form EC2 checks before it looks an id up (spec §1.3 rule 3). */
export function isWellFormedId(value: string, prefix: string): boolean {
  return (
    value.length > prefix.length + 1 &&
    value.startsWith(`${prefix}-`) &&
    /^[0-9a-f]+$/.test(value.slice(prefix.length + 1))
  );
}

/** An AWS account id: twelve digits. */
export function isAccountId(value: string): boolean {
  return /^[0-9]{12}$/.test(value);
}
