import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  AssignPrivateIpAddressesCommand,
  CreateNetworkInterfaceCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand
} from '@aws-sdk/client-ec2';
import { control } from '../helpers/control.js';
import { type TestServer, assertCliError, assertSdkError, startTestServer } from '../helpers/ec2lite.js';

/**
 * Fault injection (control/): per-action errors (one-shot, counted, sticky, conditional), latency, the
 * prefix-capacity switch, the call log and reset, driven through the control API and seen by the real clients.
 * An injected fault changes no state.
 */

const NO_ADDRESSES = 'The specified subnet does not have enough free addresses to satisfy the request.';
const NO_CIDR_BLOCKS = 'The specified subnet does not have enough free cidr blocks to satisfy the request.';

describe('fault injection', () => {
  let server: TestServer;
  let subnetId: string;
  let eniId: string;

  before(async () => {
    server = await startTestServer({ placement: 'lowest' });
    const { Vpc } = await server.ec2.send(new CreateVpcCommand({ CidrBlock: '10.20.0.0/16' }));
    const { Subnet } = await server.ec2.send(new CreateSubnetCommand({ VpcId: Vpc!.VpcId, CidrBlock: '10.20.0.0/24' }));
    subnetId = Subnet!.SubnetId!;
    const { NetworkInterface } = await server.ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId }));
    eniId = NetworkInterface!.NetworkInterfaceId!;
  });
  beforeEach(async () => {
    assert.equal((await control(server, 'POST', '/reset')).status, 200);
  });
  after(() => server.close());

  const assign = (count = 1) =>
    server.ec2.send(
      new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eniId, SecondaryPrivateIpAddressCount: count })
    );
  const addresses = async () => {
    const { NetworkInterfaces } = await server.ec2.send(
      new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eniId] })
    );
    return NetworkInterfaces![0]!.PrivateIpAddresses!.length;
  };

  it('answers one call with an injected error, then runs the next one, and changes nothing', async () => {
    const created = await control(server, 'POST', '/faults', {
      action: 'AssignPrivateIpAddresses',
      code: 'InsufficientFreeAddressesInSubnet'
    });
    assert.equal(created.status, 201);
    const [fault] = created.json.faults;
    assert.match(fault.id, /^fault-[0-9a-f]{12}$/);
    assert.deepEqual(
      { ...fault, id: undefined },
      {
        id: undefined,
        action: 'AssignPrivateIpAddresses',
        code: 'InsufficientFreeAddressesInSubnet',
        message: NO_ADDRESSES,
        status: 400,
        count: 1,
        hits: 0
      }
    );
    const before = await addresses();
    await assertSdkError(assign(), 'InsufficientFreeAddressesInSubnet', NO_ADDRESSES, 400);
    assert.equal(await addresses(), before, 'an injected fault changes no state');
    await assign();
    assert.equal(await addresses(), before + 1);
    assert.deepEqual((await control(server, 'GET', '/faults')).json, { faults: [] });
  });

  it('fails `count` calls, or every call while sticky, with the given code, message and status', async () => {
    await control(server, 'POST', '/faults', {
      action: 'DescribeVpcs',
      code: 'Unavailable',
      message: 'Try later.',
      status: 503,
      count: 2
    });
    for (let i = 0; i < 2; i++)
      await assertSdkError(server.ec2.send(new DescribeVpcsCommand({})), 'Unavailable', 'Try later.', 503);
    await server.ec2.send(new DescribeVpcsCommand({}));
    await control(server, 'POST', '/faults', {
      action: 'DescribeVpcs',
      code: 'InvalidParameterValue',
      message: 'Injected for the CLI.'
    });
    assertCliError(await server.aws('ec2', 'describe-vpcs'), 'InvalidParameterValue', 'Injected for the CLI.');

    const sticky = await control(server, 'POST', '/faults', {
      action: 'Describe*',
      code: 'InternalError',
      sticky: true
    });
    const id = sticky.json.faults[0].id;
    for (let i = 0; i < 3; i++) {
      await assertSdkError(
        server.ec2.send(new DescribeSubnetsCommand({})),
        'InternalError',
        /^An internal error has occurred/,
        500
      );
    }
    assert.equal((await control(server, 'GET', `/faults/${id}`)).json.fault.hits, 3);
    assert.equal((await control(server, 'DELETE', `/faults/${id}`)).status, 200);
    await server.ec2.send(new DescribeSubnetsCommand({}));
    assert.equal((await control(server, 'DELETE', `/faults/${id}`)).status, 404);
  });

  it('fails only calls whose parameters match `when`, in the order the faults were added', async () => {
    await control(server, 'POST', '/faults', [
      {
        action: 'AssignPrivateIpAddresses',
        code: 'PrivateIpAddressLimitExceeded',
        when: { NetworkInterfaceId: 'eni-00000000000000001' }
      },
      { action: '*', code: 'RequestLimitExceeded' },
      { action: '*', code: 'InternalError' }
    ]);
    await assertSdkError(assign(), 'RequestLimitExceeded', 'Request limit exceeded.', 503);
    await assertSdkError(server.ec2.send(new DescribeVpcsCommand({})), 'InternalError', /internal error/, 500);
    await assign();
    const left = (await control(server, 'GET', '/faults')).json.faults;
    assert.equal(left.length, 1);
    assert.deepEqual(left[0].when, { NetworkInterfaceId: 'eni-00000000000000001' });
  });

  it('answers the JSON face with the injected error in its envelope', async () => {
    await control(server, 'POST', '/faults', { action: 'DescribeVpcs', code: 'UnauthorizedOperation' });
    const response = await server.json({ Action: 'DescribeVpcs' });
    assert.equal(response.status, 403);
    assert.deepEqual(
      { ...response.json.error, requestId: undefined },
      {
        code: 'UNAUTHORIZED',
        ec2Code: 'UnauthorizedOperation',
        message: 'You are not authorized to perform this operation.',
        requestId: undefined
      }
    );
  });

  it('delays an action by its latency, a more specific pattern before "*"', async () => {
    await control(server, 'POST', '/latency', [
      { action: '*', ms: 0 },
      { action: 'DescribeVpcs', ms: 300 }
    ]);
    let t = performance.now();
    await server.ec2.send(new DescribeVpcsCommand({}));
    assert.ok(performance.now() - t >= 290, 'DescribeVpcs waited');
    t = performance.now();
    await server.ec2.send(new DescribeSubnetsCommand({}));
    assert.ok(performance.now() - t < 250, 'DescribeSubnets did not');
    const listed = (await control(server, 'GET', '/latency')).json.latency;
    assert.deepEqual(listed, [
      { action: 'DescribeVpcs', ms: 300 },
      { action: '*', ms: 0 }
    ]);
    assert.equal((await control(server, 'DELETE', '/latency/DescribeVpcs')).status, 200);
    t = performance.now();
    await server.ec2.send(new DescribeVpcsCommand({}));
    assert.ok(performance.now() - t < 250);
  });

  it('makes a subnet answer InsufficientCidrBlocks to prefix picks while it still has free addresses', async () => {
    const set = await control(server, 'POST', `/subnets/${subnetId}/prefix-capacity`, { atCapacity: true });
    assert.deepEqual(set.json, { subnetId, atCapacity: true });
    assert.deepEqual((await control(server, 'GET', '/prefix-capacity')).json, { subnets: [subnetId] });
    const before = await addresses();
    await assertSdkError(
      server.ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eniId, Ipv4PrefixCount: 1 })),
      'InsufficientCidrBlocks',
      NO_CIDR_BLOCKS,
      400
    );
    await assertSdkError(
      server.ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId, Ipv4PrefixCount: 1 })),
      'InsufficientCidrBlocks',
      NO_CIDR_BLOCKS,
      400
    );
    // Single addresses still come: only the /28 blocks are "fragmented".
    await assign();
    const { Subnets } = await server.ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnetId] }));
    assert.ok(Subnets![0]!.AvailableIpAddressCount! > 16);
    assert.equal(await addresses(), before + 1);
    await control(server, 'DELETE', `/subnets/${subnetId}/prefix-capacity`);
    const out = await server.ec2.send(
      new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eniId, Ipv4PrefixCount: 1 })
    );
    assert.equal(out.AssignedIpv4Prefixes?.length, 1);
  });

  it('keeps a call log with parameters and outcomes, filtered by action, code and limit', async () => {
    await control(server, 'POST', '/faults', { action: 'DescribeVpcs', code: 'RequestLimitExceeded' });
    await assertSdkError(
      server.ec2.send(new DescribeVpcsCommand({ VpcIds: ['vpc-0123456789abcdef0'] })),
      'RequestLimitExceeded',
      'Request limit exceeded.',
      503
    );
    await server.ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnetId] }));
    const all = (await control(server, 'GET', '/calls')).json;
    assert.equal(all.calls.length, 2);
    assert.equal(all.dropped, 0);
    const [throttled, described] = all.calls;
    assert.deepEqual(
      {
        action: throttled.action,
        params: throttled.params,
        status: throttled.status,
        code: throttled.code,
        injected: throttled.injected
      },
      {
        action: 'DescribeVpcs',
        params: { 'VpcId.1': 'vpc-0123456789abcdef0' },
        status: 503,
        code: 'RequestLimitExceeded',
        injected: true
      }
    );
    assert.deepEqual(
      { action: described.action, params: described.params, status: described.status, code: described.code },
      { action: 'DescribeSubnets', params: { 'SubnetId.1': subnetId }, status: 200, code: undefined }
    );
    assert.match(described.time, /^\d{4}-\d\d-\d\dT/);
    assert.match(described.requestId, /^[0-9a-f-]{36}$/);
    assert.equal(described.accountId, '123456789012');
    assert.equal(typeof described.durationMs, 'number');
    assert.equal((await control(server, 'GET', '/calls?action=Describe*&code=OK')).json.calls.length, 1);
    assert.equal(
      (await control(server, 'GET', '/calls?code=RequestLimitExceeded')).json.calls[0].action,
      'DescribeVpcs'
    );
    assert.equal((await control(server, 'GET', '/calls?limit=1')).json.calls[0].action, 'DescribeSubnets');
    // A large request is kept in part: its values cut to 1024 characters.
    await server.raw({
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `Action=DescribeVpcs&Version=2016-11-15&VpcId.1=${'a'.repeat(20_000)}`
    });
    const [large] = (await control(server, 'GET', '/calls?limit=1')).json.calls;
    assert.equal(large.params['VpcId.1'], `${'a'.repeat(1024)}… (20000 characters)`);
    await control(server, 'DELETE', '/calls');
    assert.deepEqual((await control(server, 'GET', '/calls')).json, { calls: [], dropped: 0 });
  });

  it('keeps only the last callLogSize calls, counting those dropped', async () => {
    const small = await startTestServer({ callLogSize: 3 });
    try {
      for (let i = 0; i < 5; i++) await small.ec2.send(new DescribeVpcsCommand({}));
      const log = (await control(small, 'GET', '/calls')).json;
      assert.equal(log.calls.length, 3);
      assert.equal(log.dropped, 2);
    } finally {
      await small.close();
    }
  });

  it('resets faults, latency, throttle, switches and the log; with "state", the resources too', async () => {
    await control(server, 'POST', '/faults', { action: 'CreateVpc', code: 'InternalError', sticky: true });
    await control(server, 'POST', '/latency', { action: 'CreateVpc', ms: 50 });
    await control(server, 'POST', '/throttle', { rate: 1, burst: 1 });
    await control(server, 'PUT', `/subnets/${subnetId}/prefix-capacity`);
    const reset = await control(server, 'POST', '/reset');
    assert.deepEqual(reset.json, { reset: true, state: false });
    assert.deepEqual((await control(server, 'GET', '/faults')).json.faults, []);
    assert.deepEqual((await control(server, 'GET', '/latency')).json.latency, []);
    assert.equal((await control(server, 'GET', '/throttle')).json.throttle, null);
    assert.deepEqual((await control(server, 'GET', '/prefix-capacity')).json.subnets, []);
    assert.deepEqual((await control(server, 'GET', '/calls')).json.calls, []);
    assert.equal(
      (await server.ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnetId] }))).Subnets?.length,
      1,
      'the state stays'
    );
  });
});

