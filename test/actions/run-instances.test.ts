import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AttachNetworkInterfaceCommand,
  DescribeNetworkInterfacesCommand,
  type Instance,
  type InstanceNetworkInterfaceSpecification,
  RunInstancesCommand
} from '@aws-sdk/client-ec2';
import { type TestServer, assertCliError, assertSdkError, items, startTestServer } from '../helpers/ec2lite.js';
import {
  type LabSubnet,
  UNKNOWN_ENI,
  UNKNOWN_SUBNET,
  VpcLab,
  addressesOf,
  describeEni,
  prefixesOf,
  secondariesOf
} from '../helpers/vpc-lab.js';
import { launcher } from '../helpers/launcher.js';
import { type RefusalRule, assertRefused, describeRefusals } from '../helpers/refusals.js';

const AMI = 'ami-0abcdef1234567890';
const NO_ADDRESSES = 'The specified subnet does not have enough free addresses to satisfy the request.';
const LIMIT = 'Number of private addresses will exceed limit.';
const DRY_RUN = 'Request would have succeeded, but DryRun flag is set.';
const unknownType = (type: string) => `Invalid value '${type}' for InstanceType.`;
const malformedAmi = (id: string) => `Invalid id: "${id}" (expecting "ami-...")`;
const withInterfaces = (what: string) =>
  `Network interfaces and an instance-level ${what} may not be specified on the same request`;
const xenPrefixes = (type: string) =>
  `Prefix delegation is not supported for instance type ${type}. Use an instance type built on the Nitro System.`;

/** A new interface of a launch, in `subnet` at device index 0 unless `spec` says otherwise. */
const nic = (subnet: LabSubnet, spec: InstanceNetworkInterfaceSpecification = {}) => ({
  DeviceIndex: 0,
  SubnetId: subnet.id,
  ...spec
});
/** The interfaces of a launch onto the existing interface `id` at device index 0. */
const existing = (id: string, spec: InstanceNetworkInterfaceSpecification = {}) => ({
  NetworkInterfaces: [{ DeviceIndex: 0, NetworkInterfaceId: id, ...spec }]
});

