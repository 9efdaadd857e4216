import assert from 'node:assert/strict';
import {
  AttachNetworkInterfaceCommand,
  type AttachNetworkInterfaceCommandInput,
  CreateSubnetCommand,
  DescribeInstancesCommand,
  type Instance,
  RunInstancesCommand,
  type _InstanceType
} from '@aws-sdk/client-ec2';
import type { TestServer } from './ec2lite.js';
import { LabSubnet, type VpcLab, toInt } from './vpc-lab.js';

/** An image id of the form EC2 checks; ec2lite launches any well-formed one. */
export const IMAGE_ID = 'ami-0123456789abcdef0';
export const UNKNOWN_INSTANCE = 'i-0123456789abcdef0';
export const UNKNOWN_ATTACHMENT = 'eni-attach-0123456789abcdef0';

/** Launches one instance of `type` into the subnet and returns its id and primary interface id. */
export async function launch(
  server: TestServer,
  subnet: LabSubnet,
  type: string
): Promise<{ instanceId: string; primaryEniId: string }> {
  const { Instances } = await server.ec2.send(
    new RunInstancesCommand({
      ImageId: IMAGE_ID,
      InstanceType: type as _InstanceType,
      MinCount: 1,
      MaxCount: 1,
      SubnetId: subnet.id
    })
  );
  const instance = Instances?.[0];
  assert.ok(instance?.InstanceId);
  const primary = instance.NetworkInterfaces?.find((n) => n.Attachment?.DeviceIndex === 0);
  assert.ok(primary?.NetworkInterfaceId);
  return { instanceId: instance.InstanceId, primaryEniId: primary.NetworkInterfaceId };
}

/** Attaches and returns the attachment id. */
export async function attach(server: TestServer, input: AttachNetworkInterfaceCommandInput): Promise<string> {
  const out = await server.ec2.send(new AttachNetworkInterfaceCommand(input));
  assert.match(out.AttachmentId ?? '', /^eni-attach-[0-9a-f]{17}$/);
  return out.AttachmentId!;
}

/** The instance as DescribeInstances shows it now. */
export async function describeInstance(server: TestServer, instanceId: string): Promise<Instance> {
  const { Reservations } = await server.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
  const instance = Reservations?.[0]?.Instances?.[0];
  assert.ok(instance);
  return instance;
}

/** A /24 subnet of the lab's VPC in another availability zone, at a fixed offset the lab itself never reaches. */
export async function subnetInZone(server: TestServer, lab: VpcLab, cidr: string, zone: string): Promise<LabSubnet> {
  const { Subnet } = await server.ec2.send(
    new CreateSubnetCommand({ VpcId: lab.vpcId, CidrBlock: cidr, AvailabilityZone: zone })
  );
  assert.ok(Subnet?.SubnetId);
  const [address, length] = cidr.split('/') as [string, string];
  return new LabSubnet(server, Subnet.SubnetId, toInt(address), 2 ** (32 - Number(length)));
}

/** "interface-" followed by the hex digits of an interface id, as EC2 names it in InvalidInterface.IpAddressLimitExceeded. */
export function interfaceName(eniId: string): string {
  return `interface-${eniId.slice('eni-'.length)}`;
}
