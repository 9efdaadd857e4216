import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AssignPrivateIpAddressesCommand,
  CreateNetworkInterfaceCommand,
  DescribeSubnetsCommand
} from '@aws-sdk/client-ec2';
import { type TestServer, startTestServer } from '../helpers/ec2lite.js';

describe('a real client against a fresh ec2lite', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('assigns secondary addresses on an interface in a default subnet, with the SDK', async () => {
    const { Subnets } = await server.ec2.send(new DescribeSubnetsCommand({}));
    assert.equal(Subnets?.length, 6, 'us-east-1 has six default subnets');
    const subnet = Subnets[0]!;
    assert.equal(subnet.AvailableIpAddressCount, 4096 - 5);
    const { NetworkInterface } = await server.ec2.send(
      new CreateNetworkInterfaceCommand({ SubnetId: subnet.SubnetId })
    );
    const out = await server.ec2.send(
      new AssignPrivateIpAddressesCommand({
        NetworkInterfaceId: NetworkInterface!.NetworkInterfaceId,
        SecondaryPrivateIpAddressCount: 2
      })
    );
    assert.equal(out.AssignedPrivateIpAddresses?.length, 2);
    assert.match(out.$metadata.requestId ?? '', /^[0-9a-f-]{36}$/);
  });

  it('answers the AWS CLI v2', async () => {
    const result = await server.aws('ec2', 'describe-vpcs');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.json.Vpcs[0].CidrBlock, '172.31.0.0/16');
    assert.equal(result.json.Vpcs[0].IsDefault, true);
  });
});
