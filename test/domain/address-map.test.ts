import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AddressMap } from '../../src/domain/address-map.js';
import {
  type Cidr,
  cidrLast,
  formatIpv4,
  isAligned,
  isReservedInSubnet,
  parseCidr,
  parseIpv4
} from '../../src/domain/ipv4.js';
import { seededRandom } from '../../src/domain/random.js';

function cidr(text: string): Cidr {
  const value = parseCidr(text);
  assert.notEqual(value, null, `test setup: ${text} must parse`);
  return value!;
}

function ip(text: string): number {
  const value = parseIpv4(text);
  assert.notEqual(value, null, `test setup: ${text} must parse`);
  return value!;
}

/** Picks one address at a time and occupies it, until the map is full; returns everything picked in order. */
function fill(map: AddressMap, random: ReturnType<typeof seededRandom> | null = null): number[] {
  const all: number[] = [];
  for (;;) {
    const picked = map.pick(1, random);
    if (picked === null) return all;
    assert.equal(picked.length, 1);
    map.occupy(picked[0]!);
    all.push(picked[0]!);
  }
}

describe('AddressMap.freeCount', () => {
  it('is 2^(32-p) - 5 for a fresh subnet: /16 65531, /24 251, /28 11', () => {
    assert.equal(new AddressMap(cidr('10.0.0.0/16')).freeCount, 65531);
    assert.equal(new AddressMap(cidr('10.0.1.0/24')).freeCount, 251);
    assert.equal(new AddressMap(cidr('10.0.2.16/28')).freeCount, 11);
  });

  it('goes down on occupy and back up on release', () => {
    const map = new AddressMap(cidr('10.0.1.0/24'));
    map.occupy(ip('10.0.1.10'));
    map.occupy(ip('10.0.1.11'));
    assert.equal(map.freeCount, 249);
    map.release(ip('10.0.1.10'));
    assert.equal(map.freeCount, 250);
  });
});

describe('AddressMap reserved addresses', () => {
  it('reports the five reserved addresses of a /24 as not free from the start', () => {
    const subnet = cidr('10.0.1.0/24');
    const map = new AddressMap(subnet);
    for (const text of ['10.0.1.0', '10.0.1.1', '10.0.1.2', '10.0.1.3', '10.0.1.255']) {
      assert.equal(map.isFree(ip(text)), false, text);
    }
    assert.equal(map.isFree(ip('10.0.1.4')), true);
    assert.equal(map.isFree(ip('10.0.1.254')), true);
  });

  it('never picks a reserved address, lowest first, over a whole /28', () => {
    const subnet = cidr('10.0.2.16/28');
    const picked = fill(new AddressMap(subnet));
    assert.equal(picked.length, 11);
    assert.ok(picked.every((a) => !isReservedInSubnet(subnet, a)));
  });

  it('never picks a reserved address at random, over a whole /24', () => {
    const subnet = cidr('10.0.1.0/24');
    const picked = fill(new AddressMap(subnet), seededRandom(7));
    assert.equal(picked.length, 251);
    assert.ok(picked.every((a) => !isReservedInSubnet(subnet, a) && a >= subnet.base && a <= cidrLast(subnet)));
    assert.equal(new Set(picked).size, 251);
  });
});

