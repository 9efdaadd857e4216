import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import {
  AssignPrivateIpAddressesCommand,
  type AssignPrivateIpAddressesCommandInput,
  UnassignPrivateIpAddressesCommand
} from '@aws-sdk/client-ec2';
import {
  type TestServer,
  assertCliError,
  assertSdkError,
  assertXmlError,
  items,
  startTestServer
} from '../helpers/ec2lite.js';
import {
  type LabSubnet,
  UNKNOWN_ENI,
  VpcLab,
  addressesOf,
  assign,
  describeEni,
  prefixesOf,
  secondariesOf,
  toInt
} from '../helpers/vpc-lab.js';

const MOVE_NOT_ALLOWED = (...addresses: string[]) => `[${addresses.join(', ')}] assigned, but move is not allowed.`;
const NONE_GIVEN =
  'One of privateIpAddressSet or privateIpAddressCount or ipv4PrefixSet or ipv4PrefixCount must be specified.';
const ONLY_ONE =
  'You may specify one and only one of privateIpAddressSet or secondaryPrivateIpAddressCount or ipv4Prefixes or ipv4PrefixCount, but not more than one of them.';
const INSUFFICIENT_ADDRESSES = 'The specified subnet does not have enough free addresses to satisfy the request.';
const INSUFFICIENT_BLOCKS = 'The specified subnet does not have enough free cidr blocks to satisfy the request.';
const NO_ROOM_FOR_PREFIXES = "There aren't sufficient free Ipv4 addresses or prefixes";
const LIMIT = 'Number of private addresses will exceed limit.';

function assertAligned(subnet: LabSubnet, prefix: string): void {
  const [base, length] = prefix.split('/') as [string, string];
  assert.equal(length, '28');
  assert.equal(toInt(base) % 16, 0, `${prefix} is not aligned`);
  assert.ok(
    subnet.usable(base) && subnet.usable(subnet.at(toInt(base) - subnet.base + 15)),
    `${prefix} not clear of reserved`
  );
}

