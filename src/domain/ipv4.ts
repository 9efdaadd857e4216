/** IPv4 addresses and CIDR blocks as unsigned 32-bit integers. */

/** Parses a strict dotted quad ("10.0.0.1"); returns null for anything else (leading zeros, hex, short forms). */
export function parseIpv4(text: string): number | null {
  const length = text.length;
  if (length < 7 || length > 15) return null;
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 /* . */) {
      if (digits === 0 || dots === 3) return null;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      // "010" is rejected: EC2 does not read octal or zero-padded octets.
      if (digits > 0 && octet === 0) return null;
      octet = octet * 10 + (c - 48);
      if (octet > 255) return null;
      digits++;
    } else {
      return null;
    }
  }
  if (dots !== 3 || digits === 0) return null;
  return value * 256 + octet;
}

export function formatIpv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

/** A CIDR block: `base` is the network address, `prefixLength` 0..32. */
export interface Cidr {
  readonly base: number;
  readonly prefixLength: number;
}

export function cidrSize(cidr: Cidr): number {
  return 2 ** (32 - cidr.prefixLength);
}

export function cidrLast(cidr: Cidr): number {
  return cidr.base + cidrSize(cidr) - 1;
}

/**
 * Parses "a.b.c.d/n". Host bits are cleared, as EC2 canonicalises CIDRs ("100.68.0.18/18" → "100.68.0.0/18").
 * Returns null when the text is not a CIDR at all.
 */
export function parseCidr(text: string): Cidr | null {
  const slash = text.indexOf('/');
  if (slash < 0) return null;
  const address = parseIpv4(text.slice(0, slash));
  const lengthText = text.slice(slash + 1);
  if (address === null || !/^(?:[0-9]|[12][0-9]|3[0-2])$/.test(lengthText)) return null;
  const prefixLength = Number(lengthText);
  const size = 2 ** (32 - prefixLength);
  return { base: address - (address % size), prefixLength };
}

/** True when `address` has no host bits set for `prefixLength` (an exact block start). */
export function isAligned(address: number, prefixLength: number): boolean {
  return address % 2 ** (32 - prefixLength) === 0;
}

export function formatCidr(cidr: Cidr): string {
  return `${formatIpv4(cidr.base)}/${cidr.prefixLength}`;
}

export function cidrContains(outer: Cidr, address: number): boolean {
  return address >= outer.base && address <= cidrLast(outer);
}

export function cidrContainsCidr(outer: Cidr, inner: Cidr): boolean {
  return inner.prefixLength >= outer.prefixLength && cidrContains(outer, inner.base);
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.base <= cidrLast(b) && b.base <= cidrLast(a);
}

/**
 * The five addresses EC2 reserves in every subnet: the first four (network, VPC router, DNS, future use)
 * and the last (broadcast). VPC User Guide, "Subnet CIDR blocks".
 */
export function isReservedInSubnet(subnet: Cidr, address: number): boolean {
  const offset = address - subnet.base;
  return offset < 4 || address === cidrLast(subnet);
}

export const RESERVED_ADDRESSES_PER_SUBNET = 5;