describe('AddressMap.pick, lowest first', () => {
  it('returns the lowest free addresses in ascending order, starting after the reserved four', () => {
    const map = new AddressMap(cidr('10.0.1.0/24'));
    assert.deepEqual(map.pick(3, null)?.map(formatIpv4), ['10.0.1.4', '10.0.1.5', '10.0.1.6']);
  });

  it('skips occupied addresses and fills holes first', () => {
    const map = new AddressMap(cidr('10.0.1.0/24'));
    for (let a = ip('10.0.1.4'); a <= ip('10.0.1.40'); a++) map.occupy(a);
    map.release(ip('10.0.1.9'));
    map.release(ip('10.0.1.33'));
    assert.deepEqual(map.pick(3, null)?.map(formatIpv4), ['10.0.1.9', '10.0.1.33', '10.0.1.41']);
  });

  it('does not occupy what it returns: the same call twice gives the same answer', () => {
    const map = new AddressMap(cidr('10.0.1.0/24'));
    const first = map.pick(5, null);
    assert.deepEqual(map.pick(5, null), first);
    assert.equal(map.freeCount, 251);
    assert.ok(first!.every((a) => map.isFree(a)));
  });

  it('finds a free address across 32-bit word boundaries of a /16', () => {
    const map = new AddressMap(cidr('10.0.0.0/16'));
    // Occupy every usable address of the first three words (offsets 4..95).
    for (let offset = 4; offset < 96; offset++) map.occupy(ip('10.0.0.0') + offset);
    assert.deepEqual(map.pick(2, null)?.map(formatIpv4), ['10.0.0.96', '10.0.0.97']);
  });

  it('still finds a free address in a word that a multi-address pick passed through', () => {
    const map = new AddressMap(cidr('10.0.1.0/24'));
    // Word 0 (offsets 0..31) keeps one free address, 10.0.1.31.
    for (let a = ip('10.0.1.4'); a <= ip('10.0.1.30'); a++) map.occupy(a);
    assert.deepEqual(map.pick(2, null)?.map(formatIpv4), ['10.0.1.31', '10.0.1.32']);
    assert.deepEqual(map.pick(1, null)?.map(formatIpv4), ['10.0.1.31']);
  });

  it('finds the last free address after a multi-address pick, instead of failing although freeCount says one is free', () => {
    const map = new AddressMap(cidr('10.0.1.0/24'));
    for (let a = ip('10.0.1.4'); a <= ip('10.0.1.254'); a++)
      if (a !== ip('10.0.1.31') && a !== ip('10.0.1.40')) map.occupy(a);
    assert.deepEqual(map.pick(2, null)?.map(formatIpv4), ['10.0.1.31', '10.0.1.40']);
    map.occupy(ip('10.0.1.40'));
    assert.equal(map.freeCount, 1);
    assert.deepEqual(map.pick(1, null)?.map(formatIpv4), ['10.0.1.31']);
  });

  it('returns an empty list for a count of 0', () => {
    assert.deepEqual(new AddressMap(cidr('10.0.1.0/24')).pick(0, null), []);
  });
});

describe('AddressMap.pick, at random', () => {
  it('is reproducible for the same seed', () => {
    const subnet = cidr('10.0.0.0/16');
    const a = new AddressMap(subnet).pick(20, seededRandom(42));
    const b = new AddressMap(subnet).pick(20, seededRandom(42));
    assert.deepEqual(a, b);
  });

  it('differs for different seeds', () => {
    const subnet = cidr('10.0.0.0/16');
    assert.notDeepEqual(
      new AddressMap(subnet).pick(20, seededRandom(1)),
      new AddressMap(subnet).pick(20, seededRandom(2))
    );
  });

  it('does not simply hand out the lowest free addresses', () => {
    const map = new AddressMap(cidr('10.0.0.0/16'));
    assert.notDeepEqual(map.pick(5, seededRandom(3)), map.pick(5, null));
  });

  it('returns distinct free addresses within one call, even asking for every free address', () => {
    const subnet = cidr('10.0.1.0/24');
    const map = new AddressMap(subnet);
    for (let a = ip('10.0.1.100'); a < ip('10.0.1.200'); a++) map.occupy(a);
    const picked = map.pick(map.freeCount, seededRandom(99));
    assert.ok(picked);
    assert.equal(picked.length, 151);
    assert.equal(new Set(picked).size, 151);
    assert.ok(picked.every((a) => map.isFree(a) && !isReservedInSubnet(subnet, a)));
  });

  it('returns distinct free addresses for many seeds in a crowded /28', () => {
    const subnet = cidr('10.0.2.16/28');
    for (let seed = 0; seed < 200; seed++) {
      const map = new AddressMap(subnet);
      map.occupy(ip('10.0.2.25'));
      map.occupy(ip('10.0.2.26'));
      const picked = map.pick(9, seededRandom(seed));
      assert.ok(picked, `seed ${seed}`);
      assert.equal(new Set(picked).size, 9, `seed ${seed}`);
      assert.ok(
        picked.every((a) => map.isFree(a)),
        `seed ${seed}`
      );
    }
  });
});

