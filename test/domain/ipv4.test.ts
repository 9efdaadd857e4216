import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type Cidr,
  cidrContains,
  cidrContainsCidr,
  cidrLast,
  cidrSize,
  cidrsOverlap,
  formatCidr,
  formatIpv4,
  isAligned,
  isReservedInSubnet,
  parseCidr,
  parseIpv4
} from '../../src/domain/ipv4.js';

function ip(text: string): number {
  const value = parseIpv4(text);
  assert.notEqual(value, null, `test setup: ${text} must parse`);
  return value!;
}

function cidr(text: string): Cidr {
  const value = parseCidr(text);
  assert.notEqual(value, null, `test setup: ${text} must parse`);
  return value!;
}

describe('parseIpv4', () => {
  it('reads a dotted quad as an unsigned 32-bit integer', () => {
    assert.equal(parseIpv4('10.0.0.1'), 0x0a000001);
    assert.equal(parseIpv4('192.168.1.254'), 0xc0a801fe);
    assert.equal(parseIpv4('172.31.255.0'), 0xac1fff00);
  });

  it('accepts the extremes 0.0.0.0 and 255.255.255.255 without going negative', () => {
    assert.equal(parseIpv4('0.0.0.0'), 0);
    assert.equal(parseIpv4('255.255.255.255'), 4294967295);
  });

  it('accepts a single zero octet but not a zero-padded one', () => {
    assert.equal(parseIpv4('10.0.0.0'), 0x0a000000);
    assert.equal(parseIpv4('010.0.0.1'), null);
    assert.equal(parseIpv4('10.00.0.1'), null);
    assert.equal(parseIpv4('10.0.0.01'), null);
  });

  const rejected: [string, string][] = [
    ['an octet above 255', '10.0.0.256'],
    ['an octet far above 255', '10.0.0.1000'],
    ['three octets', '10.0.0'],
    ['five octets', '10.0.0.1.2'],
    ['a trailing space', '1.2.3.4 '],
    ['a leading space', ' 1.2.3.4'],
    ['hex', '0x0a.0.0.1'],
    ['an empty octet', '10..0.1'],
    ['a leading dot', '.10.0.0.1'],
    ['a trailing dot', '10.0.0.1.'],
    ['the empty string', ''],
    ['a negative octet', '10.0.-1.1'],
    ['a plus sign', '10.0.+1.1'],
    ['a CIDR', '10.0.0.0/24'],
    ['a single integer', '167772161'],
    ['letters', 'a.b.c.d'],
    ['full-width digits', '１0.0.0.1']
  ];
  for (const [what, text] of rejected) {
    it(`rejects ${what} (${JSON.stringify(text)})`, () => {
      assert.equal(parseIpv4(text), null);
    });
  }
});

describe('formatIpv4', () => {
  it('writes the dotted quad of an unsigned 32-bit integer', () => {
    assert.equal(formatIpv4(0x0a000001), '10.0.0.1');
    assert.equal(formatIpv4(0), '0.0.0.0');
    assert.equal(formatIpv4(4294967295), '255.255.255.255');
  });

  it('round-trips with parseIpv4 across the address space', () => {
    for (const text of [
      '0.0.0.0',
      '1.2.3.4',
      '10.0.0.1',
      '100.64.12.7',
      '128.0.0.0',
      '172.31.255.255',
      '255.255.255.255'
    ]) {
      assert.equal(formatIpv4(ip(text)), text);
    }
    for (const value of [0, 1, 255, 256, 65535, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff]) {
      assert.equal(parseIpv4(formatIpv4(value)), value);
    }
  });
});

