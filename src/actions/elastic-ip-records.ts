import { parseIpv4 } from '../domain/ipv4.js';
import type { ElasticIp } from '../domain/model.js';
import { errors } from '../protocol/error-codes.js';
import type { StoreTx } from '../store/store.js';

/** Loads an Elastic IP by allocation id; a malformed id is simply one that does not exist (no Malformed code). */
export async function requireElasticIp(tx: StoreTx, allocationId: string): Promise<ElasticIp> {
  const eip = await tx.getElasticIp(allocationId);
  if (!eip) throw errors.allocationNotFound(allocationId);
  return eip;
}

/** A public address parameter (PublicIp, Address) as an integer, or EC2's "Not a valid IPv4 address". */
export function parsePublicIp(value: string, parameter: string): number {
  const address = parseIpv4(value);
  if (address === null) throw errors.notAnIpv4Address(value, parameter);
  return address;
}