describe('AddressMap.pick when there is not enough room', () => {
  it('returns null when more are asked than are free, and changes nothing', () => {
    const map = new AddressMap(cidr('10.0.2.16/28'));
    map.occupy(ip('10.0.2.20'));
    const before = map.snapshot();
    assert.equal(map.pick(11, null), null);
    assert.equal(map.pick(11, seededRandom(1)), null);
    assert.deepEqual(map.snapshot(), before);
    assert.equal(map.freeCount, 10);
    assert.equal(map.pick(10, null)?.length, 10);
  });

  it('answers null at once after a /16 is filled completely, one address at a time', () => {
    const subnet = cidr('10.0.0.0/16');
    const map = new AddressMap(subnet);
    const picked = fill(map);
    assert.equal(picked.length, 65531);
    assert.equal(map.freeCount, 0);
    // Lowest-first filling is strictly ascending, so it handed out each address once.
    assert.ok(picked.every((a, i) => i === 0 || a > picked[i - 1]!));
    assert.equal(formatIpv4(picked[0]!), '10.0.0.4');
    assert.equal(formatIpv4(picked.at(-1)!), '10.0.255.254');
    const started = performance.now();
    for (let i = 0; i < 1000; i++) {
      assert.equal(map.pick(1, null), null);
      assert.equal(map.pick(1, seededRandom(i)), null);
    }
    assert.ok(performance.now() - started < 1000, 'a full subnet answers without searching');
  });

  it('finds an address again after it is released in a full subnet, lowest and random', () => {
    const map = new AddressMap(cidr('10.0.0.0/16'));
    fill(map);
    map.release(ip('10.0.200.17'));
    assert.deepEqual(map.pick(1, null)?.map(formatIpv4), ['10.0.200.17']);
    assert.deepEqual(map.pick(1, seededRandom(5))?.map(formatIpv4), ['10.0.200.17']);
    map.release(ip('10.0.0.9'));
    // The lowest-free hint moves back when an earlier address is released.
    assert.deepEqual(map.pick(2, null)?.map(formatIpv4), ['10.0.0.9', '10.0.200.17']);
  });
});

describe('AddressMap.occupy and release', () => {
  it('throws when an address is occupied twice', () => {
    const map = new AddressMap(cidr('10.0.1.0/24'));
    map.occupy(ip('10.0.1.50'));
    assert.throws(() => map.occupy(ip('10.0.1.50')), /already occupied/);
    assert.equal(map.freeCount, 250);
  });

  it('throws when a reserved address is occupied', () => {
    const map = new AddressMap(cidr('10.0.1.0/24'));
    assert.throws(() => map.occupy(ip('10.0.1.1')), /already occupied/);
    assert.throws(() => map.occupy(ip('10.0.1.255')), /already occupied/);
  });

  it('throws when an address that is not occupied is released', () => {
    const map = new AddressMap(cidr('10.0.1.0/24'));
    assert.throws(() => map.release(ip('10.0.1.50')), /not occupied/);
    assert.equal(map.freeCount, 251);
  });

  it('makes a released address free again', () => {
    const map = new AddressMap(cidr('10.0.1.0/24'));
    map.occupy(ip('10.0.1.50'));
    assert.equal(map.isFree(ip('10.0.1.50')), false);
    map.release(ip('10.0.1.50'));
    assert.equal(map.isFree(ip('10.0.1.50')), true);
  });
});