describe('parseCidr', () => {
  it('reads a CIDR block whose address is already the network address', () => {
    assert.deepEqual(parseCidr('10.0.0.0/16'), { base: 0x0a000000, prefixLength: 16 });
  });

  it('clears host bits as EC2 canonicalises CIDRs (100.68.0.18/18 -> 100.68.0.0/18)', () => {
    const block = cidr('100.68.0.18/18');
    assert.equal(formatCidr(block), '100.68.0.0/18');
    assert.equal(formatCidr(cidr('10.0.1.77/24')), '10.0.1.0/24');
    assert.equal(formatCidr(cidr('10.0.0.31/28')), '10.0.0.16/28');
    assert.equal(formatCidr(cidr('255.255.255.255/1')), '128.0.0.0/1');
  });

  it('accepts /0 as the whole address space', () => {
    const all = cidr('10.1.2.3/0');
    assert.deepEqual(all, { base: 0, prefixLength: 0 });
    assert.equal(cidrSize(all), 2 ** 32);
    assert.equal(cidrLast(all), 0xffffffff);
  });

  it('accepts /32 as a single address and keeps it', () => {
    const one = cidr('10.1.2.3/32');
    assert.deepEqual(one, { base: ip('10.1.2.3'), prefixLength: 32 });
    assert.equal(cidrSize(one), 1);
    assert.equal(cidrLast(one), one.base);
  });

  it('clears exactly the host bits for every prefix length 0..32', () => {
    for (let length = 0; length <= 32; length++) {
      const mask = length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
      assert.deepEqual(parseCidr(`255.255.255.255/${length}`), { base: mask, prefixLength: length }, `/${length}`);
      assert.equal(cidrSize(cidr(`10.0.0.0/${length}`)), 2 ** (32 - length));
    }
  });

  const rejected: [string, string][] = [
    ['a prefix length of 33', '10.0.0.0/33'],
    ['a negative prefix length', '10.0.0.0/-1'],
    ['a zero-padded prefix length', '10.0.0.0/08'],
    ['a plus sign in the prefix length', '10.0.0.0/+8'],
    ['an empty prefix length', '10.0.0.0/'],
    ['no prefix length', '10.0.0.0'],
    ['two slashes', '10.0.0.0/8/8'],
    ['a space before the slash', '10.0.0.0 /8'],
    ['a bad address', '10.0.0.256/24'],
    ['a short address', '10.0.0/24'],
    ['a hex prefix length', '10.0.0.0/0x10'],
    ['a fractional prefix length', '10.0.0.0/24.0']
  ];
  for (const [what, text] of rejected) {
    it(`rejects ${what} (${JSON.stringify(text)})`, () => {
      assert.equal(parseCidr(text), null);
    });
  }
});

describe('cidrContains', () => {
  const block = cidr('10.0.1.0/24');

  it('includes the first and last address of the block', () => {
    assert.equal(cidrContains(block, ip('10.0.1.0')), true);
    assert.equal(cidrContains(block, ip('10.0.1.255')), true);
  });

  it('excludes the addresses just outside either end', () => {
    assert.equal(cidrContains(block, ip('10.0.0.255')), false);
    assert.equal(cidrContains(block, ip('10.0.2.0')), false);
  });

  it('works at the top of the address space without overflowing', () => {
    const top = cidr('255.255.255.0/24');
    assert.equal(cidrContains(top, 0xffffffff), true);
    assert.equal(cidrContains(cidr('0.0.0.0/0'), 0xffffffff), true);
    assert.equal(cidrContains(cidr('0.0.0.0/0'), 0), true);
  });
});

describe('cidrContainsCidr', () => {
  const vpc = cidr('10.0.0.0/16');

  it('holds for a smaller block inside, including one that ends at the last address', () => {
    assert.equal(cidrContainsCidr(vpc, cidr('10.0.0.0/24')), true);
    assert.equal(cidrContainsCidr(vpc, cidr('10.0.255.240/28')), true);
  });

  it('holds for the block itself', () => {
    assert.equal(cidrContainsCidr(vpc, cidr('10.0.0.0/16')), true);
  });

  it('fails for a larger block that starts at the same address', () => {
    assert.equal(cidrContainsCidr(vpc, cidr('10.0.0.0/15')), false);
  });

  it('fails for a block just outside', () => {
    assert.equal(cidrContainsCidr(vpc, cidr('10.1.0.0/24')), false);
    assert.equal(cidrContainsCidr(vpc, cidr('9.255.255.0/24')), false);
  });
});

