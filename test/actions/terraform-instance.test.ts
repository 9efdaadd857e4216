import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateTagsCommand,
  DescribeInstanceAttributeCommand,
  DescribeInstanceCreditSpecificationsCommand,
  DescribeInstanceTypesCommand,
  DescribeSubnetsCommand,
  DescribeTagsCommand,
  DescribeVolumesCommand,
  DeleteSubnetCommand,
  TerminateInstancesCommand
} from '@aws-sdk/client-ec2';
import {
  type TestServer,
  assertCliError,
  assertSdkError,
  assertXmlError,
  items,
  startTestServer
} from '../helpers/ec2lite.js';
import { type LabSubnet, VpcLab } from '../helpers/vpc-lab.js';
import { launcher } from '../helpers/launcher.js';

const AMI = 'ami-0123456789abcdef0';
const notModelled = (parameter: string, value: string, what: string) =>
  `Value (${value}) for parameter ${parameter} is not supported: ec2lite does not model ${what}.`;

/** The RunInstances settings, attribute reads and credit reads Terraform's aws_instance uses. */
describe('Terraform aws_instance: launch settings, DescribeInstanceAttribute, DescribeInstanceCreditSpecifications', () => {
  let server: TestServer;
  let lab: VpcLab;
  let subnet: LabSubnet;
  const { launch, describeInstance, query, cli, run } = launcher(() => server, {
    imageId: AMI,
    subnetId: () => subnet.id
  });
  const attribute = (InstanceId: string, Attribute: string) =>
    server.ec2.send(new DescribeInstanceAttributeCommand({ InstanceId, Attribute: Attribute as never }));

  before(async () => {
    server = await startTestServer();
    lab = await VpcLab.create(server);
    subnet = await lab.subnet();
  });
  after(() => server.close());

  describe('RunInstances with what Terraform sends', () => {
    it('accepts the defaults on the Query face, with an empty Placement.AvailabilityZone', async () => {
      const response = await query({
        InstanceType: 'm5.large',
        ClientToken: 'terraform-1',
        DisableApiTermination: false,
        EbsOptimized: false,
        'HibernationOptions.Configured': false,
        'Monitoring.Enabled': false,
        'Placement.AvailabilityZone': '',
        'TagSpecification.1.ResourceType': 'instance',
        'TagSpecification.1.Tag.1.Key': 'Name',
        'TagSpecification.1.Tag.1.Value': 'vm'
      });
      assert.equal(response.status, 200, response.text);
      const [instance] = items(response.xml.RunInstancesResponse.instancesSet);
      assert.equal(instance.ebsOptimized, 'false');
      assert.deepEqual(instance.monitoring, { state: 'disabled' });
      assert.deepEqual(instance.hibernationOptions, { configured: 'false' });
      assert.deepEqual(instance.enclaveOptions, { enabled: 'false' });
      assert.deepEqual(instance.capacityReservationSpecification, { capacityReservationPreference: 'open' });
      assert.deepEqual(instance.maintenanceOptions, { autoRecovery: 'default' });
      assert.deepEqual(instance.privateDnsNameOptions, {
        hostnameType: 'ip-name',
        enableResourceNameDnsARecord: 'false',
        enableResourceNameDnsAAAARecord: 'false'
      });
      // An empty zone is no zone: the instance goes to its subnet's.
      const { Subnets } = await server.ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnet.id] }));
      assert.equal(instance.placement.availabilityZone, Subnets![0]!.AvailabilityZone);
    });

    it('keeps what it shows back: EBS optimisation, monitoring, capacity preference, auto-recovery', async () => {
      const pending = await launch({
        InstanceType: 'm5.large',
        EbsOptimized: true,
        Monitoring: { Enabled: true },
        CapacityReservationSpecification: { CapacityReservationPreference: 'none' },
        MaintenanceOptions: { AutoRecovery: 'disabled' },
        InstanceInitiatedShutdownBehavior: 'terminate',
        DisableApiStop: false,
        EnclaveOptions: { Enabled: false },
        PrivateDnsNameOptions: {
          HostnameType: 'ip-name',
          EnableResourceNameDnsARecord: false,
          EnableResourceNameDnsAAAARecord: false
        }
      });
      assert.equal(pending.Monitoring?.State, 'pending');
      const instance = await describeInstance(pending.InstanceId!);
      assert.equal(instance.EbsOptimized, true);
      assert.equal(instance.Monitoring?.State, 'enabled');
      assert.equal(instance.CapacityReservationSpecification?.CapacityReservationPreference, 'none');
      assert.equal(instance.MaintenanceOptions?.AutoRecovery, 'disabled');
      assert.equal(instance.HibernationOptions?.Configured, false);
      const behaviour = await attribute(instance.InstanceId!, 'instanceInitiatedShutdownBehavior');
      assert.equal(behaviour.InstanceInitiatedShutdownBehavior?.Value, 'terminate');
      assert.equal((await attribute(instance.InstanceId!, 'ebsOptimized')).EbsOptimized?.Value, true);
    });

    it('the AWS CLI sends them by the same wire names', async () => {
      const result = await cli(
        '--instance-type',
        't3.micro',
        '--credit-specification',
        'CpuCredits=standard',
        '--hibernation-options',
        'Configured=false',
        '--maintenance-options',
        'AutoRecovery=disabled',
        '--monitoring',
        'Enabled=true',
        '--ebs-optimized'
      );
      assert.equal(result.code, 0, result.stderr);
      const [instance] = JSON.parse(result.stdout).Instances;
      assert.equal(instance.EbsOptimized, true);
      assert.equal(instance.MaintenanceOptions.AutoRecovery, 'disabled');
      const credits = await server.aws(
        'ec2',
        'describe-instance-credit-specifications',
        '--instance-ids',
        instance.InstanceId
      );
      assert.equal(credits.code, 0, credits.stderr);
      assert.deepEqual(JSON.parse(credits.stdout).InstanceCreditSpecifications, [
        { InstanceId: instance.InstanceId, CpuCredits: 'standard' }
      ]);
    });

    const refusals: [string, Record<string, unknown>, string, string, string][] = [
      [
        'DisableApiTermination',
        { DisableApiTermination: true },
        'DisableApiTermination',
        'true',
        'termination protection'
      ],
      ['DisableApiStop', { DisableApiStop: true }, 'DisableApiStop', 'true', 'stop protection'],
      [
        'HibernationOptions.Configured',
        { HibernationOptions: { Configured: true } },
        'HibernationOptions.Configured',
        'true',
        'hibernation'
      ],
      [
        'EnclaveOptions.Enabled',
        { EnclaveOptions: { Enabled: true } },
        'EnclaveOptions.Enabled',
        'true',
        'Nitro Enclaves'
      ],
      [
        'CapacityReservationPreference capacity-reservations-only',
        { CapacityReservationSpecification: { CapacityReservationPreference: 'capacity-reservations-only' } },
        'CapacityReservationSpecification.CapacityReservationPreference',
        'capacity-reservations-only',
        'capacity reservations'
      ],
      [
        'CapacityReservationTarget',
        {
          CapacityReservationSpecification: {
            CapacityReservationTarget: { CapacityReservationId: 'cr-0123456789abcdef0' }
          }
        },
        'CapacityReservationSpecification.CapacityReservationTarget',
        'cr-0123456789abcdef0',
        'capacity reservations'
      ],
      [
        'HostnameType resource-name',
        { PrivateDnsNameOptions: { HostnameType: 'resource-name' } },
        'PrivateDnsNameOptions.HostnameType',
        'resource-name',
        'resource-name hostnames'
      ],
      [
        'EnableResourceNameDnsARecord',
        { PrivateDnsNameOptions: { EnableResourceNameDnsARecord: true } },
        'PrivateDnsNameOptions.EnableResourceNameDnsARecord',
        'true',
        'resource-name DNS records'
      ],
      [
        'EnableResourceNameDnsAAAARecord',
        { PrivateDnsNameOptions: { EnableResourceNameDnsAAAARecord: true } },
        'PrivateDnsNameOptions.EnableResourceNameDnsAAAARecord',
        'true',
        'resource-name DNS records'
      ]
    ];
    for (const [title, input, parameter, value, what] of refusals) {
      it(`refuses ${title} (SDK)`, async () => {
        await assertSdkError(
          run({ InstanceType: 'm5.large', ...input }),
          'InvalidParameterValue',
          notModelled(parameter, value, what)
        );
      });
    }

    it('refuses them on the Query face and the AWS CLI too', async () => {
      assertXmlError(
        await query({ 'HibernationOptions.Configured': true }),
        400,
        'InvalidParameterValue',
        notModelled('HibernationOptions.Configured', 'true', 'hibernation')
      );
      assertXmlError(
        await query({ DisableApiTermination: true }),
        400,
        'InvalidParameterValue',
        notModelled('DisableApiTermination', 'true', 'termination protection')
      );
      assertCliError(
        await cli('--disable-api-termination'),
        'InvalidParameterValue',
        notModelled('DisableApiTermination', 'true', 'termination protection')
      );
      assertCliError(
        await cli('--enclave-options', 'Enabled=true'),
        'InvalidParameterValue',
        notModelled('EnclaveOptions.Enabled', 'true', 'Nitro Enclaves')
      );
    });

    it('refuses CreditSpecification on a type without CPU credits, and a credit option outside the enum', async () => {
      const message =
        'The instance type m5.large does not support CPU credits: CreditSpecification applies to burstable performance instances only.';
      await assertSdkError(
        run({ InstanceType: 'm5.large', CreditSpecification: { CpuCredits: 'unlimited' } }),
        'InvalidParameterCombination',
        message
      );
      assertXmlError(
        await query({ InstanceType: 'm5.large', 'CreditSpecification.CpuCredits': 'standard' }),
        400,
        'InvalidParameterCombination',
        message
      );
      assertXmlError(
        await query({ InstanceType: 't3.micro', 'CreditSpecification.CpuCredits': 'boost' }),
        400,
        'InvalidParameterValue',
        'Value (boost) for parameter CreditSpecification.CpuCredits is invalid. Valid values are: standard, unlimited.'
      );
    });
  });

  describe('DescribeInstanceAttribute', () => {
    let id: string;
    before(async () => {
      id = (await launch({ InstanceType: 'm5.large', UserData: 'IyEvYmluL3NoCmVjaG8gaGk=' })).InstanceId!;
    });

    it('answers each attribute alone (SDK)', async () => {
      assert.deepEqual((await attribute(id, 'disableApiTermination')).DisableApiTermination, { Value: false });
      assert.deepEqual((await attribute(id, 'disableApiStop')).DisableApiStop, { Value: false });
      assert.deepEqual((await attribute(id, 'instanceInitiatedShutdownBehavior')).InstanceInitiatedShutdownBehavior, {
        Value: 'stop'
      });
      assert.deepEqual((await attribute(id, 'userData')).UserData, { Value: 'IyEvYmluL3NoCmVjaG8gaGk=' });
      assert.deepEqual((await attribute(id, 'instanceType')).InstanceType, { Value: 'm5.large' });
      assert.deepEqual((await attribute(id, 'rootDeviceName')).RootDeviceName, { Value: '/dev/xvda' });
      assert.deepEqual((await attribute(id, 'sourceDestCheck')).SourceDestCheck, { Value: true });
      assert.deepEqual((await attribute(id, 'enaSupport')).EnaSupport, { Value: true });
      assert.deepEqual((await attribute(id, 'enclaveOptions')).EnclaveOptions, { Enabled: false });
      assert.deepEqual((await attribute(id, 'ebsOptimized')).EbsOptimized, { Value: false });
      const devices = (await attribute(id, 'blockDeviceMapping')).BlockDeviceMappings!;
      assert.equal(devices[0]?.DeviceName, '/dev/xvda');
      assert.equal(devices[0]?.Ebs?.Status, 'attached');
      const groups = await attribute(id, 'groupSet');
      assert.equal(groups.InstanceId, id);
      assert.ok(Array.isArray(groups.Groups));
    });

    it('answers EC2 XML on the Query face: instanceId, then the attribute', async () => {
      const response = await server.query({
        Action: 'DescribeInstanceAttribute',
        InstanceId: id,
        Attribute: 'disableApiTermination'
      });
      assert.equal(response.status, 200, response.text);
      const body = response.xml.DescribeInstanceAttributeResponse;
      assert.equal(body.instanceId, id);
      assert.deepEqual(body.disableApiTermination, { value: 'false' });
      assert.equal(body.userData, undefined);
      const none = await launch({ InstanceType: 'm5.large' });
      const empty = await server.query({
        Action: 'DescribeInstanceAttribute',
        InstanceId: none.InstanceId!,
        Attribute: 'userData'
      });
      assert.equal(empty.xml.DescribeInstanceAttributeResponse.userData, '');
    });

    it('answers the AWS CLI', async () => {
      const result = await server.aws(
        'ec2',
        'describe-instance-attribute',
        '--instance-id',
        id,
        '--attribute',
        'instanceInitiatedShutdownBehavior'
      );
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(JSON.parse(result.stdout), {
        InstanceId: id,
        InstanceInitiatedShutdownBehavior: { Value: 'stop' }
      });
    });

    it('refuses a malformed or unknown instance, a missing parameter and an unknown attribute', async () => {
      await assertSdkError(
        attribute('i-nope', 'userData'),
        'InvalidInstanceID.Malformed',
        'Invalid id: "i-nope" (expecting "i-...")'
      );
      await assertSdkError(
        attribute('i-0123456789abcdef0', 'userData'),
        'InvalidInstanceID.NotFound',
        "The instance ID 'i-0123456789abcdef0' does not exist"
      );
      assertXmlError(
        await server.query({ Action: 'DescribeInstanceAttribute', Attribute: 'userData' }),
        400,
        'MissingParameter',
        'The request must contain the parameter InstanceId'
      );
      assertXmlError(
        await server.query({ Action: 'DescribeInstanceAttribute', InstanceId: id }),
        400,
        'MissingParameter',
        'The request must contain the parameter Attribute'
      );
      assertXmlError(
        await server.query({ Action: 'DescribeInstanceAttribute', InstanceId: id, Attribute: 'hostname' }),
        400,
        'InvalidParameterValue',
        /^Value \(hostname\) for parameter Attribute is invalid\. Valid values are: instanceType, kernel, /
      );
      assertCliError(
        await server.aws(
          'ec2',
          'describe-instance-attribute',
          '--instance-id',
          'i-0123456789abcdef0',
          '--attribute',
          'userData'
        ),
        'InvalidInstanceID.NotFound',
        "The instance ID 'i-0123456789abcdef0' does not exist"
      );
    });
  });

  describe('DescribeInstanceCreditSpecifications and DescribeInstanceTypes BurstablePerformanceSupported', () => {
    it('shows the credit option as launched, else the type default', async () => {
      const t3 = await launch({ InstanceType: 't3.micro' });
      const t2 = await launch({ InstanceType: 't2.micro' });
      const chosen = await launch({ InstanceType: 't3.micro', CreditSpecification: { CpuCredits: 'standard' } });
      const { InstanceCreditSpecifications: specs } = await server.ec2.send(
        new DescribeInstanceCreditSpecificationsCommand({
          InstanceIds: [t3.InstanceId!, t2.InstanceId!, chosen.InstanceId!]
        })
      );
      assert.deepEqual(
        new Map(specs!.map((s) => [s.InstanceId, s.CpuCredits])),
        new Map([
          [t3.InstanceId, 'unlimited'],
          [t2.InstanceId, 'standard'],
          [chosen.InstanceId, 'standard']
        ])
      );
      const response = await server.query({
        Action: 'DescribeInstanceCreditSpecifications',
        'Filter.1.Name': 'instance-id',
        'Filter.1.Value.1': t2.InstanceId!
      });
      assert.equal(response.status, 200, response.text);
      assert.deepEqual(
        items(response.xml.DescribeInstanceCreditSpecificationsResponse.instanceCreditSpecificationSet),
        [{ instanceId: t2.InstanceId, cpuCredits: 'standard' }]
      );
      // Without ids it lists burstable instances only.
      const all = await server.ec2.send(new DescribeInstanceCreditSpecificationsCommand({}));
      assert.ok(all.InstanceCreditSpecifications!.length >= 3);
      const types = await server.ec2.send(
        new DescribeInstanceTypesCommand({ InstanceTypes: ['t3.micro', 'm5.large'] })
      );
      assert.deepEqual(
        new Map(types.InstanceTypes!.map((t) => [t.InstanceType, t.BurstablePerformanceSupported])),
        new Map([
          ['m5.large', false],
          ['t3.micro', true]
        ])
      );
    });

    it('refuses an instance of a type without credits, a malformed id and an unknown id', async () => {
      const m5 = await launch({ InstanceType: 'm5.large' });
      const message = `The instance ID '${m5.InstanceId}' is of type m5.large, which does not support CPU credit specifications.`;
      await assertSdkError(
        server.ec2.send(new DescribeInstanceCreditSpecificationsCommand({ InstanceIds: [m5.InstanceId!] })),
        'InstanceCreditSpecification.NotSupported',
        message
      );
      assertXmlError(
        await server.query({ Action: 'DescribeInstanceCreditSpecifications', 'InstanceId.1': m5.InstanceId! }),
        400,
        'InstanceCreditSpecification.NotSupported',
        message
      );
      assertCliError(
        await server.aws('ec2', 'describe-instance-credit-specifications', '--instance-ids', m5.InstanceId!),
        'InstanceCreditSpecification.NotSupported',
        message
      );
      await assertSdkError(
        server.ec2.send(new DescribeInstanceCreditSpecificationsCommand({ InstanceIds: ['i-zz'] })),
        'InvalidInstanceID.Malformed',
        'Invalid id: "i-zz" (expecting "i-...")'
      );
      await assertSdkError(
        server.ec2.send(new DescribeInstanceCreditSpecificationsCommand({ InstanceIds: ['i-0123456789abcdef0'] })),
        'InvalidInstanceID.NotFound',
        "The instance ID 'i-0123456789abcdef0' does not exist"
      );
    });
  });

  describe('DeleteSubnet after terminating its instances', () => {
    it('goes ahead: terminated instances do not hold the subnet', async () => {
      const own = await lab.subnet();
      const instance = await launch({ InstanceType: 'm5.large', SubnetId: own.id });
      await server.ec2.send(new TerminateInstancesCommand({ InstanceIds: [instance.InstanceId!] }));
      await server.ec2.send(new DeleteSubnetCommand({ SubnetId: own.id }));
      assertXmlError(
        await server.query({
          Action: 'DescribeInstanceAttribute',
          InstanceId: instance.InstanceId!,
          Attribute: 'userData'
        }),
        400,
        'InvalidInstanceID.NotFound',
        `The instance ID '${instance.InstanceId}' does not exist`
      );
    });

    it('takes the volumes the terminated instances kept, and their tags, with it', async () => {
      const own = await lab.subnet();
      const instance = await launch({
        InstanceType: 'm5.large',
        SubnetId: own.id,
        BlockDeviceMappings: [{ DeviceName: '/dev/sdf', Ebs: { VolumeSize: 10, DeleteOnTermination: false } }]
      });
      const volumeId = (await describeInstance(instance.InstanceId!)).BlockDeviceMappings!.find(
        (d) => d.DeviceName === '/dev/sdf'
      )!.Ebs!.VolumeId!;
      await server.ec2.send(new TerminateInstancesCommand({ InstanceIds: [instance.InstanceId!] }));
      // Kept by the termination (DeleteOnTermination false), available until the subnet goes.
      const { Volumes } = await server.ec2.send(new DescribeVolumesCommand({ VolumeIds: [volumeId] }));
      assert.equal(Volumes?.[0]?.State, 'available');
      await server.ec2.send(new CreateTagsCommand({ Resources: [volumeId], Tags: [{ Key: 'Name', Value: 'kept' }] }));
      await server.ec2.send(new DeleteSubnetCommand({ SubnetId: own.id }));
      const { Tags } = await server.ec2.send(
        new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [volumeId] }] })
      );
      assert.deepEqual(Tags, []);
      await assertSdkError(
        server.ec2.send(new DescribeVolumesCommand({ VolumeIds: [volumeId] })),
        'InvalidVolume.NotFound',
        `The volume '${volumeId}' does not exist.`
      );
    });
  });
});