describe('AddressMap.pickBlocks16', () => {
  it('in a /24 offers the 14 inner /28 blocks, never the first or last (they hold reserved addresses)', () => {
    const subnet = cidr('10.0.1.0/24');
    const map = new AddressMap(subnet);
    const blocks = map.pickBlocks16(14, null);
    assert.ok(blocks);
    assert.deepEqual(
      blocks.map(formatIpv4),
      Array.from({ length: 14 }, (_, i) => `10.0.1.${(i + 1) * 16}`)
    );
    assert.equal(map.pickBlocks16(15, null), null);
  });

  it('returns only aligned blocks that are wholly free and clear of reserved addresses, at random too', () => {
    const subnet = cidr('10.0.0.0/20');
    const map = new AddressMap(subnet);
    for (const text of ['10.0.0.40', '10.0.3.3', '10.0.8.255']) map.occupy(ip(text));
    for (let seed = 0; seed < 20; seed++) {
      const blocks = map.pickBlocks16(30, seededRandom(seed));
      assert.ok(blocks);
      assert.equal(new Set(blocks).size, 30);
      for (const base of blocks) {
        assert.ok(isAligned(base, 28), formatIpv4(base));
        for (let i = 0; i < 16; i++) {
          assert.ok(map.isFree(base + i), `${formatIpv4(base + i)} in ${formatIpv4(base)}/28`);
          assert.ok(!isReservedInSubnet(subnet, base + i));
        }
      }
      assert.ok(!blocks.includes(ip('10.0.0.32')));
      assert.ok(!blocks.includes(ip('10.0.3.0')));
      assert.ok(!blocks.includes(ip('10.0.8.240')));
    }
  });

  it('is reproducible for the same seed', () => {
    const map = new AddressMap(cidr('10.0.0.0/16'));
    assert.deepEqual(map.pickBlocks16(8, seededRandom(11)), map.pickBlocks16(8, seededRandom(11)));
  });

  it('returns null under fragmentation (one address taken in every block) while many addresses are free', () => {
    const subnet = cidr('10.0.1.0/24');
    const map = new AddressMap(subnet);
    for (let base = subnet.base + 16; base < subnet.base + 240; base += 16) map.occupy(base + 7);
    assert.equal(map.freeCount, 251 - 14);
    assert.equal(map.pickBlocks16(1, null), null);
    assert.equal(map.pickBlocks16(1, seededRandom(1)), null);
    assert.equal(map.pick(200, null)?.length, 200);
  });

  it('offers nothing in a /28 subnet (its only block holds the reserved addresses)', () => {
    assert.equal(new AddressMap(cidr('10.0.2.16/28')).pickBlocks16(1, null), null);
  });

  it('honours the allowed predicate', () => {
    const map = new AddressMap(cidr('10.0.1.0/24'));
    const allowed = (base: number): boolean => base >= ip('10.0.1.128');
    assert.deepEqual(map.pickBlocks16(2, null, allowed)?.map(formatIpv4), ['10.0.1.128', '10.0.1.144']);
    assert.equal(map.pickBlocks16(8, null, allowed), null);
    assert.equal(map.pickBlocks16(7, null, allowed)?.length, 7);
  });

  it('does not occupy what it returns', () => {
    const map = new AddressMap(cidr('10.0.1.0/24'));
    map.pickBlocks16(3, null);
    assert.equal(map.freeCount, 251);
  });
});

describe('AddressMap against a simple model', () => {
  it('agrees with a set of occupied addresses over thousands of random operations', () => {
    const subnet = cidr('10.0.4.0/22');
    const map = new AddressMap(subnet);
    const usable: number[] = [];
    for (let a = subnet.base; a <= cidrLast(subnet); a++) if (!isReservedInSubnet(subnet, a)) usable.push(a);
    const occupied = new Set<number>();
    const ops = seededRandom(12345);
    const freeList = (): number[] => usable.filter((a) => !occupied.has(a));

    for (let step = 0; step < 3000; step++) {
      const op = ops.below(10);
      if (op < 5) {
        // Occupy a run of addresses starting at a random free one, as a burst of assignments would.
        const free = freeList();
        if (free.length === 0) continue;
        const start = ops.below(free.length);
        for (const a of free.slice(start, start + 1 + ops.below(40))) {
          map.occupy(a);
          occupied.add(a);
        }
      } else if (op < 8) {
        const held = [...occupied];
        if (held.length === 0) continue;
        const a = held[ops.below(held.length)]!;
        map.release(a);
        occupied.delete(a);
      } else if (op === 8) {
        const count = 1 + ops.below(5);
        const free = freeList();
        assert.deepEqual(map.pick(count, null), free.length < count ? null : free.slice(0, count), `step ${step}`);
      } else {
        const count = 1 + ops.below(5);
        const picked = map.pick(count, seededRandom(step));
        if (freeList().length < count) assert.equal(picked, null, `step ${step}`);
        else {
          assert.ok(picked, `step ${step}`);
          assert.equal(new Set(picked).size, count, `step ${step}`);
          assert.ok(
            picked.every((a) => usable.includes(a) && !occupied.has(a)),
            `step ${step}`
          );
        }
      }
      assert.equal(map.freeCount, usable.length - occupied.size, `step ${step}`);
      if (step % 100 === 0) {
        const blocks = [];
        for (let base = subnet.base; base <= cidrLast(subnet); base += 16) {
          let whole = true;
          for (let i = 0; i < 16; i++)
            if (occupied.has(base + i) || isReservedInSubnet(subnet, base + i)) whole = false;
          if (whole) blocks.push(base);
        }
        assert.deepEqual(map.pickBlocks16(blocks.length, null), blocks, `step ${step}`);
        assert.equal(map.pickBlocks16(blocks.length + 1, null), null, `step ${step}`);
      }
    }
  });
});