describe('cidrsOverlap', () => {
  it('is true for nested blocks, in both argument orders', () => {
    assert.equal(cidrsOverlap(cidr('10.0.0.0/16'), cidr('10.0.5.0/24')), true);
    assert.equal(cidrsOverlap(cidr('10.0.5.0/24'), cidr('10.0.0.0/16')), true);
  });

  it('is true for identical blocks', () => {
    assert.equal(cidrsOverlap(cidr('10.0.1.0/24'), cidr('10.0.1.0/24')), true);
  });

  it('is false for adjacent blocks that share no address', () => {
    assert.equal(cidrsOverlap(cidr('10.0.0.0/24'), cidr('10.0.1.0/24')), false);
    assert.equal(cidrsOverlap(cidr('10.0.1.0/24'), cidr('10.0.0.0/24')), false);
    assert.equal(cidrsOverlap(cidr('10.0.0.0/28'), cidr('10.0.0.16/28')), false);
  });

  it('is true when two /32 blocks name the same address and false otherwise', () => {
    assert.equal(cidrsOverlap(cidr('10.0.0.7/32'), cidr('10.0.0.7/32')), true);
    assert.equal(cidrsOverlap(cidr('10.0.0.7/32'), cidr('10.0.0.8/32')), false);
  });

  it('is true for anything against /0', () => {
    assert.equal(cidrsOverlap(cidr('0.0.0.0/0'), cidr('255.255.255.255/32')), true);
  });
});

describe('isReservedInSubnet', () => {
  it('reserves the first four and the last address of a /24 (VPC User Guide, "Subnet CIDR blocks")', () => {
    const subnet = cidr('10.0.0.0/24');
    const reserved = [];
    for (let a = subnet.base; a <= cidrLast(subnet); a++)
      if (isReservedInSubnet(subnet, a)) reserved.push(formatIpv4(a));
    assert.deepEqual(reserved, ['10.0.0.0', '10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.255']);
  });

  it('reserves the first four and the last address of a /28, leaving 11 usable', () => {
    const subnet = cidr('10.0.7.32/28');
    const reserved = [];
    for (let a = subnet.base; a <= cidrLast(subnet); a++)
      if (isReservedInSubnet(subnet, a)) reserved.push(formatIpv4(a));
    assert.deepEqual(reserved, ['10.0.7.32', '10.0.7.33', '10.0.7.34', '10.0.7.35', '10.0.7.47']);
  });

  it('leaves base+4 and last-1 usable', () => {
    const subnet = cidr('10.0.0.0/24');
    assert.equal(isReservedInSubnet(subnet, ip('10.0.0.4')), false);
    assert.equal(isReservedInSubnet(subnet, ip('10.0.0.254')), false);
  });

  it('counts from the subnet, not the VPC: 10.0.1.1 is reserved in 10.0.1.0/24', () => {
    assert.equal(isReservedInSubnet(cidr('10.0.1.0/24'), ip('10.0.1.1')), true);
    assert.equal(isReservedInSubnet(cidr('10.0.0.0/16'), ip('10.0.1.1')), false);
  });
});

describe('isAligned', () => {
  it('is true for addresses that start a block of the given length', () => {
    assert.equal(isAligned(ip('10.0.0.16'), 28), true);
    assert.equal(isAligned(ip('10.0.1.0'), 24), true);
    assert.equal(isAligned(ip('10.0.0.0'), 8), true);
  });

  it('is false when host bits are set', () => {
    assert.equal(isAligned(ip('10.0.0.8'), 28), false);
    assert.equal(isAligned(ip('10.0.0.17'), 28), false);
    assert.equal(isAligned(ip('10.0.1.0'), 16), false);
  });

  it('treats every address as aligned at /32 and only 0.0.0.0 at /0', () => {
    assert.equal(isAligned(ip('10.0.0.7'), 32), true);
    assert.equal(isAligned(0, 0), true);
    assert.equal(isAligned(ip('128.0.0.0'), 0), false);
  });

  it('handles addresses above 2^31 (no signed-shift surprises)', () => {
    assert.equal(isAligned(ip('192.168.0.16'), 28), true);
    assert.equal(isAligned(ip('255.255.255.240'), 28), true);
    assert.equal(isAligned(ip('255.255.255.241'), 28), false);
  });
});