describe('RunInstances', () => {
  let server: TestServer;
  let lab: VpcLab;
  const { run, launch, describeInstance, query, json, cli, reservationsWhere, instancesWhere } = launcher(
    () => server,
    { imageId: AMI }
  );
  /** After a refused launch the subnet has no new instance, interface or address less. */
  async function assertNothingLaunched(
    subnet: LabSubnet,
    interfaces: number,
    available: number,
    instances = 0
  ): Promise<void> {
    assert.equal((await instancesWhere('subnet-id', subnet.id)).length, instances);
    assert.equal((await subnet.interfaces()).length, interfaces);
    assert.equal(await subnet.available(), available);
  }

  before(async () => {
    server = await startTestServer();
    lab = await VpcLab.create(server);
  });
  after(() => server.close());

  describe('serializations', () => {
    it('answers the SDK with a reservation of pending instances, each with its primary interface', async () => {
      const subnet = await lab.subnet();
      const out = await run({ SubnetId: subnet.id, InstanceType: 't3.medium', ClientToken: 'serial-1' });
      assert.equal(out.$metadata.httpStatusCode, 200);
      assert.match(out.ReservationId ?? '', /^r-[0-9a-f]{17}$/);
      assert.equal(out.OwnerId, '123456789012');
      assert.equal(out.Instances?.length, 1);
      const instance = out.Instances[0]!;
      assert.match(instance.InstanceId ?? '', /^i-[0-9a-f]{17}$/);
      assert.equal(instance.ImageId, AMI);
      assert.equal(instance.InstanceType, 't3.medium');
      assert.deepEqual(instance.State, { Code: 0, Name: 'pending' });
      assert.equal(instance.AmiLaunchIndex, 0);
      assert.equal(instance.ClientToken, 'serial-1');
      assert.equal(instance.SubnetId, subnet.id);
      assert.equal(instance.VpcId, lab.vpcId);
      assert.equal(instance.Placement?.AvailabilityZone, 'us-east-1a');
      assert.ok(subnet.usable(instance.PrivateIpAddress!));
      assert.equal(instance.PrivateDnsName, `ip-${instance.PrivateIpAddress!.replaceAll('.', '-')}.ec2.internal`);
      assert.ok(instance.LaunchTime instanceof Date);
      assert.equal(instance.NetworkInterfaces?.length, 1);
      const eni = instance.NetworkInterfaces[0]!;
      assert.match(eni.NetworkInterfaceId ?? '', /^eni-[0-9a-f]{17}$/);
      assert.equal(eni.SubnetId, subnet.id);
      assert.equal(eni.Status, 'in-use');
      assert.equal(eni.PrivateIpAddress, instance.PrivateIpAddress);
      assert.deepEqual(eni.PrivateIpAddresses, [
        { Primary: true, PrivateIpAddress: instance.PrivateIpAddress, PrivateDnsName: instance.PrivateDnsName }
      ]);
      assert.match(eni.Attachment?.AttachmentId ?? '', /^eni-attach-[0-9a-f]{17}$/);
      assert.equal(eni.Attachment?.DeviceIndex, 0);
      assert.equal(eni.Attachment?.NetworkCardIndex, 0);
      assert.equal(eni.Attachment?.DeleteOnTermination, true);
      assert.equal(eni.Attachment?.Status, 'attached');
      // Without SecurityGroupId.N the interface and instance get the VPC's default group.
      assert.equal(eni.Groups?.[0]?.GroupName, 'default');
      assert.deepEqual(instance.SecurityGroups, eni.Groups);
      assert.deepEqual(instance.MetadataOptions, {
        State: 'pending',
        HttpTokens: 'optional',
        HttpPutResponseHopLimit: 1,
        HttpEndpoint: 'enabled'
      });
      // EC2 leaves tagSet out of an untagged instance.
      assert.equal(instance.Tags, undefined);
    });

    it('reads the Query wire names of NetworkInterface.N, TagSpecification.N and MetadataOptions, and answers EC2 XML', async () => {
      const subnet = await lab.subnet();
      const group = (await subnet.eni()).Groups![0]!.GroupId!;
      const response = await query({
        InstanceType: 'm5.large',
        'NetworkInterface.1.DeviceIndex': 0,
        'NetworkInterface.1.SubnetId': subnet.id,
        'NetworkInterface.1.Description': 'wire & <names>',
        'NetworkInterface.1.PrivateIpAddresses.1.PrivateIpAddress': subnet.at(20),
        'NetworkInterface.1.PrivateIpAddresses.1.Primary': true,
        'NetworkInterface.1.PrivateIpAddresses.2.PrivateIpAddress': subnet.at(21),
        'NetworkInterface.1.SecurityGroupId.1': group,
        // Prefixes go on an interface without named secondaries (EC2 model member docs).
        'NetworkInterface.2.DeviceIndex': 1,
        'NetworkInterface.2.SubnetId': subnet.id,
        'NetworkInterface.2.Ipv4Prefix.1.Ipv4Prefix': subnet.prefix(64),
        'TagSpecification.1.ResourceType': 'instance',
        'TagSpecification.1.Tag.1.Key': 'Name',
        'TagSpecification.1.Tag.1.Value': 'wire',
        'MetadataOptions.HttpTokens': 'required',
        'MetadataOptions.HttpPutResponseHopLimit': 2,
        'Placement.AvailabilityZone': 'us-east-1a',
        ClientToken: 'wire-token'
      });
      assert.equal(response.status, 200, response.text);
      const root = response.xml.RunInstancesResponse;
      assert.equal(root['@_xmlns'], 'http://ec2.amazonaws.com/doc/2016-11-15/');
      assert.match(root.requestId, /^[0-9a-f-]{36}$/);
      assert.match(root.reservationId, /^r-[0-9a-f]{17}$/);
      assert.equal(root.ownerId, '123456789012');
      const [instance] = items(root.instancesSet);
      assert.deepEqual(instance.instanceState, { code: '0', name: 'pending' });
      assert.equal(instance.instanceType, 'm5.large');
      assert.equal(instance.privateIpAddress, subnet.at(20));
      assert.equal(instance.clientToken, 'wire-token');
      assert.deepEqual(instance.placement.availabilityZone, 'us-east-1a');
      assert.deepEqual(items(instance.tagSet), [{ key: 'Name', value: 'wire' }]);
      assert.deepEqual(instance.metadataOptions, {
        state: 'pending',
        httpTokens: 'required',
        httpPutResponseHopLimit: '2',
        httpEndpoint: 'enabled'
      });
      const [eni, second] = items(instance.networkInterfaceSet);
      assert.equal(eni.description, 'wire & <names>');
      assert.equal(eni.attachment.deviceIndex, '0');
      assert.equal(eni.attachment.deleteOnTermination, 'true');
      assert.equal(eni.attachment.status, 'attached');
      assert.deepEqual(
        items(eni.privateIpAddressesSet).map((a) => [a.privateIpAddress, a.primary]),
        [
          [subnet.at(20), 'true'],
          [subnet.at(21), 'false']
        ]
      );
      assert.deepEqual(items(second.ipv4PrefixSet), [{ ipv4Prefix: subnet.prefix(64) }]);
      assert.equal(second.attachment.deviceIndex, '1');
      assert.deepEqual(
        items(eni.groupSet).map((g) => g.groupId),
        [group]
      );
    });

    it('answers the AWS CLI with --count, --subnet-id, --security-group-ids and --tag-specifications', async () => {
      const subnet = await lab.subnet();
      const group = (await subnet.eni()).Groups![0]!.GroupId!;
      const result = await cli(
        '--instance-type',
        't3.micro',
        '--count',
        '2',
        '--subnet-id',
        subnet.id,
        '--security-group-ids',
        group,
        '--tag-specifications',
        'ResourceType=instance,Tags=[{Key=team,Value=cli}]',
        'ResourceType=network-interface,Tags=[{Key=eni,Value=cli}]'
      );
      assert.equal(result.code, 0, result.stderr);
      const instances = result.json.Instances;
      assert.equal(instances.length, 2);
      assert.deepEqual(
        instances.map((i: Instance) => i.AmiLaunchIndex),
        [0, 1]
      );
      for (const instance of instances) {
        assert.equal(instance.State.Name, 'pending');
        assert.equal(instance.SubnetId, subnet.id);
        assert.deepEqual(instance.Tags, [{ Key: 'team', Value: 'cli' }]);
        assert.deepEqual(
          instance.SecurityGroups.map((g: { GroupId: string }) => g.GroupId),
          [group]
        );
      }
      const enis = await subnet.interfaces();
      assert.equal(enis.filter((e) => e.Status === 'in-use').length, 2);
      for (const eni of enis.filter((e) => e.Status === 'in-use'))
        assert.deepEqual(eni.TagSet, [{ Key: 'eni', Value: 'cli' }]);
      assert.equal(await subnet.available(), 251 - 3);
    });

    it("honours the AWS CLI's --private-ip-address and --secondary-private-ip-address-count, which it moves into NetworkInterface.1", async () => {
      const subnet = await lab.subnet();
      const result = await cli(
        '--instance-type',
        'm5.large',
        '--subnet-id',
        subnet.id,
        '--private-ip-address',
        subnet.at(50),
        '--secondary-private-ip-address-count',
        '3'
      );
      assert.equal(result.code, 0, result.stderr);
      const [instance] = result.json.Instances;
      assert.equal(instance.PrivateIpAddress, subnet.at(50));
      assert.equal(instance.SubnetId, subnet.id);
      const addresses = instance.NetworkInterfaces[0].PrivateIpAddresses;
      assert.equal(addresses.length, 4);
      assert.deepEqual(addresses[0], {
        Primary: true,
        PrivateIpAddress: subnet.at(50),
        PrivateDnsName: `ip-${subnet.at(50).replaceAll('.', '-')}.ec2.internal`
      });
      assert.ok(
        addresses
          .slice(1)
          .every((a: { Primary: boolean; PrivateIpAddress: string }) => !a.Primary && subnet.usable(a.PrivateIpAddress))
      );
      assert.equal(await subnet.available(), 251 - 4);
    });

    it('takes --private-ip-address alone as the instance-level primary address', async () => {
      const subnet = await lab.subnet();
      const result = await cli('--subnet-id', subnet.id, '--private-ip-address', subnet.at(7));
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.json.Instances[0].PrivateIpAddress, subnet.at(7));
      assert.equal(result.json.Instances[0].InstanceType, 'm1.small');
    });

    it('--secondary-private-ip-address-count without a subnet launches into the default subnet', async () => {
      const result = await cli('--instance-type', 'm5.large', '--secondary-private-ip-address-count', '2');
      assert.equal(result.code, 0, result.stderr);
      const [instance] = result.json.Instances;
      assert.match(instance.PrivateIpAddress, /^172\.31\./);
      assert.equal(instance.Placement.AvailabilityZone, 'us-east-1a');
      assert.equal(instance.NetworkInterfaces[0].PrivateIpAddresses.length, 3);
    });

    it('answers on the JSON face', async () => {
      const subnet = await lab.subnet();
      const ok = await json({ SubnetId: subnet.id });
      assert.equal(ok.status, 200, ok.text);
      assert.equal(ok.json.data.Instances[0].State.Name, 'pending');
      await assertRefused({
        json: () => json({ InstanceType: 'm5.huge' }),
        code: 'InvalidParameterValue',
        message: unknownType('m5.huge')
      });
    });
  });

  describe('validations', () => {
    let subnet: LabSubnet;
    before(async () => {
      subnet = await lab.subnet();
    });
    /** RunInstances of an m5.large with one new interface in the subnet, then `spec`. */
    const m5With = (spec: InstanceNetworkInterfaceSpecification) =>
      run({ InstanceType: 'm5.large', NetworkInterfaces: [nic(subnet, spec)] });
    const twoAddresses = () => [
      { PrivateIpAddress: subnet.at(20), Primary: true },
      { PrivateIpAddress: subnet.at(21) }
    ];
    const devices = (count: number) => Array.from({ length: count }, (_, DeviceIndex) => nic(subnet, { DeviceIndex }));
    const attachments = (count: number, type: string) => `Interface count ${count} exceeds the limit for ${type}`;
    const oneAddressOnly = 'Cannot specify a private IP address when launching more than one instance.';

    /** Requests refused with nothing launched, one `it` each, under the rule they break. */
    const rules: RefusalRule[] = [
      [
        'ImageId: missing is MissingParameter, malformed is InvalidAMIID.Malformed',
        [
          {
            title: 'no ImageId',
            sdk: () => server.ec2.send(new RunInstancesCommand({ MinCount: 1, MaxCount: 1, SubnetId: subnet.id })),
            code: 'MissingParameter',
            message: 'The request must contain the parameter ImageId'
          },
          ...['ubuntu', 'ami-XYZ'].map((id) => ({
            title: `ImageId ${id}`,
            sdk: () => run({ ImageId: id, SubnetId: subnet.id }),
            code: 'InvalidAMIID.Malformed',
            message: malformedAmi(id)
          })),
          {
            title: 'the AWS CLI with --image-id ami-nothex',
            cli: () => server.aws('ec2', 'run-instances', '--image-id', 'ami-nothex', '--subnet-id', subnet.id),
            code: 'InvalidAMIID.Malformed',
            message: malformedAmi('ami-nothex')
          }
        ]
      ],
      [
        'InstanceType: an unknown type is InvalidParameterValue',
        [
          {
            title: 'InstanceType m5.huge',
            sdk: () => run({ SubnetId: subnet.id, InstanceType: 'm5.huge' as never }),
            code: 'InvalidParameterValue',
            message: unknownType('m5.huge')
          },
          {
            title: 'the AWS CLI with --instance-type t9.nano',
            cli: () => cli('--subnet-id', subnet.id, '--instance-type', 't9.nano'),
            code: 'InvalidParameterValue',
            message: unknownType('t9.nano')
          }
        ]
      ],
      [
        'MinCount and MaxCount: missing is MissingParameter',
        ['MinCount', 'MaxCount'].map((count) => ({
          title: `no ${count}`,
          query: () => query({ SubnetId: subnet.id, [count]: undefined }),
          code: 'MissingParameter',
          message: `The request must contain the parameter ${count}`
        }))
      ],
      [
        'MinCount and MaxCount: zero, negative, not a number, or MaxCount below MinCount are InvalidParameterValue',
        [
          {
            title: 'MaxCount 0',
            sdk: () => run({ SubnetId: subnet.id, MaxCount: 0 }),
            code: 'InvalidParameterValue',
            message: 'Maximum instance count must be greater than zero'
          },
          ...[0, -1].map((MinCount) => ({
            title: `MinCount ${MinCount}`,
            sdk: () => run({ SubnetId: subnet.id, MinCount }),
            code: 'InvalidParameterValue',
            message: 'Minimum instance count must be greater than zero'
          })),
          {
            title: 'MinCount 3 with MaxCount 2',
            sdk: () => run({ SubnetId: subnet.id, MinCount: 3, MaxCount: 2 }),
            code: 'InvalidParameterValue',
            message: 'maxCount should be greater than or equal to minCount.'
          },
          {
            title: 'MinCount one on the Query face',
            query: () => query({ SubnetId: subnet.id, MinCount: 'one' }),
            code: 'InvalidParameterValue',
            message: 'Value (one) for parameter MinCount is invalid. Expected an integer.'
          }
        ]
      ],
      [
        'NetworkInterface.N with an instance-level SubnetId, PrivateIpAddress or security group is InvalidParameterCombination',
        [
          {
            title: 'with SubnetId',
            sdk: () => run({ SubnetId: subnet.id, NetworkInterfaces: [nic(subnet)] }),
            code: 'InvalidParameterCombination',
            message: withInterfaces('subnet ID')
          },
          {
            title: 'with PrivateIpAddress',
            sdk: () => run({ PrivateIpAddress: subnet.at(10), NetworkInterfaces: [nic(subnet)] }),
            code: 'InvalidParameterCombination',
            message: withInterfaces('private IP address')
          },
          {
            title: 'with SecurityGroupId.N',
            sdk: () => run({ SecurityGroupIds: ['sg-0123456789abcdef0'], NetworkInterfaces: [nic(subnet)] }),
            code: 'InvalidParameterCombination',
            message: withInterfaces('security groups')
          },
          {
            title: 'the AWS CLI with --subnet-id and --network-interfaces',
            cli: () => cli('--subnet-id', subnet.id, '--network-interfaces', `DeviceIndex=0,SubnetId=${subnet.id}`),
            code: 'InvalidParameterCombination',
            message: withInterfaces('subnet ID')
          }
        ]
      ],
      [
        'PrivateIpAddress with MaxCount > 1 is InvalidParameterCombination',
        [
          {
            title: 'at the instance level',
            sdk: () => run({ SubnetId: subnet.id, PrivateIpAddress: subnet.at(10), MaxCount: 2 }),
            code: 'InvalidParameterCombination',
            message: oneAddressOnly
          },
          {
            title: 'in NetworkInterface.1',
            sdk: () => run({ MaxCount: 2, NetworkInterfaces: [nic(subnet, { PrivateIpAddress: subnet.at(10) })] }),
            code: 'InvalidParameterCombination',
            message: oneAddressOnly
          }
        ]
      ],
      [
        'interface specifications: a missing device index, a repeated one, none at index 0, an unknown card',
        [
          {
            title: 'no device index',
            sdk: () => run({ NetworkInterfaces: [{ SubnetId: subnet.id }] }),
            code: 'InvalidParameterValue',
            message: 'Each network interface requires a device index.'
          },
          {
            title: 'device index 0 twice',
            sdk: () => run({ InstanceType: 'm5.large', NetworkInterfaces: [nic(subnet), nic(subnet)] }),
            code: 'InvalidParameterValue',
            message: 'Each network interface requires a unique device index; 0 is repeated.'
          },
          {
            title: 'no device at index 0',
            sdk: () => m5With({ DeviceIndex: 1 }),
            code: 'InvalidParameterValue',
            message: 'When specifying network interfaces, you must include a device at index 0.'
          },
          {
            title: 'network card 1 of an m5.large',
            sdk: () =>
              run({ InstanceType: 'm5.large', NetworkInterfaces: [nic(subnet), nic(subnet, { NetworkCardIndex: 1 })] }),
            code: 'InvalidParameterValue',
            message: 'Network card index 1 is not valid for instance type m5.large.'
          }
        ]
      ],
      [
        'more interfaces than the type takes is AttachmentLimitExceeded, counting them all',
        [
          {
            title: 'four on a t3.medium',
            sdk: () => run({ InstanceType: 't3.medium', NetworkInterfaces: devices(4) }),
            code: 'AttachmentLimitExceeded',
            message: attachments(4, 't3.medium')
          },
          {
            title: 'three on an m4.large',
            sdk: () => run({ InstanceType: 'm4.large', NetworkInterfaces: devices(3) }),
            code: 'AttachmentLimitExceeded',
            message: attachments(3, 'm4.large')
          },
          {
            title: 'the AWS CLI: three on a t2.micro',
            cli: () =>
              cli(
                '--instance-type',
                't2.micro',
                '--network-interfaces',
                ...[0, 1, 2].map((i) => `DeviceIndex=${i},SubnetId=${subnet.id}`)
              ),
            code: 'AttachmentLimitExceeded',
            message: attachments(3, 't2.micro')
          }
        ]
      ],
      [
        "SecondaryPrivateIpAddressCount beyond the type's Ipv4AddressesPerInterface is PrivateIpAddressLimitExceeded",
        [
          {
            // m5.large: 10 addresses per interface, the primary included.
            title: '10 on an m5.large',
            sdk: () => m5With({ SecondaryPrivateIpAddressCount: 10 }),
            code: 'PrivateIpAddressLimitExceeded',
            message: LIMIT
          },
          {
            title: '2 on a t2.micro',
            sdk: () =>
              run({
                InstanceType: 't2.micro',
                NetworkInterfaces: [nic(subnet, { SecondaryPrivateIpAddressCount: 2 })]
              }),
            code: 'PrivateIpAddressLimitExceeded',
            message: LIMIT
          },
          {
            title: 'the AWS CLI: 6 on a t3.medium',
            cli: () =>
              cli(
                '--instance-type',
                't3.medium',
                '--subnet-id',
                subnet.id,
                '--secondary-private-ip-address-count',
                '6'
              ),
            code: 'PrivateIpAddressLimitExceeded',
            message: LIMIT
          }
        ]
      ],
      [
        'prefixes on a Xen type are refused',
        [
          ...(['t2.micro', 'm4.large'] as const).map((type) => ({
            title: `Ipv4PrefixCount for instance type ${type}`,
            sdk: () => run({ InstanceType: type, NetworkInterfaces: [nic(subnet, { Ipv4PrefixCount: 1 })] }),
            code: 'InvalidParameterValue',
            message: xenPrefixes(type)
          })),
          {
            title: 'Ipv4Prefix.N for instance type m4.large',
            sdk: () =>
              run({
                InstanceType: 'm4.large',
                NetworkInterfaces: [nic(subnet, { Ipv4Prefixes: [{ Ipv4Prefix: subnet.prefix(64) }] })]
              }),
            code: 'InvalidParameterValue',
            message: xenPrefixes('m4.large')
          }
        ]
      ],
      [
        'mixing prefix and address options in one interface is InvalidParameterCombination',
        [
          {
            title: 'Ipv4PrefixCount with Ipv4Prefix.N',
            sdk: () => m5With({ Ipv4PrefixCount: 1, Ipv4Prefixes: [{ Ipv4Prefix: subnet.prefix(64) }] }),
            code: 'InvalidParameterCombination',
            message: 'You may specify either ipv4Prefixes or ipv4PrefixCount, but not both.'
          },
          {
            title: 'Ipv4PrefixCount with SecondaryPrivateIpAddressCount',
            sdk: () => m5With({ Ipv4PrefixCount: 1, SecondaryPrivateIpAddressCount: 1 }),
            code: 'InvalidParameterCombination',
            message: 'You may not specify secondaryPrivateIpAddressCount together with ipv4Prefixes or ipv4PrefixCount.'
          },
          {
            title: 'two PrivateIpAddresses.N with Ipv4PrefixCount',
            sdk: () => m5With({ PrivateIpAddresses: twoAddresses(), Ipv4PrefixCount: 1 }),
            code: 'InvalidParameterCombination',
            message: 'You may not specify privateIpAddresses together with ipv4Prefixes or ipv4PrefixCount.'
          },
          {
            title: 'two PrivateIpAddresses.N with SecondaryPrivateIpAddressCount',
            sdk: () => m5With({ PrivateIpAddresses: twoAddresses(), SecondaryPrivateIpAddressCount: 1 }),
            code: 'InvalidParameterCombination',
            message:
              'You may not specify secondaryPrivateIpAddressCount together with more than one privateIpAddresses entry.'
          }
        ]
      ],
      [
        'security groups, availability zone and tag specifications',
        [
          {
            title: 'SecurityGroupId.N default',
            sdk: () => run({ SubnetId: subnet.id, SecurityGroupIds: ['default'] }),
            code: 'InvalidGroupId.Malformed',
            message: 'Invalid id: "default" (expecting "sg-...")'
          },
          {
            title: "an availability zone other than the subnet's",
            sdk: () => run({ SubnetId: subnet.id, Placement: { AvailabilityZone: 'us-east-1b' } }),
            code: 'InvalidParameterValue',
            message: () =>
              `Value (us-east-1b) for parameter availabilityZone is invalid. Subnet '${subnet.id}' is in the availability zone us-east-1a`
          },
          {
            title: 'an unknown availability zone of the region, without a subnet',
            sdk: () => run({ Placement: { AvailabilityZone: 'us-east-1z' } }),
            code: 'InvalidParameterValue',
            message: 'Invalid availability zone: [us-east-1z]'
          },
          {
            title: 'an availability zone of another region',
            sdk: () => run({ SubnetId: subnet.id, Placement: { AvailabilityZone: 'eu-west-1a' } }),
            code: 'InvalidParameterValue',
            message: 'Invalid availability zone: [eu-west-1a]'
          },
          {
            title: 'TagSpecification.N for a vpc',
            sdk: () =>
              run({
                SubnetId: subnet.id,
                TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'a', Value: 'b' }] }]
              }),
            code: 'InvalidParameterValue',
            message: "'vpc' is not a valid taggable resource type for this operation."
          }
        ]
      ],
      [
        'an unknown parameter is UnknownParameter',
        [
          {
            title: 'NetworkInterface.1.Bogus',
            query: () => query({ SubnetId: subnet.id, 'NetworkInterface.1.Bogus': 1 }),
            code: 'UnknownParameter',
            message: 'The parameter NetworkInterface.1.Bogus is not recognized'
          }
        ]
      ]
    ];
    describeRefusals(rules, () => assertNothingLaunched(subnet, 0, 251));

    it('an existing interface: unknown, malformed, attached elsewhere, with DeleteOnTermination, too many addresses, or for several instances', async () => {
      await assertSdkError(
        run(existing(UNKNOWN_ENI)),
        'InvalidNetworkInterfaceID.NotFound',
        `The networkInterface ID '${UNKNOWN_ENI}' does not exist`
      );
      await assertSdkError(
        run(existing('eni-xyz')),
        'InvalidNetworkInterfaceId.Malformed',
        'Invalid id: "eni-xyz" (expecting "eni-...")'
      );
      const busy = await lab.subnet();
      const instance = await launch({ SubnetId: busy.id, InstanceType: 'm5.large' });
      const eni = await busy.eni();
      await server.ec2.send(
        new AttachNetworkInterfaceCommand({
          NetworkInterfaceId: eni.NetworkInterfaceId,
          InstanceId: instance.InstanceId,
          DeviceIndex: 1
        })
      );
      await assertSdkError(
        run(existing(eni.NetworkInterfaceId!)),
        'InvalidNetworkInterface.InUse',
        `Interface: [${eni.NetworkInterfaceId}] in use.`
      );
      const free = (await busy.eni({ SecondaryPrivateIpAddressCount: 3 })).NetworkInterfaceId!;
      await assertSdkError(
        run(existing(free, { DeleteOnTermination: true })),
        'InvalidParameterCombination',
        `DeleteOnTermination can be true only for a network interface created at launch, not for ${free}.`
      );
      await assertSdkError(
        run({ MaxCount: 2, ...existing(free) }),
        'InvalidParameterCombination',
        'Cannot specify a network interface ID when launching more than one instance.'
      );
      // t3.micro: 2 addresses per interface; this one holds 4.
      await assertSdkError(
        run({ InstanceType: 't3.micro', ...existing(free) }),
        'InvalidInterface.IpAddressLimitExceeded',
        `Address count 4 on interface-${free.slice(4)} exceeds the limit for t3.micro`
      );
      assert.equal((await describeEni(server, free)).Status, 'available');
    });

    it('subnets and addresses: unknown or malformed subnet, address taken, outside the subnet or not an address', async () => {
      const unknownSubnet = `The subnet ID '${UNKNOWN_SUBNET}' does not exist`;
      await assertSdkError(run({ SubnetId: UNKNOWN_SUBNET }), 'InvalidSubnetID.NotFound', unknownSubnet);
      await assertSdkError(
        run({ SubnetId: 'subnet-nope' }),
        'InvalidSubnetID.Malformed',
        'Invalid id: "subnet-nope" (expecting "subnet-...")'
      );
      await assertSdkError(
        run({ NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: UNKNOWN_SUBNET }] }),
        'InvalidSubnetID.NotFound',
        unknownSubnet
      );
      const own = await lab.subnet();
      const holder = await own.eni({ PrivateIpAddress: own.at(10) });
      const taken = `Address ${own.at(10)} is in use.`;
      await assertSdkError(run({ SubnetId: own.id, PrivateIpAddress: own.at(10) }), 'InvalidIPAddress.InUse', taken);
      const addresses = [{ PrivateIpAddress: own.at(11), Primary: true }, { PrivateIpAddress: own.at(10) }];
      await assertSdkError(
        run({ InstanceType: 'm5.large', NetworkInterfaces: [nic(own, { PrivateIpAddresses: addresses })] }),
        'InvalidIPAddress.InUse',
        taken
      );
      const outside = "Address does not fall within the subnet's address range";
      await assertSdkError(run({ SubnetId: own.id, PrivateIpAddress: '10.99.0.10' }), 'InvalidParameterValue', outside);
      const notAnAddress = 'invalid value for parameter address: 10.0.0.999';
      await assertSdkError(
        run({ SubnetId: own.id, PrivateIpAddress: '10.0.0.999' }),
        'InvalidParameterValue',
        notAnAddress
      );
      await assertNothingLaunched(own, 1, 251 - 1);
      assert.equal((await describeEni(server, holder.NetworkInterfaceId!)).Status, 'available');
    });
  });

  describe('functionality', () => {
    it('launches m1.small into the default subnet of the first zone without a subnet or type', async () => {
      const instance = await launch({});
      assert.equal(instance.InstanceType, 'm1.small');
      assert.equal(instance.Placement?.AvailabilityZone, 'us-east-1a');
      assert.match(instance.PrivateIpAddress ?? '', /^172\.31\.(\d|1[0-5])\./);
      const described = await describeInstance(instance.InstanceId!);
      assert.deepEqual(described.State, { Code: 16, Name: 'running' });
      assert.equal(described.MetadataOptions?.State, 'applied');
    });

    it('Placement.AvailabilityZone picks the default subnet of that zone', async () => {
      const instance = await launch({ Placement: { AvailabilityZone: 'us-east-1b' } });
      assert.equal(instance.Placement?.AvailabilityZone, 'us-east-1b');
      assert.match(instance.PrivateIpAddress ?? '', /^172\.31\.(1[6-9]|2\d|3[01])\./);
    });

    it('launches as many as fit between MinCount and MaxCount', async () => {
      const subnet = await lab.subnet(28); // 11 usable addresses
      const out = await run({
        InstanceType: 'm5.large',
        MinCount: 1,
        MaxCount: 5,
        NetworkInterfaces: [nic(subnet, { SecondaryPrivateIpAddressCount: 4 })]
      });
      // Five addresses each: two instances fit, a third does not.
      assert.equal(out.Instances?.length, 2);
      assert.deepEqual(
        out.Instances.map((i) => i.AmiLaunchIndex),
        [0, 1]
      );
      assert.equal(await subnet.available(), 1);
      assert.equal((await subnet.interfaces()).length, 2);
      assert.equal((await reservationsWhere('reservation-id', out.ReservationId!))?.[0]?.Instances?.length, 2);
    });

    it('below MinCount fails with InsufficientFreeAddressesInSubnet and leaves nothing behind', async () => {
      const subnet = await lab.subnet(28);
      await assertSdkError(
        run({
          InstanceType: 'm5.large',
          MinCount: 3,
          MaxCount: 5,
          NetworkInterfaces: [nic(subnet, { SecondaryPrivateIpAddressCount: 4 })]
        }),
        'InsufficientFreeAddressesInSubnet',
        NO_ADDRESSES
      );
      await assertNothingLaunched(subnet, 0, 11);
      assertCliError(
        await cli('--subnet-id', subnet.id, '--count', '12'),
        'InsufficientFreeAddressesInSubnet',
        NO_ADDRESSES
      );
      await assertNothingLaunched(subnet, 0, 11);
      // The same launch at a MinCount that fits still works afterwards: nothing was left held.
      const out = await run({ MinCount: 11, MaxCount: 11, SubnetId: subnet.id });
      assert.equal(out.Instances?.length, 11);
      assert.equal(await subnet.available(), 0);
    });
    it('an instance whose second interface does not fit is not half-made', async () => {
      const first = await lab.subnet(28);
      const second = await lab.subnet(28);
      // Each instance: 1 address in `first`, 5 in `second`; `second` fits two instances, `first` eleven.
      const out = await run({
        InstanceType: 'm5.large',
        MinCount: 1,
        MaxCount: 4,
        NetworkInterfaces: [
          { DeviceIndex: 0, SubnetId: first.id },
          { DeviceIndex: 1, SubnetId: second.id, SecondaryPrivateIpAddressCount: 4 }
        ]
      });
      assert.equal(out.Instances?.length, 2);
      assert.equal((await first.interfaces()).length, 2);
      assert.equal(await first.available(), 11 - 2);
      assert.equal((await second.interfaces()).length, 2);
      assert.equal(await second.available(), 1);
      for (const instance of out.Instances) {
        assert.deepEqual(
          instance.NetworkInterfaces?.map((e) => [e.Attachment?.DeviceIndex, e.SubnetId]),
          [
            [0, first.id],
            [1, second.id]
          ]
        );
      }
    });

    it('NetworkInterface.N: explicit addresses, a count, groups, a description, DeleteOnTermination and several devices', async () => {
      const a = await lab.subnet();
      const b = await lab.subnet();
      const group = 'sg-0123456789abcdef0';
      const instance = await launch({
        InstanceType: 'm5.large',
        NetworkInterfaces: [
          {
            DeviceIndex: 0,
            SubnetId: a.id,
            Description: 'primary',
            PrivateIpAddresses: [{ PrivateIpAddress: a.at(30) }, { PrivateIpAddress: a.at(20), Primary: true }],
            SecondaryPrivateIpAddressCount: 0,
            Groups: [group]
          },
          {
            DeviceIndex: 1,
            SubnetId: b.id,
            PrivateIpAddress: b.at(9),
            SecondaryPrivateIpAddressCount: 2,
            DeleteOnTermination: false
          }
        ]
      });
      assert.equal(instance.PrivateIpAddress, a.at(20));
      assert.equal(instance.SubnetId, a.id);
      assert.deepEqual(instance.SecurityGroups, [{ GroupId: group }]);
      const [eth0, eth1] = instance.NetworkInterfaces!;
      assert.equal(eth0?.Description, 'primary');
      assert.deepEqual(addressesOf(eth0 as never), [a.at(20), a.at(30)]);
      assert.equal(eth0?.Attachment?.DeleteOnTermination, true);
      assert.equal(eth1?.Attachment?.DeviceIndex, 1);
      assert.equal(eth1?.Attachment?.DeleteOnTermination, false);
      assert.equal(eth1?.PrivateIpAddress, b.at(9));
      assert.equal(secondariesOf(eth1 as never).length, 2);
      assert.equal(await a.available(), 251 - 2);
      assert.equal(await b.available(), 251 - 3);
    });

    it('a Nitro type takes prefixes at launch, virtualised or bare metal', async () => {
      const subnet = await lab.subnet();
      const nitro = await launch({
        InstanceType: 'm5.large',
        NetworkInterfaces: [nic(subnet, { Ipv4PrefixCount: 2 })]
      });
      assert.equal(prefixesOf(nitro.NetworkInterfaces![0] as never).length, 2);
      const metal = await launch({
        InstanceType: 'm5.metal',
        NetworkInterfaces: [nic(subnet, { Ipv4Prefixes: [{ Ipv4Prefix: subnet.prefix(240 - 16) }] })]
      });
      assert.deepEqual(prefixesOf(metal.NetworkInterfaces![0] as never), [subnet.prefix(224)]);
      assert.equal(await subnet.available(), 251 - 2 - 3 * 16);
      // Prefixes count against the slots: m5.large has 10, so 1 primary + 10 prefixes is too many.
      await assertSdkError(
        run({ InstanceType: 'm5.large', NetworkInterfaces: [nic(subnet, { Ipv4PrefixCount: 10 })] }),
        'PrivateIpAddressLimitExceeded',
        LIMIT
      );
    });

    it('attaches an existing available interface at launch, DeleteOnTermination false by default', async () => {
      const subnet = await lab.subnet();
      const eni = await subnet.eni({ SecondaryPrivateIpAddressCount: 2, Description: 'mine' });
      const instance = await launch({ InstanceType: 't3.medium', ...existing(eni.NetworkInterfaceId!) });
      assert.equal(instance.SubnetId, subnet.id);
      assert.equal(instance.PrivateIpAddress, eni.PrivateIpAddress);
      assert.deepEqual(instance.SecurityGroups, eni.Groups);
      const nested = instance.NetworkInterfaces![0]!;
      assert.equal(nested.NetworkInterfaceId, eni.NetworkInterfaceId);
      assert.equal(nested.Attachment?.DeleteOnTermination, false);
      const now = await describeEni(server, eni.NetworkInterfaceId!);
      assert.equal(now.Status, 'in-use');
      assert.equal(now.Attachment?.InstanceId, instance.InstanceId);
      assert.equal(now.Attachment?.DeviceIndex, 0);
      assert.deepEqual(addressesOf(now), addressesOf(eni));
      assert.equal(await subnet.available(), 251 - 3);
    });

    it('with a ClientToken, the same request answers the same reservation; other parameters are IdempotentParameterMismatch', async () => {
      const subnet = await lab.subnet();
      const input = { SubnetId: subnet.id, MaxCount: 2, ClientToken: 'launch-once' };
      const first = await run(input);
      const again = await run(input);
      assert.equal(again.ReservationId, first.ReservationId);
      assert.deepEqual(
        again.Instances?.map((i) => i.InstanceId),
        first.Instances?.map((i) => i.InstanceId)
      );
      assert.deepEqual(
        again.Instances?.map((i) => i.PrivateIpAddress),
        first.Instances?.map((i) => i.PrivateIpAddress)
      );
      assert.equal((await instancesWhere('subnet-id', subnet.id)).length, 2);
      assert.equal((await reservationsWhere('client-token', 'launch-once'))?.length, 1);
      const mismatch =
        'Arguments on this idempotent request are inconsistent with arguments used in previous request(s).';
      await assertSdkError(run({ ...input, MaxCount: 3 }), 'IdempotentParameterMismatch', mismatch);
      const withToken = (token: string) => cli('--subnet-id', subnet.id, '--client-token', token);
      assertCliError(await withToken('launch-once'), 'IdempotentParameterMismatch', mismatch);
      const cliFirst = await withToken('cli-once');
      const cliAgain = await withToken('cli-once');
      assert.equal(cliFirst.code, 0, cliFirst.stderr);
      assert.equal(cliAgain.json.ReservationId, cliFirst.json.ReservationId);
      assert.equal((await instancesWhere('subnet-id', subnet.id)).length, 3);
    });

    it('DryRun answers 412 DryRunOperation and launches nothing; a bad dry run answers its error', async () => {
      const subnet = await lab.subnet();
      await assertSdkError(
        run({
          SubnetId: subnet.id,
          DryRun: true,
          MaxCount: 3,
          TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'dry', Value: 'run' }] }]
        }),
        'DryRunOperation',
        DRY_RUN,
        412
      );
      await assertSdkError(
        run({ SubnetId: subnet.id, DryRun: true, InstanceType: 'x9.large' as never }),
        'InvalidParameterValue',
        unknownType('x9.large')
      );
      assertCliError(await cli('--subnet-id', subnet.id, '--dry-run'), 'DryRunOperation', DRY_RUN);
      await assertNothingLaunched(subnet, 0, 251);
      assert.deepEqual(await reservationsWhere('tag:dry', 'run'), []);
      // A dry run with a ClientToken does not spend the token.
      await assertSdkError(
        run({ SubnetId: subnet.id, DryRun: true, ClientToken: 'dry-token' }),
        'DryRunOperation',
        /DryRun flag is set/,
        412
      );
      assert.equal((await run({ SubnetId: subnet.id, MaxCount: 2, ClientToken: 'dry-token' })).Instances?.length, 2);
    });

    it('tags the instance and the interfaces it creates', async () => {
      const subnet = await lab.subnet();
      const instance = await launch({
        SubnetId: subnet.id,
        TagSpecifications: [
          {
            ResourceType: 'instance',
            Tags: [
              { Key: 'Name', Value: 'web' },
              { Key: 'team', Value: 'net' }
            ]
          },
          { ResourceType: 'network-interface', Tags: [{ Key: 'Name', Value: 'web-eth0' }] },
          { ResourceType: 'volume', Tags: [{ Key: 'Name', Value: 'web-root' }] }
        ]
      });
      assert.deepEqual(instance.Tags, [
        { Key: 'Name', Value: 'web' },
        { Key: 'team', Value: 'net' }
      ]);
      assert.deepEqual((await describeInstance(instance.InstanceId!)).Tags, instance.Tags);
      const { NetworkInterfaces } = await server.ec2.send(
        new DescribeNetworkInterfacesCommand({
          Filters: [{ Name: 'attachment.instance-id', Values: [instance.InstanceId!] }]
        })
      );
      assert.deepEqual(NetworkInterfaces?.[0]?.TagSet, [{ Key: 'Name', Value: 'web-eth0' }]);
    });

    it('echoes MetadataOptions and keeps them', async () => {
      const subnet = await lab.subnet();
      const instance = await launch({
        SubnetId: subnet.id,
        MetadataOptions: {
          HttpTokens: 'required',
          HttpPutResponseHopLimit: 3,
          HttpEndpoint: 'enabled',
          InstanceMetadataTags: 'enabled'
        }
      });
      assert.deepEqual(instance.MetadataOptions, {
        State: 'pending',
        HttpTokens: 'required',
        HttpPutResponseHopLimit: 3,
        HttpEndpoint: 'enabled'
      });
      assert.deepEqual((await describeInstance(instance.InstanceId!)).MetadataOptions, {
        State: 'applied',
        HttpTokens: 'required',
        HttpPutResponseHopLimit: 3,
        HttpEndpoint: 'enabled'
      });
      await assertSdkError(
        run({ SubnetId: subnet.id, MetadataOptions: { HttpTokens: 'sometimes' as never } }),
        'InvalidParameterValue',
        'Value (sometimes) for parameter MetadataOptions.HttpTokens is invalid. Valid values are: optional, required.'
      );
    });

    it('reports the architecture of the type: arm64 for Graviton, x86_64 otherwise', async () => {
      const subnet = await lab.subnet();
      for (const [type, architecture] of [
        ['m6g.large', 'arm64'],
        ['c7gn.large', 'arm64'],
        ['a1.large', 'arm64'],
        ['g4dn.xlarge', 'x86_64'],
        ['m5.large', 'x86_64']
      ] as const) {
        assert.equal((await launch({ SubnetId: subnet.id, InstanceType: type })).Architecture, architecture, type);
      }
    });

    it('a p4d.24xlarge takes interfaces on its other network cards', async () => {
      const subnet = await lab.subnet();
      const instance = await launch({
        InstanceType: 'p4d.24xlarge',
        NetworkInterfaces: [0, 1, 2, 3].map((card) => ({
          DeviceIndex: card === 0 ? 0 : 1,
          NetworkCardIndex: card,
          SubnetId: subnet.id
        }))
      });
      assert.deepEqual(
        instance.NetworkInterfaces?.map((e) => [e.Attachment?.NetworkCardIndex, e.Attachment?.DeviceIndex]),
        [
          [0, 0],
          [1, 1],
          [2, 1],
          [3, 1]
        ]
      );
    });
  });
});
