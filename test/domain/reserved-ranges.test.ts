import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AddressMap } from '../../src/domain/address-map.js';
import { type ReservedRanges, pickAddresses, pickPrefixes, reservedRanges } from '../../src/domain/assignment.js';
import { type Cidr, cidrContains, formatCidr, parseCidr, parseIpv4 } from '../../src/domain/ipv4.js';
import { seededRandom } from '../../src/domain/random.js';

/** The domain side of subnet CIDR reservations: AddressMap.withHeld and the picks that step around reserved ranges. */

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

function ranges(explicit: string[], prefix: string[] = []): ReservedRanges {
  return { explicit: explicit.map(cidr), prefix: prefix.map(cidr) };
}

describe('AddressMap.withHeld', () => {
  it('makes the ranges look occupied inside, and leaves the map exactly as it was', () => {
    const map = new AddressMap(cidr('10.0.1.0/24'));
    map.occupy(ip('10.0.1.40'));
    const before = map.snapshot();
    const inside = map.withHeld([cidr('10.0.1.32/27'), cidr('10.0.1.200/30')], () => {
      // 32 addresses less one already occupied, and 4 more.
      assert.equal(map.freeCount, 250 - 31 - 4);
      assert.equal(map.isFree(ip('10.0.1.33')), false);
      assert.equal(map.isFree(ip('10.0.1.203')), false);
      assert.equal(map.isFree(ip('10.0.1.204')), true);
      return map.pick(250 - 35, null);
    });
    assert.ok(inside);
    for (const address of inside) {
      assert.ok(!cidrContains(cidr('10.0.1.32/27'), address) && !cidrContains(cidr('10.0.1.200/30'), address));
    }
    assert.deepEqual(map.snapshot(), before);
    assert.equal(map.freeCount, 250);
    assert.deepEqual(map.pick(1, null), [ip('10.0.1.4')]);
  });

  it('counts the subnet reserved addresses once and clips ranges to the subnet', () => {
    const map = new AddressMap(cidr('10.0.1.0/24'));
    map.withHeld([cidr('10.0.0.0/16')], () => assert.equal(map.freeCount, 0));
    map.withHeld([cidr('10.0.1.0/28')], () => assert.equal(map.freeCount, 251 - 12));
    map.withHeld([cidr('10.0.2.0/24')], () => assert.equal(map.freeCount, 251));
    assert.equal(map.freeCount, 251);
  });

  it('nests, and restores after the function throws', () => {
    const map = new AddressMap(cidr('10.0.1.0/24'));
    const before = map.snapshot();
    assert.throws(() =>
      map.withHeld([cidr('10.0.1.0/25')], () =>
        map.withHeld([cidr('10.0.1.128/26')], () => {
          assert.deepEqual(map.pick(1, null), [ip('10.0.1.192')]);
          throw new Error('boom');
        })
      )
    );
    assert.deepEqual(map.snapshot(), before);
    assert.deepEqual(map.pick(1, null), [ip('10.0.1.4')]);
  });

  it('keeps random picks out of held ranges over many seeds, and answers null at once when only held space is free', () => {
    const map = new AddressMap(cidr('10.0.0.0/16'));
    const held = [cidr('10.0.0.0/17'), cidr('10.0.200.0/21')];
    for (let seed = 0; seed < 50; seed++) {
      const picked = map.withHeld(held, () => map.pick(20, seededRandom(seed)))!;
      for (const address of picked)
        assert.ok(!held.some((r) => cidrContains(r, address)), formatCidr({ base: address, prefixLength: 32 }));
    }
    const everything = [cidr('10.0.0.0/17'), cidr('10.0.128.0/17')];
    const started = performance.now();
    assert.equal(
      map.withHeld(everything, () => map.pick(1, seededRandom(1))),
      null
    );
    assert.ok(performance.now() - started < 50);
  });
});

describe('pickAddresses and pickPrefixes around reservations', () => {
  it('never picks single addresses from explicit or prefix reservations', () => {
    const map = new AddressMap(cidr('10.0.1.0/26'));
    const reserved = ranges(['10.0.1.32/28'], ['10.0.1.48/28']);
    assert.equal(pickAddresses(map, 28, null, reserved).length, 28);
    assert.throws(() => pickAddresses(map, 29, null, reserved), { code: 'InsufficientFreeAddressesInSubnet' });
    assert.throws(() => pickAddresses(map, 29, seededRandom(3), reserved), {
      code: 'InsufficientFreeAddressesInSubnet'
    });
  });

  it('takes prefixes from prefix reservations first, never from explicit ones', () => {
    const map = new AddressMap(cidr('10.0.1.0/24'));
    const reserved = ranges(['10.0.1.16/28'], ['10.0.1.192/27']);
    assert.deepEqual(
      pickPrefixes(map, 3, null, reserved).map((b) => formatCidr({ base: b, prefixLength: 28 })),
      ['10.0.1.192/28', '10.0.1.208/28', '10.0.1.32/28']
    );
    for (let seed = 0; seed < 20; seed++) {
      const picked = pickPrefixes(map, 3, seededRandom(seed), reserved);
      assert.deepEqual(picked.slice(0, 2).sort(), [ip('10.0.1.192'), ip('10.0.1.208')]);
      assert.ok(!cidrContains(cidr('10.0.1.16/28'), picked[2]!) && !cidrContains(cidr('10.0.1.192/27'), picked[2]!));
    }
  });

  it('skips a block that only partly overlaps a small prefix reservation, outside the first pass', () => {
    const map = new AddressMap(cidr('10.0.1.0/26'));
    // A /29 prefix reservation holds no whole /28: its block is neither taken first nor later.
    const reserved = ranges([], ['10.0.1.16/29']);
    assert.deepEqual(pickPrefixes(map, 1, null, reserved), [ip('10.0.1.32')]);
  });

  it('counts only space outside explicit reservations when it says there is no room at all', () => {
    const map = new AddressMap(cidr('10.0.1.0/26'));
    assert.throws(() => pickPrefixes(map, 2, null, ranges(['10.0.1.32/27'])), {
      code: 'InvalidParameterValue',
      message: "There aren't sufficient free Ipv4 addresses or prefixes"
    });
    assert.throws(() => pickPrefixes(map, 2, null, ranges(['10.0.1.24/29'])), { code: 'InsufficientCidrBlocks' });
  });

  it('reads the reservation types', () => {
    const view = reservedRanges([
      {
        id: 'scr-1',
        subnetId: 's',
        cidr: cidr('10.0.1.0/28'),
        reservationType: 'explicit',
        description: '',
        ownerId: 'o',
        tags: []
      },
      {
        id: 'scr-2',
        subnetId: 's',
        cidr: cidr('10.0.1.16/28'),
        reservationType: 'prefix',
        description: '',
        ownerId: 'o',
        tags: []
      }
    ]);
    assert.deepEqual(view, ranges(['10.0.1.0/28'], ['10.0.1.16/28']));
  });
});