describe('AssignPrivateIpAddresses', () => {
  let server: TestServer;
  let lab: VpcLab;
  const send = (input: AssignPrivateIpAddressesCommandInput) =>
    server.ec2.send(new AssignPrivateIpAddressesCommand(input));

  before(async () => {
    server = await startTestServer();
    lab = await VpcLab.create(server);
  });
  after(() => server.close());

  describe('serializations', () => {
    it('answers the SDK with the interface id and the addresses this call assigned', async () => {
      const subnet = await lab.subnet();
      const eni = await subnet.eni();
      const out = await send({ NetworkInterfaceId: eni.NetworkInterfaceId, SecondaryPrivateIpAddressCount: 2 });
      assert.equal(out.$metadata.httpStatusCode, 200);
      assert.match(out.$metadata.requestId ?? '', /^[0-9a-f-]{36}$/);
      assert.equal(out.NetworkInterfaceId, eni.NetworkInterfaceId);
      assert.equal(out.AssignedPrivateIpAddresses?.length, 2);
      for (const a of out.AssignedPrivateIpAddresses ?? []) assert.ok(subnet.usable(a.PrivateIpAddress!));
      assert.equal((out.AssignedIpv4Prefixes ?? []).length, 0);
    });

    it('reads PrivateIpAddress.N as plain strings and renders assignedPrivateIpAddressesSet items', async () => {
      const subnet = await lab.subnet();
      const eni = await subnet.eni({ PrivateIpAddress: subnet.at(4) });
      const response = await server.query({
        Action: 'AssignPrivateIpAddresses',
        NetworkInterfaceId: eni.NetworkInterfaceId!,
        'PrivateIpAddress.1': subnet.at(10),
        'PrivateIpAddress.2': subnet.at(11)
      });
      assert.equal(response.status, 200, response.text);
      assert.match(response.headers.get('content-type') ?? '', /^text\/xml/);
      assert.ok(response.text.startsWith('<?xml version="1.0" encoding="UTF-8"?>'));
      const root = response.xml.AssignPrivateIpAddressesResponse;
      assert.equal(root['@_xmlns'], 'http://ec2.amazonaws.com/doc/2016-11-15/');
      assert.match(root.requestId, /^[0-9a-f-]{36}$/);
      assert.equal(response.headers.get('x-amzn-requestid'), root.requestId);
      assert.equal(root.networkInterfaceId, eni.NetworkInterfaceId);
      assert.deepEqual(
        items(root.assignedPrivateIpAddressesSet).map((i) => i.privateIpAddress),
        [subnet.at(10), subnet.at(11)]
      );
      assert.equal(root.assignedIpv4PrefixSet, undefined);
    });

    it('reads Ipv4Prefix.N as plain strings and leaves the address set out of a prefix-only answer', async () => {
      const subnet = await lab.subnet();
      const eni = await subnet.eni({ PrivateIpAddress: subnet.at(4) });
      const response = await server.query({
        Action: 'AssignPrivateIpAddresses',
        NetworkInterfaceId: eni.NetworkInterfaceId!,
        'Ipv4Prefix.1': subnet.prefix(32)
      });
      assert.equal(response.status, 200, response.text);
      const root = response.xml.AssignPrivateIpAddressesResponse;
      assert.deepEqual(
        items(root.assignedIpv4PrefixSet).map((i) => i.ipv4Prefix),
        [subnet.prefix(32)]
      );
      assert.ok(!response.text.includes('assignedPrivateIpAddressesSet'), response.text);
    });

    it("refuses CreateNetworkInterface's wire names for the same members", async () => {
      const subnet = await lab.subnet();
      const eni = await subnet.eni();
      const response = await server.query({
        Action: 'AssignPrivateIpAddresses',
        NetworkInterfaceId: eni.NetworkInterfaceId!,
        'PrivateIpAddresses.1.PrivateIpAddress': subnet.at(10)
      });
      assertXmlError(response, 400, 'UnknownParameter', /^The parameter PrivateIpAddresses[.\w]* is not recognized$/);
      assert.deepEqual(addressesOf(await describeEni(server, eni.NetworkInterfaceId!)), [eni.PrivateIpAddress]);
    });

    it('has no DryRun member in the EC2 model: DryRun is an unknown parameter and nothing is assigned', async () => {
      const subnet = await lab.subnet();
      const eni = await subnet.eni();
      const response = await server.query({
        Action: 'AssignPrivateIpAddresses',
        NetworkInterfaceId: eni.NetworkInterfaceId!,
        SecondaryPrivateIpAddressCount: 1,
        DryRun: true
      });
      assertXmlError(response, 400, 'UnknownParameter', 'The parameter DryRun is not recognized');
      assert.equal((await describeEni(server, eni.NetworkInterfaceId!)).PrivateIpAddresses?.length, 1);
    });

    it('answers on the JSON face with the SDK member names', async () => {
      const subnet = await lab.subnet();
      const eni = await subnet.eni({ PrivateIpAddress: subnet.at(4) });
      const ok = await server.json({
        Action: 'AssignPrivateIpAddresses',
        NetworkInterfaceId: eni.NetworkInterfaceId,
        PrivateIpAddresses: [subnet.at(20)]
      });
      assert.equal(ok.status, 200, ok.text);
      assert.equal(ok.json.success, true);
      assert.equal(ok.json.data.NetworkInterfaceId, eni.NetworkInterfaceId);
      assert.deepEqual(ok.json.data.AssignedPrivateIpAddresses, [{ PrivateIpAddress: subnet.at(20) }]);
      assert.match(ok.json.data.id, /^[0-9a-f-]{36}$/);
      assert.ok(!Number.isNaN(Date.parse(ok.json.data.created_at)));

      const failed = await server.json({
        Action: 'AssignPrivateIpAddresses',
        NetworkInterfaceId: UNKNOWN_ENI,
        Ipv4PrefixCount: 1
      });
      assert.equal(failed.status, 400);
      assert.deepEqual(
        { success: failed.json.success, code: failed.json.error.code, ec2Code: failed.json.error.ec2Code },
        { success: false, code: 'NOT_FOUND', ec2Code: 'InvalidNetworkInterfaceID.NotFound' }
      );
      assert.equal(failed.json.error.message, `The networkInterface ID '${UNKNOWN_ENI}' does not exist`);
    });

    it('answers the AWS CLI: --secondary-private-ip-address-count 2', async () => {
      const subnet = await lab.subnet();
      const eni = await subnet.eni();
      const result = await server.aws(
        'ec2',
        'assign-private-ip-addresses',
        '--network-interface-id',
        eni.NetworkInterfaceId!,
        '--secondary-private-ip-address-count',
        '2'
      );
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.json.NetworkInterfaceId, eni.NetworkInterfaceId);
      assert.equal(result.json.AssignedPrivateIpAddresses.length, 2);
      const after = await describeEni(server, eni.NetworkInterfaceId!);
      assert.deepEqual(
        secondariesOf(after),
        result.json.AssignedPrivateIpAddresses.map((a: { PrivateIpAddress: string }) => a.PrivateIpAddress)
      );
    });

    it('answers the AWS CLI: --private-ip-addresses a b --allow-reassignment moves them', async () => {
      const subnet = await lab.subnet();
      const source = await subnet.eni({ PrivateIpAddress: subnet.at(4) });
      await assign(server, {
        NetworkInterfaceId: source.NetworkInterfaceId,
        PrivateIpAddresses: [subnet.at(40), subnet.at(41)]
      });
      const target = await subnet.eni({ PrivateIpAddress: subnet.at(5) });
      const result = await server.aws(
        'ec2',
        'assign-private-ip-addresses',
        '--network-interface-id',
        target.NetworkInterfaceId!,
        '--private-ip-addresses',
        subnet.at(40),
        subnet.at(41),
        '--allow-reassignment'
      );
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(result.json, {
        NetworkInterfaceId: target.NetworkInterfaceId,
        AssignedPrivateIpAddresses: [{ PrivateIpAddress: subnet.at(40) }, { PrivateIpAddress: subnet.at(41) }]
      });
      assert.deepEqual(secondariesOf(await describeEni(server, source.NetworkInterfaceId!)), []);
      assert.deepEqual(secondariesOf(await describeEni(server, target.NetworkInterfaceId!)), [
        subnet.at(40),
        subnet.at(41)
      ]);
    });

    it('answers the AWS CLI: --ipv4-prefix-count 1 prints only the prefix', async () => {
      const subnet = await lab.subnet();
      const eni = await subnet.eni();
      const result = await server.aws(
        'ec2',
        'assign-private-ip-addresses',
        '--network-interface-id',
        eni.NetworkInterfaceId!,
        '--ipv4-prefix-count',
        '1'
      );
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(Object.keys(result.json).sort(), ['AssignedIpv4Prefixes', 'NetworkInterfaceId']);
      assert.equal(result.json.AssignedIpv4Prefixes.length, 1);
      assertAligned(subnet, result.json.AssignedIpv4Prefixes[0].Ipv4Prefix);
    });
  });

  describe('validations, in the order of spec §1.3', () => {
    let subnet: LabSubnet;
    /** Interface under test, with one secondary of its own (subnet offset 30). */
    let target: string;
    /** Another interface of the subnet: primary at offset 6, secondaries at 50 and 51, prefix at 64/28. */
    let other: string;
    let targetBefore: string[];

    before(async () => {
      subnet = await lab.subnet();
      target = (await subnet.eni({ PrivateIpAddress: subnet.at(5) })).NetworkInterfaceId!;
      await assign(server, { NetworkInterfaceId: target, PrivateIpAddresses: [subnet.at(30)] });
      other = (await subnet.eni({ PrivateIpAddress: subnet.at(6) })).NetworkInterfaceId!;
      await assign(server, { NetworkInterfaceId: other, PrivateIpAddresses: [subnet.at(50), subnet.at(51)] });
      await assign(server, { NetworkInterfaceId: other, Ipv4Prefixes: [subnet.prefix(64)] });
      targetBefore = addressesOf(await describeEni(server, target));
    });

    /** After a refused call nothing has moved: neither interface and not the subnet's count. */
    async function assertUnchanged(): Promise<void> {
      assert.deepEqual(addressesOf(await describeEni(server, target)), targetBefore);
      const o = await describeEni(server, other);
      assert.deepEqual(addressesOf(o), [subnet.at(6), subnet.at(50), subnet.at(51)]);
      assert.deepEqual(prefixesOf(o), [subnet.prefix(64)]);
      assert.equal(await subnet.available(), 251 - 2 - 3 - 16);
    }

    it('2. NetworkInterfaceId is required: MissingParameter, before any other check', async () => {
      await assertSdkError(
        send({ SecondaryPrivateIpAddressCount: 0 } as AssignPrivateIpAddressesCommandInput),
        'MissingParameter',
        'The request must contain the parameter NetworkInterfaceId'
      );
      assertXmlError(
        await server.query({ Action: 'AssignPrivateIpAddresses', 'PrivateIpAddress.1': 'not-an-address' }),
        400,
        'MissingParameter',
        'The request must contain the parameter NetworkInterfaceId'
      );
    });

    it('3. a malformed id: InvalidNetworkInterfaceId.Malformed (Id, not ID), before the options are looked at', async () => {
      for (const id of ['x', 'eni-', 'eni-XYZ', 'eni-0123456789abcdefg', 'i-0123456789abcdef0']) {
        await assertSdkError(
          send({ NetworkInterfaceId: id }),
          'InvalidNetworkInterfaceId.Malformed',
          `Invalid id: "${id}" (expecting "eni-...")`
        );
      }
    });

    it('4. an unknown id: InvalidNetworkInterfaceID.NotFound quoting it, before the options are looked at', async () => {
      await assertSdkError(
        send({ NetworkInterfaceId: UNKNOWN_ENI, SecondaryPrivateIpAddressCount: 0, PrivateIpAddresses: ['x'] }),
        'InvalidNetworkInterfaceID.NotFound',
        `The networkInterface ID '${UNKNOWN_ENI}' does not exist`
      );
      assertCliError(
        await server.aws(
          'ec2',
          'assign-private-ip-addresses',
          '--network-interface-id',
          UNKNOWN_ENI,
          '--ipv4-prefix-count',
          '1'
        ),
        'InvalidNetworkInterfaceID.NotFound',
        `The networkInterface ID '${UNKNOWN_ENI}' does not exist`
      );
    });

    it('5. none of the four options: InvalidParameter', async () => {
      await assertSdkError(send({ NetworkInterfaceId: target }), 'InvalidParameter', NONE_GIVEN);
      await assertSdkError(
        send({ NetworkInterfaceId: target, PrivateIpAddresses: [] }),
        'InvalidParameter',
        NONE_GIVEN
      );
      await assertSdkError(
        send({ NetworkInterfaceId: target, AllowReassignment: true }),
        'InvalidParameter',
        NONE_GIVEN
      );
      await assertUnchanged();
    });

    it('5. two options together: InvalidParameterCombination, whatever the pair', async () => {
      const address = { PrivateIpAddresses: [subnet.at(100)] };
      const count = { SecondaryPrivateIpAddressCount: 1 };
      const prefixes = { Ipv4Prefixes: [subnet.prefix(96)] };
      const prefixCount = { Ipv4PrefixCount: 1 };
      for (const combination of [
        { ...address, ...count },
        { ...address, ...prefixes },
        { ...address, ...prefixCount },
        { ...count, ...prefixes },
        { ...count, ...prefixCount },
        { ...prefixes, ...prefixCount },
        { ...address, ...count, ...prefixes, ...prefixCount }
      ]) {
        await assertSdkError(
          send({ NetworkInterfaceId: target, ...combination }),
          'InvalidParameterCombination',
          ONLY_ONE
        );
      }
      // Rule 5 comes before rule 6 (a zero count) and rule 7 (a bad literal).
      await assertSdkError(
        send({ NetworkInterfaceId: target, PrivateIpAddresses: ['10.0.0.999'], SecondaryPrivateIpAddressCount: 0 }),
        'InvalidParameterCombination',
        ONLY_ONE
      );
      assertCliError(
        await server.aws(
          'ec2',
          'assign-private-ip-addresses',
          '--network-interface-id',
          target,
          '--private-ip-addresses',
          subnet.at(100),
          '--secondary-private-ip-address-count',
          '1'
        ),
        'InvalidParameterCombination',
        ONLY_ONE
      );
      await assertUnchanged();
    });

    it('6. counts must be positive', async () => {
      for (const value of [0, -1]) {
        await assertSdkError(
          send({ NetworkInterfaceId: target, SecondaryPrivateIpAddressCount: value }),
          'InvalidParameterValue',
          `Value (${value}) for parameter secondaryPrivateIpAddressCount is invalid. Value must be a positive number.`
        );
        await assertSdkError(
          send({ NetworkInterfaceId: target, Ipv4PrefixCount: value }),
          'InvalidParameterValue',
          `Value (${value}) for parameter ipv4PrefixCount is invalid. Value must be a positive number.`
        );
      }
      assertXmlError(
        await server.query({
          Action: 'AssignPrivateIpAddresses',
          NetworkInterfaceId: target,
          SecondaryPrivateIpAddressCount: 'two'
        }),
        400,
        'InvalidParameterValue',
        /^Value \(two\) for parameter SecondaryPrivateIpAddressCount is invalid\./
      );
      await assertUnchanged();
    });

    it('7. every address must be an IPv4 literal, checked for all before any is placed', async () => {
      for (const literal of ['10.0.0.999', '10.0.0', '010.0.0.5', '10.0.0.5/32', 'ten', ' 10.0.0.5']) {
        await assertSdkError(
          send({ NetworkInterfaceId: target, PrivateIpAddresses: [literal] }),
          'InvalidParameterValue',
          `invalid value for parameter address: ${literal}`
        );
      }
      // A well-formed address outside the subnet comes first in the list, yet the bad literal is what EC2 names.
      await assertSdkError(
        send({ NetworkInterfaceId: target, PrivateIpAddresses: ['192.168.0.10', subnet.at(100), '10.0.0.999'] }),
        'InvalidParameterValue',
        'invalid value for parameter address: 10.0.0.999'
      );
      assertCliError(
        await server.aws(
          'ec2',
          'assign-private-ip-addresses',
          '--network-interface-id',
          target,
          '--private-ip-addresses',
          '10.0.0.999'
        ),
        'InvalidParameterValue',
        'invalid value for parameter address: 10.0.0.999'
      );
      await assertUnchanged();
    });

    it("8. every address must fall within the interface's subnet, not merely its VPC", async () => {
      const neighbour = await lab.subnet();
      for (const outside of [neighbour.at(10), '192.168.0.10', subnet.at(-1), subnet.at(256)]) {
        await assertSdkError(
          send({ NetworkInterfaceId: target, PrivateIpAddresses: [subnet.at(100), outside] }),
          'InvalidParameterValue',
          "Address does not fall within the subnet's address range"
        );
      }
      // Rule 8 before rule 9: the reserved address comes first in the list, the outside one is named.
      await assertSdkError(
        send({ NetworkInterfaceId: target, PrivateIpAddresses: [subnet.at(1), '192.168.0.10'] }),
        'InvalidParameterValue',
        "Address does not fall within the subnet's address range"
      );
      await assertUnchanged();
    });

    it('9. the five reserved addresses of the subnet are refused', async () => {
      for (const offset of [0, 1, 2, 3, 255]) {
        await assertSdkError(
          send({ NetworkInterfaceId: target, PrivateIpAddresses: [subnet.at(offset)] }),
          'InvalidParameterValue',
          `Address ${subnet.at(offset)} is in subnet's reserved address range`
        );
      }
      // Rule 9 before rule 10: the held address comes first, the reserved one is named.
      await assertSdkError(
        send({ NetworkInterfaceId: target, PrivateIpAddresses: [subnet.at(50), subnet.at(3)] }),
        'InvalidParameterValue',
        `Address ${subnet.at(3)} is in subnet's reserved address range`
      );
      await assertUnchanged();
    });

    it('10. addresses held by another interface, without AllowReassignment: every one of them named, nothing assigned', async () => {
      await assertSdkError(
        send({
          NetworkInterfaceId: target,
          PrivateIpAddresses: [subnet.at(100), subnet.at(50), subnet.at(101), subnet.at(51)]
        }),
        'InvalidParameterValue',
        MOVE_NOT_ALLOWED(subnet.at(50), subnet.at(51))
      );
      await assertSdkError(
        send({ NetworkInterfaceId: target, PrivateIpAddresses: [subnet.at(51)], AllowReassignment: false }),
        'InvalidParameterValue',
        MOVE_NOT_ALLOWED(subnet.at(51))
      );
      // Without AllowReassignment, the other interface's primary is just another held address.
      await assertSdkError(
        send({ NetworkInterfaceId: target, PrivateIpAddresses: [subnet.at(6)] }),
        'InvalidParameterValue',
        MOVE_NOT_ALLOWED(subnet.at(6))
      );
      const cli = await server.aws(
        'ec2',
        'assign-private-ip-addresses',
        '--network-interface-id',
        target,
        '--private-ip-addresses',
        subnet.at(50),
        subnet.at(51)
      );
      assertCliError(cli, 'InvalidParameterValue', MOVE_NOT_ALLOWED(subnet.at(50), subnet.at(51)));
      // Clients parse the list with this expression (spec §1.3 rule 10).
      const match = /^\[([^\]]*)\] assigned, but move is not allowed\.$/.exec(
        MOVE_NOT_ALLOWED(subnet.at(50), subnet.at(51))
      );
      assert.deepEqual(match?.[1]?.split(', '), [subnet.at(50), subnet.at(51)]);
      await assertUnchanged();
    });

    it("10. an address inside another interface's prefix never moves, even with AllowReassignment", async () => {
      await assertSdkError(
        send({ NetworkInterfaceId: target, PrivateIpAddresses: [subnet.at(70)], AllowReassignment: true }),
        'InvalidParameterValue',
        MOVE_NOT_ALLOWED(subnet.at(70))
      );
      await assertUnchanged();
    });

    it('11. the primary address of another interface never moves: "secondary-addresses", and nothing else moves either', async () => {
      await assertSdkError(
        send({ NetworkInterfaceId: target, PrivateIpAddresses: [subnet.at(6)], AllowReassignment: true }),
        'InvalidParameterValue',
        'secondary-addresses'
      );
      // A movable secondary and a free address in the same request stay where they are.
      await assertSdkError(
        send({
          NetworkInterfaceId: target,
          PrivateIpAddresses: [subnet.at(100), subnet.at(50), subnet.at(6)],
          AllowReassignment: true
        }),
        'InvalidParameterValue',
        'secondary-addresses'
      );
      await assertUnchanged();
    });

    it('12. the address limit (default 50 for an unattached interface), counted after the call', async () => {
      await assertSdkError(
        send({ NetworkInterfaceId: target, SecondaryPrivateIpAddressCount: 50 - targetBefore.length + 1 }),
        'PrivateIpAddressLimitExceeded',
        LIMIT
      );
      await assertUnchanged();
    });

    it('14. a count larger than the free addresses: InsufficientFreeAddressesInSubnet', async () => {
      const small = await lab.subnet(28);
      const eni = await small.eni();
      await assertSdkError(
        send({ NetworkInterfaceId: eni.NetworkInterfaceId, SecondaryPrivateIpAddressCount: 11 }),
        'InsufficientFreeAddressesInSubnet',
        INSUFFICIENT_ADDRESSES
      );
      assert.equal(await small.available(), 10);
      assertCliError(
        await server.aws(
          'ec2',
          'assign-private-ip-addresses',
          '--network-interface-id',
          eni.NetworkInterfaceId!,
          '--secondary-private-ip-address-count',
          '11'
        ),
        'InsufficientFreeAddressesInSubnet',
        INSUFFICIENT_ADDRESSES
      );
      await assertUnchanged();
    });

    it('explicit prefixes must be aligned /28 blocks inside the subnet, clear of its reserved addresses', async () => {
      for (const prefix of [
        subnet.at(100) + '/28',
        subnet.at(96) + '/27',
        subnet.at(96) + '/29',
        subnet.at(96),
        'x/28'
      ]) {
        await assertSdkError(
          send({ NetworkInterfaceId: target, Ipv4Prefixes: [prefix] }),
          'InvalidParameterValue',
          `Invalid value '${prefix}' for ipv4Prefix. The prefix must be an aligned /28 IPv4 CIDR.`
        );
      }
      await assertSdkError(
        send({ NetworkInterfaceId: target, Ipv4Prefixes: ['192.168.0.16/28'] }),
        'InvalidParameterValue',
        "Address does not fall within the subnet's address range"
      );
      for (const offset of [0, 240]) {
        await assertSdkError(
          send({ NetworkInterfaceId: target, Ipv4Prefixes: [subnet.prefix(offset)] }),
          'InvalidParameterValue',
          `Address ${subnet.prefix(offset)} is in subnet's reserved address range`
        );
      }
      await assertUnchanged();
    });

    it('explicit prefixes must not overlap an address or a prefix in use, and none is assigned when one does', async () => {
      // Block 16 holds the target's own secondary 30, block 48 the other's secondaries 50 and 51, block 64 is the
      // other's prefix; block 32 is free.
      for (const busy of [16, 48, 64]) {
        const message = `The prefix ${subnet.prefix(busy)} overlaps an address or prefix already in use in the subnet.`;
        await assertSdkError(
          send({ NetworkInterfaceId: target, Ipv4Prefixes: [subnet.prefix(32), subnet.prefix(busy)] }),
          'InvalidParameterValue',
          message
        );
      }
      await assertUnchanged();
    });
  });

  describe('functionality', () => {
    it('assigns a count of distinct, usable, free addresses and lists only what this call added', async () => {
      const subnet = await lab.subnet();
      const eni = await subnet.eni({ SecondaryPrivateIpAddressCount: 2 });
      const id = eni.NetworkInterfaceId!;
      const before = addressesOf(eni);
      assert.equal(await subnet.available(), 251 - 3);

      const { addresses } = await assign(server, { NetworkInterfaceId: id, SecondaryPrivateIpAddressCount: 3 });
      assert.equal(addresses.length, 3);
      assert.equal(new Set([...before, ...addresses]).size, 6, 'no address twice, none of the earlier ones');
      for (const a of addresses) assert.ok(subnet.usable(a), `${a} is not a usable address of ${subnet.cidr}`);

      const after = await describeEni(server, id);
      assert.deepEqual(
        addressesOf(after),
        [...before, ...addresses],
        'primary first, then secondaries in assignment order'
      );
      assert.deepEqual(
        after.PrivateIpAddresses?.map((a) => a.Primary),
        [true, false, false, false, false, false]
      );
      assert.equal(after.PrivateIpAddress, before[0]);
      assert.equal(await subnet.available(), 251 - 6);
    });

    it('assigns explicit addresses in the order given, each with its private DNS name', async () => {
      const subnet = await lab.subnet();
      const eni = await subnet.eni({ PrivateIpAddress: subnet.at(10) });
      const id = eni.NetworkInterfaceId!;
      const { addresses } = await assign(server, {
        NetworkInterfaceId: id,
        PrivateIpAddresses: [subnet.at(200), subnet.at(20), subnet.at(254)]
      });
      assert.deepEqual(addresses, [subnet.at(200), subnet.at(20), subnet.at(254)]);
      const after = await describeEni(server, id);
      assert.deepEqual(addressesOf(after), [subnet.at(10), subnet.at(200), subnet.at(20), subnet.at(254)]);
      assert.equal(
        after.PrivateIpAddresses?.[1]?.PrivateDnsName,
        `ip-${subnet.at(200).replaceAll('.', '-')}.ec2.internal`
      );
      assert.equal(await subnet.available(), 251 - 4);
    });

    it('moves a secondary with AllowReassignment: gone from the source, on the target, in the response, count unchanged', async () => {
      const subnet = await lab.subnet();
      const source = (await subnet.eni({ PrivateIpAddress: subnet.at(4) })).NetworkInterfaceId!;
      await assign(server, {
        NetworkInterfaceId: source,
        PrivateIpAddresses: [subnet.at(40), subnet.at(41), subnet.at(42)]
      });
      const target = (await subnet.eni({ PrivateIpAddress: subnet.at(5) })).NetworkInterfaceId!;
      const available = await subnet.available();

      const { addresses } = await assign(server, {
        NetworkInterfaceId: target,
        PrivateIpAddresses: [subnet.at(41), subnet.at(43)],
        AllowReassignment: true
      });
      assert.deepEqual(addresses, [subnet.at(41), subnet.at(43)]);
      assert.deepEqual(addressesOf(await describeEni(server, source)), [subnet.at(4), subnet.at(40), subnet.at(42)]);
      assert.deepEqual(addressesOf(await describeEni(server, target)), [subnet.at(5), subnet.at(41), subnet.at(43)]);
      assert.equal(await subnet.available(), available - 1, 'only the free address was newly consumed');

      // The moved address can move back.
      await assign(server, {
        NetworkInterfaceId: source,
        PrivateIpAddresses: [subnet.at(41)],
        AllowReassignment: true
      });
      assert.deepEqual(addressesOf(await describeEni(server, source)), [
        subnet.at(4),
        subnet.at(40),
        subnet.at(42),
        subnet.at(41)
      ]);
      assert.deepEqual(addressesOf(await describeEni(server, target)), [subnet.at(5), subnet.at(43)]);
    });

    it('moves secondaries from several interfaces in one call', async () => {
      const subnet = await lab.subnet();
      const a = (
        await subnet.eni({
          PrivateIpAddresses: [{ PrivateIpAddress: subnet.at(10), Primary: true }, { PrivateIpAddress: subnet.at(11) }]
        })
      ).NetworkInterfaceId!;
      const b = (
        await subnet.eni({
          PrivateIpAddresses: [{ PrivateIpAddress: subnet.at(20), Primary: true }, { PrivateIpAddress: subnet.at(21) }]
        })
      ).NetworkInterfaceId!;
      const c = (await subnet.eni({ PrivateIpAddress: subnet.at(30) })).NetworkInterfaceId!;
      const { addresses } = await assign(server, {
        NetworkInterfaceId: c,
        PrivateIpAddresses: [subnet.at(21), subnet.at(11)],
        AllowReassignment: true
      });
      assert.deepEqual(addresses, [subnet.at(21), subnet.at(11)]);
      assert.deepEqual(addressesOf(await describeEni(server, a)), [subnet.at(10)]);
      assert.deepEqual(addressesOf(await describeEni(server, b)), [subnet.at(20)]);
      assert.deepEqual(addressesOf(await describeEni(server, c)), [subnet.at(30), subnet.at(21), subnet.at(11)]);
    });

    it('an address already on the same interface is a no-op and is not listed', async () => {
      const subnet = await lab.subnet();
      const id = (await subnet.eni({ PrivateIpAddress: subnet.at(10) })).NetworkInterfaceId!;
      await assign(server, { NetworkInterfaceId: id, PrivateIpAddresses: [subnet.at(11)] });
      const available = await subnet.available();

      const mixed = await assign(server, {
        NetworkInterfaceId: id,
        PrivateIpAddresses: [subnet.at(11), subnet.at(12)]
      });
      assert.deepEqual(mixed.addresses, [subnet.at(12)]);
      const own = await assign(server, {
        NetworkInterfaceId: id,
        PrivateIpAddresses: [subnet.at(10), subnet.at(11)],
        AllowReassignment: true
      });
      assert.deepEqual(own.addresses, []);
      assert.deepEqual(addressesOf(await describeEni(server, id)), [subnet.at(10), subnet.at(11), subnet.at(12)]);
      assert.equal(await subnet.available(), available - 1);
    });

    it('a full subnet answers InsufficientFreeAddressesInSubnet at once and changes nothing', async () => {
      const subnet = await lab.subnet(28);
      const id = (await subnet.eni()).NetworkInterfaceId!;
      await assign(server, { NetworkInterfaceId: id, SecondaryPrivateIpAddressCount: 4 });
      const before = addressesOf(await describeEni(server, id));
      assert.equal(await subnet.available(), 6);

      // Six are free: asking for seven takes none of them (all or nothing).
      await assertSdkError(
        send({ NetworkInterfaceId: id, SecondaryPrivateIpAddressCount: 7 }),
        'InsufficientFreeAddressesInSubnet',
        INSUFFICIENT_ADDRESSES
      );
      assert.deepEqual(addressesOf(await describeEni(server, id)), before);
      assert.equal(await subnet.available(), 6);

      const rest = await assign(server, { NetworkInterfaceId: id, SecondaryPrivateIpAddressCount: 6 });
      assert.equal(new Set([...before, ...rest.addresses]).size, 11, 'all eleven usable addresses, each once');
      assert.equal(await subnet.available(), 0);

      const started = performance.now();
      await assertSdkError(
        send({ NetworkInterfaceId: id, SecondaryPrivateIpAddressCount: 1 }),
        'InsufficientFreeAddressesInSubnet',
        INSUFFICIENT_ADDRESSES
      );
      assert.ok(performance.now() - started < 1000, 'answered at once');
      assert.equal(addressesOf(await describeEni(server, id)).length, 11);
    });

    it('assigns Ipv4PrefixCount aligned /28 blocks inside the subnet, 16 addresses each, and no address set', async () => {
      const subnet = await lab.subnet();
      const eni = await subnet.eni();
      const id = eni.NetworkInterfaceId!;
      const out = await send({ NetworkInterfaceId: id, Ipv4PrefixCount: 2 });
      assert.equal(out.AssignedPrivateIpAddresses, undefined, 'a prefix-only answer has no AssignedPrivateIpAddresses');
      const prefixes = (out.AssignedIpv4Prefixes ?? []).map((p) => p.Ipv4Prefix!);
      assert.equal(prefixes.length, 2);
      assert.notEqual(prefixes[0], prefixes[1]);
      for (const prefix of prefixes) assertAligned(subnet, prefix);
      assert.equal(await subnet.available(), 251 - 1 - 32);

      const after = await describeEni(server, id);
      assert.deepEqual(prefixesOf(after), prefixes);
      assert.deepEqual(addressesOf(after), addressesOf(eni), 'prefix addresses are not listed as private addresses');
    });

    it('assigns explicit Ipv4Prefix.N blocks, in the order given', async () => {
      const subnet = await lab.subnet();
      const id = (await subnet.eni({ PrivateIpAddress: subnet.at(4) })).NetworkInterfaceId!;
      const { addresses, prefixes } = await assign(server, {
        NetworkInterfaceId: id,
        Ipv4Prefixes: [subnet.prefix(160), subnet.prefix(32)]
      });
      assert.deepEqual(addresses, []);
      assert.deepEqual(prefixes, [subnet.prefix(160), subnet.prefix(32)]);
      assert.deepEqual(prefixesOf(await describeEni(server, id)), [subnet.prefix(160), subnet.prefix(32)]);
      assert.equal(await subnet.available(), 251 - 1 - 32);
      // An address inside a delegated prefix is in use for everyone else.
      const other = (await subnet.eni({ PrivateIpAddress: subnet.at(5) })).NetworkInterfaceId!;
      await assertSdkError(
        send({ NetworkInterfaceId: other, PrivateIpAddresses: [subnet.at(165)] }),
        'InvalidParameterValue',
        MOVE_NOT_ALLOWED(subnet.at(165))
      );
      // And a count never hands one out: 251 - 33 - 1 addresses remain, all outside the prefixes.
      const rest = await assign(server, { NetworkInterfaceId: other, SecondaryPrivateIpAddressCount: 49 });
      for (const a of rest.addresses) {
        const offset = toInt(a) - subnet.base;
        assert.ok(
          !(offset >= 160 && offset < 176) && !(offset >= 32 && offset < 48),
          `${a} lies in a delegated prefix`
        );
      }
    });

    it('a fragmented subnet (addresses free, no whole /28 free) answers InsufficientCidrBlocks and changes nothing', async () => {
      const subnet = await lab.subnet();
      // One address in each of the 14 blocks that are clear of reserved addresses.
      const id = (await subnet.eni({ PrivateIpAddress: subnet.at(16) })).NetworkInterfaceId!;
      await assign(server, {
        NetworkInterfaceId: id,
        PrivateIpAddresses: Array.from({ length: 13 }, (_, i) => subnet.at(32 + 16 * i))
      });
      assert.equal(await subnet.available(), 251 - 14);
      await assertSdkError(
        send({ NetworkInterfaceId: id, Ipv4PrefixCount: 1 }),
        'InsufficientCidrBlocks',
        INSUFFICIENT_BLOCKS
      );
      assert.deepEqual(prefixesOf(await describeEni(server, id)), []);
      assert.equal(await subnet.available(), 251 - 14);
      assertCliError(
        await server.aws(
          'ec2',
          'assign-private-ip-addresses',
          '--network-interface-id',
          id,
          '--ipv4-prefix-count',
          '1'
        ),
        'InsufficientCidrBlocks',
        INSUFFICIENT_BLOCKS
      );
    });

    it('asking for more whole blocks than exist answers InsufficientCidrBlocks, all or nothing', async () => {
      const subnet = await lab.subnet();
      const id = (await subnet.eni({ PrivateIpAddress: subnet.at(4) })).NetworkInterfaceId!;
      // A /24 has fourteen /28 blocks clear of its reserved addresses.
      await assertSdkError(
        send({ NetworkInterfaceId: id, Ipv4PrefixCount: 15 }),
        'InsufficientCidrBlocks',
        INSUFFICIENT_BLOCKS
      );
      assert.deepEqual(prefixesOf(await describeEni(server, id)), []);
      const { prefixes } = await assign(server, { NetworkInterfaceId: id, Ipv4PrefixCount: 14 });
      assert.equal(new Set(prefixes).size, 14);
      assert.equal(await subnet.available(), 251 - 1 - 14 * 16);
    });

    it('a subnet out of space for prefixes answers InvalidParameterValue "There aren\'t sufficient free Ipv4 addresses or prefixes"', async () => {
      const tiny = await lab.subnet(28);
      const id = (await tiny.eni()).NetworkInterfaceId!;
      await assertSdkError(
        send({ NetworkInterfaceId: id, Ipv4PrefixCount: 1 }),
        'InvalidParameterValue',
        NO_ROOM_FOR_PREFIXES
      );

      const subnet = await lab.subnet();
      for (let i = 0; i < 5; i++) await subnet.eni({ SecondaryPrivateIpAddressCount: 49 });
      assert.equal(await subnet.available(), 1);
      const last = (await subnet.interfaces())[0]!.NetworkInterfaceId!;
      const before = await describeEni(server, last);
      await assertSdkError(
        send({ NetworkInterfaceId: last, Ipv4PrefixCount: 1 }),
        'PrivateIpAddressLimitExceeded',
        LIMIT
      );
      const fresh = await subnet.eni();
      await assertSdkError(
        send({ NetworkInterfaceId: fresh.NetworkInterfaceId, Ipv4PrefixCount: 1 }),
        'InvalidParameterValue',
        NO_ROOM_FOR_PREFIXES
      );
      assert.deepEqual(await describeEni(server, last), before);
      assert.equal(await subnet.available(), 0);
    });

    it('fills a /22 with random placement in one call, never repeating an address, then answers Insufficient at once', async () => {
      const big = await startTestServer({ placement: 'random', seed: 7, unattachedAddressLimit: 2000 });
      try {
        const bigLab = await VpcLab.create(big);
        const subnet = await bigLab.subnet(22);
        const id = (await subnet.eni()).NetworkInterfaceId!;
        const out = await big.ec2.send(
          new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: id, SecondaryPrivateIpAddressCount: 1018 })
        );
        const addresses = (out.AssignedPrivateIpAddresses ?? []).map((a) => a.PrivateIpAddress!);
        assert.equal(addresses.length, 1018);
        const all = new Set([...addresses, ...addressesOf(await describeEni(big, id)).slice(0, 1)]);
        assert.equal(all.size, 1019);
        for (const a of all) assert.ok(subnet.usable(a), a);
        assert.equal(await subnet.available(), 0);
        const started = performance.now();
        await assertSdkError(
          big.ec2.send(
            new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: id, SecondaryPrivateIpAddressCount: 1 })
          ),
          'InsufficientFreeAddressesInSubnet',
          INSUFFICIENT_ADDRESSES
        );
        assert.ok(performance.now() - started < 1000, 'answered at once');
      } finally {
        await big.close();
      }
    });
  });

  describe('the address limit of an interface attached to no instance (unattachedAddressLimit 5)', () => {
    let limited: TestServer;
    let subnet: LabSubnet;
    const sendLimited = (input: AssignPrivateIpAddressesCommandInput) =>
      limited.ec2.send(new AssignPrivateIpAddressesCommand(input));

    before(async () => {
      limited = await startTestServer({ unattachedAddressLimit: 5, placement: 'lowest' });
      subnet = await (await VpcLab.create(limited)).subnet();
    });
    after(() => limited.close());

    it('counts the primary, each secondary and each prefix as one slot; the sixth is PrivateIpAddressLimitExceeded', async () => {
      const id = (await subnet.eni({ PrivateIpAddress: subnet.at(4) })).NetworkInterfaceId!;
      await assign(limited, { NetworkInterfaceId: id, SecondaryPrivateIpAddressCount: 2 });
      assert.deepEqual((await assign(limited, { NetworkInterfaceId: id, Ipv4PrefixCount: 1 })).prefixes, [
        subnet.prefix(16)
      ]);
      await assign(limited, { NetworkInterfaceId: id, PrivateIpAddresses: [subnet.at(200)] });
      const full = await describeEni(limited, id);
      assert.equal(addressesOf(full).length + prefixesOf(full).length, 5);
      const available = await subnet.available();

      for (const ask of [
        { SecondaryPrivateIpAddressCount: 1 },
        { PrivateIpAddresses: [subnet.at(201)] },
        { Ipv4PrefixCount: 1 },
        { Ipv4Prefixes: [subnet.prefix(224)] }
      ]) {
        await assertSdkError(sendLimited({ NetworkInterfaceId: id, ...ask }), 'PrivateIpAddressLimitExceeded', LIMIT);
      }
      assertCliError(
        await limited.aws(
          'ec2',
          'assign-private-ip-addresses',
          '--network-interface-id',
          id,
          '--secondary-private-ip-address-count',
          '1'
        ),
        'PrivateIpAddressLimitExceeded',
        LIMIT
      );
      assert.deepEqual(await describeEni(limited, id), full);
      assert.equal(await subnet.available(), available);

      // Addresses the interface already has take no new slot.
      const again = await assign(limited, { NetworkInterfaceId: id, PrivateIpAddresses: [subnet.at(200)] });
      assert.deepEqual(again.addresses, []);
    });

    it('refuses a count that would cross the limit as a whole, not part of it', async () => {
      const id = (await subnet.eni()).NetworkInterfaceId!;
      await assertSdkError(
        sendLimited({ NetworkInterfaceId: id, SecondaryPrivateIpAddressCount: 5 }),
        'PrivateIpAddressLimitExceeded',
        LIMIT
      );
      assert.equal(addressesOf(await describeEni(limited, id)).length, 1);
      const { addresses } = await assign(limited, { NetworkInterfaceId: id, SecondaryPrivateIpAddressCount: 4 });
      assert.equal(addresses.length, 4);
    });

    it('checks held addresses (rule 10) before the limit (rule 12), and the limit before free space (rule 14)', async () => {
      const holder = (await subnet.eni({ PrivateIpAddress: subnet.at(100) })).NetworkInterfaceId!;
      await assign(limited, { NetworkInterfaceId: holder, PrivateIpAddresses: [subnet.at(101)] });
      const id = (await subnet.eni({ SecondaryPrivateIpAddressCount: 4 })).NetworkInterfaceId!;
      await assertSdkError(
        sendLimited({ NetworkInterfaceId: id, PrivateIpAddresses: [subnet.at(101)] }),
        'InvalidParameterValue',
        MOVE_NOT_ALLOWED(subnet.at(101))
      );
      // With AllowReassignment the move itself is fine, but the target has no slot left.
      await assertSdkError(
        sendLimited({ NetworkInterfaceId: id, PrivateIpAddresses: [subnet.at(101)], AllowReassignment: true }),
        'PrivateIpAddressLimitExceeded',
        LIMIT
      );
      assert.deepEqual(addressesOf(await describeEni(limited, holder)), [subnet.at(100), subnet.at(101)]);

      const tiny = await (await VpcLab.create(limited, '10.1.0.0/16')).subnet(28);
      await tiny.eni({ SecondaryPrivateIpAddressCount: 4 });
      await tiny.eni({ SecondaryPrivateIpAddressCount: 4 });
      const last = (await tiny.eni()).NetworkInterfaceId!;
      assert.equal(await tiny.available(), 0);
      await assertSdkError(
        sendLimited({ NetworkInterfaceId: last, SecondaryPrivateIpAddressCount: 5 }),
        'PrivateIpAddressLimitExceeded',
        LIMIT
      );
      await assertSdkError(
        sendLimited({ NetworkInterfaceId: last, SecondaryPrivateIpAddressCount: 4 }),
        'InsufficientFreeAddressesInSubnet',
        INSUFFICIENT_ADDRESSES
      );
    });
  });

  describe('placement', () => {
    it("'lowest' hands out the lowest free addresses and blocks, and reuses a freed one first", async () => {
      const lowest = await startTestServer({ placement: 'lowest' });
      try {
        const subnet = await (await VpcLab.create(lowest)).subnet();
        const eni = await subnet.eni();
        const id = eni.NetworkInterfaceId!;
        assert.equal(eni.PrivateIpAddress, subnet.at(4));
        assert.deepEqual(
          (await assign(lowest, { NetworkInterfaceId: id, SecondaryPrivateIpAddressCount: 3 })).addresses,
          [subnet.at(5), subnet.at(6), subnet.at(7)]
        );
        assert.deepEqual((await assign(lowest, { NetworkInterfaceId: id, Ipv4PrefixCount: 2 })).prefixes, [
          subnet.prefix(16),
          subnet.prefix(32)
        ]);
        await assign(lowest, { NetworkInterfaceId: id, PrivateIpAddresses: [subnet.at(8), subnet.at(9)] });
        const other = (await subnet.eni()).NetworkInterfaceId!;
        await lowest.ec2.send(
          new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: id, PrivateIpAddresses: [subnet.at(6)] })
        );
        assert.deepEqual(
          (await assign(lowest, { NetworkInterfaceId: other, SecondaryPrivateIpAddressCount: 3 })).addresses,
          [subnet.at(6), subnet.at(11), subnet.at(12)]
        );
        assert.deepEqual(addressesOf(await describeEni(lowest, other)), [
          subnet.at(10),
          subnet.at(6),
          subnet.at(11),
          subnet.at(12)
        ]);
      } finally {
        await lowest.close();
      }
    });

    it("'random' with a fixed seed gives the same addresses on two fresh servers, and other ones with another seed", async () => {
      async function run(seed: number): Promise<string[]> {
        const s = await startTestServer({ placement: 'random', seed });
        try {
          const subnet = await (await VpcLab.create(s)).subnet(20);
          const eni = await subnet.eni({ SecondaryPrivateIpAddressCount: 2 });
          const id = eni.NetworkInterfaceId!;
          const more = await assign(s, { NetworkInterfaceId: id, SecondaryPrivateIpAddressCount: 5 });
          const prefixes = await assign(s, { NetworkInterfaceId: id, Ipv4PrefixCount: 3 });
          const all = [...addressesOf(eni), ...more.addresses, ...prefixes.prefixes];
          for (const p of prefixes.prefixes) assertAligned(subnet, p);
          return all.map((a) => a.replace(/^10\.0\./, ''));
        } finally {
          await s.close();
        }
      }
      const first = await run(1234);
      const second = await run(1234);
      assert.equal(first.length, 3 + 5 + 3);
      assert.deepEqual(second, first);
      assert.notDeepEqual(
        first.slice(0, 8),
        ['0.4', '0.5', '0.6', '0.7', '0.8', '0.9', '0.10', '0.11'],
        'not simply lowest first'
      );
      assert.notDeepEqual(await run(99), first);
    });
  });
});
