import assert from 'node:assert/strict';
import {
  AssignPrivateIpAddressesCommand,
  type AssignPrivateIpAddressesCommandInput,
  CreateNetworkInterfaceCommand,
  type CreateNetworkInterfaceCommandInput,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSubnetsCommand,
  type NetworkInterface
} from '@aws-sdk/client-ec2';
import type { TestServer } from './ec2lite.js';

/**
 * A VPC of one's own on a test server, handing out fresh non-overlapping subnets so that tests sharing a server
 * never see each other's addresses. Subnets are carved from the VPC in order, each aligned to its own size.
 */
export class VpcLab {
  readonly vpcId: string;
  private readonly server: TestServer;
  /** Next free offset inside the VPC, in addresses. */
  private next = 0;
  private readonly base: number;
  private readonly size: number;

  private constructor(server: TestServer, vpcId: string, cidr: string) {
    this.server = server;
    this.vpcId = vpcId;
    const [address, length] = cidr.split('/') as [string, string];
    this.base = toInt(address);
    this.size = 2 ** (32 - Number(length));
  }

  /** Creates a VPC (10.0.0.0/16 unless told otherwise) on the server. */
  static async create(server: TestServer, cidr = '10.0.0.0/16'): Promise<VpcLab> {
    const { Vpc } = await server.ec2.send(new CreateVpcCommand({ CidrBlock: cidr }));
    assert.ok(Vpc?.VpcId);
    return new VpcLab(server, Vpc.VpcId, cidr);
  }

  /** A new subnet of the given prefix length; returns its id and CIDR. */
  async subnet(prefixLength = 24): Promise<LabSubnet> {
    const block = 2 ** (32 - prefixLength);
    const offset = Math.ceil(this.next / block) * block;
    assert.ok(offset + block <= this.size, 'the lab VPC is out of room');
    this.next = offset + block;
    const cidr = `${toText(this.base + offset)}/${prefixLength}`;
    const { Subnet } = await this.server.ec2.send(
      new CreateSubnetCommand({ VpcId: this.vpcId, CidrBlock: cidr, AvailabilityZone: 'us-east-1a' })
    );
    assert.ok(Subnet?.SubnetId);
    return new LabSubnet(this.server, Subnet.SubnetId, this.base + offset, block);
  }
}

export class LabSubnet {
  readonly id: string;
  /** The subnet's network address as an integer, and its size in addresses. */
  readonly base: number;
  readonly size: number;
  readonly cidr: string;
  private readonly server: TestServer;

  constructor(server: TestServer, id: string, base: number, size: number) {
    this.server = server;
    this.id = id;
    this.base = base;
    this.size = size;
    this.cidr = `${toText(base)}/${32 - Math.log2(size)}`;
  }

  /** The address at `offset` from the network address, as text ("10.0.3.17" for offset 17 of 10.0.3.0/24). */
  at(offset: number): string {
    return toText(this.base + offset);
  }

  /** The /28 prefix starting at `offset` (a multiple of 16 for an aligned one). */
  prefix(offset: number): string {
    return `${this.at(offset)}/28`;
  }

  contains(address: string): boolean {
    const value = toInt(address);
    return value >= this.base && value < this.base + this.size;
  }

  /** True for an address EC2 may hand out: inside the subnet and not one of the five reserved. */
  usable(address: string): boolean {
    const offset = toInt(address) - this.base;
    return offset >= 4 && offset < this.size - 1;
  }

  async available(): Promise<number> {
    const { Subnets } = await this.server.ec2.send(new DescribeSubnetsCommand({ SubnetIds: [this.id] }));
    const count = Subnets?.[0]?.AvailableIpAddressCount;
    assert.equal(typeof count, 'number');
    return count as number;
  }

  /** Creates an interface in this subnet and returns it as the SDK parsed it. */
  async eni(input: Omit<CreateNetworkInterfaceCommandInput, 'SubnetId'> = {}): Promise<NetworkInterface> {
    const { NetworkInterface } = await this.server.ec2.send(
      new CreateNetworkInterfaceCommand({ SubnetId: this.id, ...input })
    );
    assert.ok(NetworkInterface?.NetworkInterfaceId);
    return NetworkInterface;
  }

  /** Every interface of this subnet, as DescribeNetworkInterfaces lists them. */
  async interfaces(): Promise<NetworkInterface[]> {
    const { NetworkInterfaces } = await this.server.ec2.send(
      new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'subnet-id', Values: [this.id] }] })
    );
    return NetworkInterfaces ?? [];
  }
}

/** The interface as DescribeNetworkInterfaces shows it now. */
export async function describeEni(server: TestServer, id: string): Promise<NetworkInterface> {
  const { NetworkInterfaces } = await server.ec2.send(
    new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [id] })
  );
  assert.equal(NetworkInterfaces?.length, 1);
  return NetworkInterfaces[0]!;
}

/** Private addresses of an interface in the order EC2 lists them (primary first). */
export function addressesOf(eni: NetworkInterface): string[] {
  return (eni.PrivateIpAddresses ?? []).map((a) => a.PrivateIpAddress!);
}

export function secondariesOf(eni: NetworkInterface): string[] {
  return (eni.PrivateIpAddresses ?? []).filter((a) => !a.Primary).map((a) => a.PrivateIpAddress!);
}

export function prefixesOf(eni: NetworkInterface): string[] {
  return (eni.Ipv4Prefixes ?? []).map((p) => p.Ipv4Prefix!);
}

/** Sends AssignPrivateIpAddresses and returns the addresses and prefixes this call reported. */
export async function assign(
  server: TestServer,
  input: AssignPrivateIpAddressesCommandInput
): Promise<{ addresses: string[]; prefixes: string[] }> {
  const out = await server.ec2.send(new AssignPrivateIpAddressesCommand(input));
  assert.equal(out.NetworkInterfaceId, input.NetworkInterfaceId);
  return {
    addresses: (out.AssignedPrivateIpAddresses ?? []).map((a) => a.PrivateIpAddress!),
    prefixes: (out.AssignedIpv4Prefixes ?? []).map((p) => p.Ipv4Prefix!)
  };
}

export function toInt(address: string): number {
  return address.split('.').reduce((value, octet) => value * 256 + Number(octet), 0);
}

export function toText(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

/** A well-formed interface id that no server ever issued (17 hex digits, like EC2's). */
export const UNKNOWN_ENI = 'eni-0123456789abcdef0';
export const UNKNOWN_SUBNET = 'subnet-0123456789abcdef0';