describe('reset of the whole state', () => {
  it('leaves only a fresh default VPC, and the configured knobs as they started', async () => {
    const server = await startTestServer({
      faults: [{ action: 'DeleteVpc', code: 'InternalError', message: 'x', status: 500, sticky: true }]
    });
    try {
      const { Vpc } = await server.ec2.send(new CreateVpcCommand({ CidrBlock: '10.30.0.0/16' }));
      const defaultBefore = (await server.ec2.send(new DescribeVpcsCommand({}))).Vpcs!.find((v) => v.IsDefault)!.VpcId;
      await control(server, 'POST', '/faults', { action: 'CreateVpc', code: 'InternalError' });
      const reset = await control(server, 'POST', '/reset', { state: true });
      assert.deepEqual(reset.json, { reset: true, state: true });
      const { Vpcs } = await server.ec2.send(new DescribeVpcsCommand({}));
      assert.equal(Vpcs?.length, 1);
      assert.equal(Vpcs[0]!.IsDefault, true);
      assert.notEqual(Vpcs[0]!.VpcId, defaultBefore);
      assert.ok(!Vpcs.some((v) => v.VpcId === Vpc!.VpcId));
      assert.equal((await server.ec2.send(new DescribeSubnetsCommand({}))).Subnets?.length, 6);
      const faults = (await control(server, 'GET', '/faults')).json.faults;
      assert.deepEqual(
        faults.map((f: { action: string }) => f.action),
        ['DeleteVpc'],
        'the start-up fault is back, the one added later is gone'
      );
      await server.ec2.send(new CreateVpcCommand({ CidrBlock: '10.30.0.0/16' }));
    } finally {
      await server.close();
    }
  });
});
