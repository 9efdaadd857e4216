import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  type Address,
  AllocateAddressCommand,
  type AllocateAddressCommandInput,
  AssignPrivateIpAddressesCommand,
  AssociateAddressCommand,
  type AssociateAddressCommandInput,
  DeleteNetworkInterfaceCommand,
  DescribeAddressesCommand,
  type DescribeAddressesCommandInput,
  DisassociateAddressCommand,
  type DisassociateAddressCommandInput,
  ReleaseAddressCommand,
  type ReleaseAddressCommandInput,
  type RunInstancesCommandInput,
  StopInstancesCommand,
  TerminateInstancesCommand,
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
import { type LabSubnet, UNKNOWN_ENI, VpcLab, describeEni } from '../helpers/vpc-lab.js';
import { launcher } from '../helpers/launcher.js';
import { type RefusalRule, describeRefusals } from '../helpers/refusals.js';

const IMAGE = 'ami-0123456789abcdef0';
const ACCOUNT = '123456789012';
const UNKNOWN_ALLOCATION = 'eipalloc-0123456789abcdef0';
const UNKNOWN_ASSOCIATION = 'eipassoc-0123456789abcdef0';
const UNKNOWN_INSTANCE = 'i-0123456789abcdef0';

const DRY_RUN = 'Request would have succeeded, but DryRun flag is set.';
const ADDRESS_LIMIT = 'The maximum number of addresses has been reached.';
const allocationNotFound = (id: string) => `The allocation ID '${id}' does not exist`;
const associationNotFound = (id: string) => `The association ID '${id}' does not exist`;
const addressNotFound = (ip: string) => `Address '${ip}' not found.`;
const notAnIp = (value: string, parameter = 'PublicIp') =>
  `Invalid value '${value}' for ${parameter}. Not a valid IPv4 address.`;
const publicDns = (ip: string) => `ec2-${ip.replaceAll('.', '-')}.compute-1.amazonaws.com`;

/** The calls every block below makes, bound to one server. */
function client(server: TestServer) {
  const ec2 = server.ec2;
  const { launch, describeInstance } = launcher(() => server, { imageId: IMAGE });
  /** AllocateAddress and AssociateAddress as sent, for the refusals; `allocate` and `associate` expect success. */
  const sendAllocate = (input: AllocateAddressCommandInput = {}) => ec2.send(new AllocateAddressCommand(input));
  const sendAssociate = (input: AssociateAddressCommandInput) => ec2.send(new AssociateAddressCommand(input));
  return {
    sendAllocate,
    sendAssociate,
    allocate: async (input: AllocateAddressCommandInput = {}) => {
      const out = await sendAllocate(input);
      assert.ok(out.AllocationId && out.PublicIp);
      return { allocationId: out.AllocationId, publicIp: out.PublicIp, out };
    },
    associate: async (input: AssociateAddressCommandInput) => {
      const out = await sendAssociate(input);
      assert.match(out.AssociationId ?? '', /^eipassoc-[0-9a-f]{17}$/);
      return out.AssociationId!;
    },
    disassociate: (input: DisassociateAddressCommandInput) => ec2.send(new DisassociateAddressCommand(input)),
    release: (input: ReleaseAddressCommandInput) => ec2.send(new ReleaseAddressCommand(input)),
    addresses: async (input: DescribeAddressesCommandInput = {}): Promise<Address[]> =>
      (await ec2.send(new DescribeAddressesCommand(input))).Addresses ?? [],
    address: async (allocationId: string): Promise<Address> => {
      const { Addresses } = await ec2.send(new DescribeAddressesCommand({ AllocationIds: [allocationId] }));
      assert.equal(Addresses?.length, 1);
      return Addresses[0]!;
    },
    /** Launches one t3.medium and returns it with the id of its primary interface. */
    launch: async (
      input: Partial<RunInstancesCommandInput> = {}
    ): Promise<{ instanceId: string; primaryEni: string }> => {
      const instance = await launch({ InstanceType: 't3.medium', ...input });
      assert.ok(instance.InstanceId);
      const primary = instance.NetworkInterfaces?.find((n) => n.Attachment?.DeviceIndex === 0);
      assert.ok(primary?.NetworkInterfaceId);
      return { instanceId: instance.InstanceId, primaryEni: primary.NetworkInterfaceId };
    },
    instance: describeInstance
  };
}

/**
 * The server of the `describe` block that runs now, its client, and a subnet of a VPC of its own: each block starts
 * them with {@link useServer}. The test runner runs the blocks of a file one after another, never two at once.
 */
let server: TestServer;
let api: ReturnType<typeof client>;
let lab: VpcLab;
let subnet: LabSubnet;

/** A new interface in the block's subnet, and a new address associated with its primary private address. */
async function associatedAddress() {
  const eni = await subnet.eni();
  const eniId = eni.NetworkInterfaceId!;
  const { allocationId, publicIp } = await api.allocate();
  const associationId = await api.associate({ AllocationId: allocationId, NetworkInterfaceId: eniId });
  return { eni, eniId, allocationId, publicIp, associationId };
}

/** The public IPs of `count` addresses allocated one after another. */
async function publicIps(own: ReturnType<typeof client>, count: number): Promise<string[]> {
  const ips: string[] = [];
  for (let i = 0; i < count; i++) ips.push((await own.allocate()).publicIp);
  return ips;
}

/** Runs `use` against a server of its own with `config`, then stops that server. */
async function withServer(
  config: Parameters<typeof startTestServer>[0],
  use: (own: ReturnType<typeof client>, server: TestServer) => Promise<void>
): Promise<void> {
  const other = await startTestServer(config);
  try {
    await use(client(other), other);
  } finally {
    await other.close();
  }
}

function useServer(config: Parameters<typeof startTestServer>[0] = {}, prefixLength = 24): void {
  before(async () => {
    server = await startTestServer(config);
    api = client(server);
    lab = await VpcLab.create(server);
    subnet = await lab.subnet(prefixLength);
  });
  after(() => server.close());
}

/** The association fields of an address, for one-line comparisons. */
function associationOf(address: Address) {
  return {
    AssociationId: address.AssociationId,
    NetworkInterfaceId: address.NetworkInterfaceId,
    NetworkInterfaceOwnerId: address.NetworkInterfaceOwnerId,
    PrivateIpAddress: address.PrivateIpAddress,
    InstanceId: address.InstanceId
  };
}

/** What associationOf shows of an address associated with a private address of an interface of this account. */
function association(AssociationId: string, NetworkInterfaceId: string, PrivateIpAddress: string, InstanceId?: string) {
  return { AssociationId, NetworkInterfaceId, NetworkInterfaceOwnerId: ACCOUNT, PrivateIpAddress, InstanceId };
}

const unassociated = {
  AssociationId: undefined,
  NetworkInterfaceId: undefined,
  NetworkInterfaceOwnerId: undefined,
  PrivateIpAddress: undefined,
  InstanceId: undefined
};

describe('AllocateAddress', () => {
  useServer({ elasticIpLimit: 100 });

  describe('serializations', () => {
    it('answers the SDK with a VPC address from the pool', async () => {
      const { out } = await api.allocate();
      assert.match(out.AllocationId!, /^eipalloc-[0-9a-f]{17}$/);
      assert.match(out.PublicIp!, /^198\.51\.100\.([1-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-4])$/);
      assert.equal(out.Domain, 'vpc');
      assert.equal(out.PublicIpv4Pool, 'amazon');
      assert.equal(out.NetworkBorderGroup, 'us-east-1');
      assert.match(out.$metadata.requestId ?? '', /^[0-9a-f-]{36}$/);
    });

    it('renders the EC2 model element names under AllocateAddressResponse', async () => {
      const response = await server.query({ Action: 'AllocateAddress', Domain: 'vpc' });
      assert.equal(response.status, 200, response.text);
      const root = response.xml.AllocateAddressResponse;
      assert.equal(root['@_xmlns'], 'http://ec2.amazonaws.com/doc/2016-11-15/');
      assert.match(root.requestId, /^[0-9a-f-]{36}$/);
      assert.match(root.allocationId, /^eipalloc-[0-9a-f]{17}$/);
      assert.match(root.publicIp, /^198\.51\.100\.\d+$/);
      assert.equal(root.domain, 'vpc');
      assert.equal(root.publicIpv4Pool, 'amazon');
      assert.equal(root.networkBorderGroup, 'us-east-1');
    });

    it('answers the AWS CLI', async () => {
      const result = await server.aws('ec2', 'allocate-address', '--domain', 'vpc');
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.json.AllocationId, /^eipalloc-[0-9a-f]{17}$/);
      assert.match(result.json.PublicIp, /^198\.51\.100\.\d+$/);
      assert.equal(result.json.Domain, 'vpc');
      assert.equal(result.json.PublicIpv4Pool, 'amazon');
      assert.equal(result.json.NetworkBorderGroup, 'us-east-1');
    });

    it('answers on the JSON face', async () => {
      const ok = await server.json({ Action: 'AllocateAddress', Domain: 'vpc' });
      assert.equal(ok.status, 200, ok.text);
      assert.equal(ok.json.success, true);
      assert.match(ok.json.data.AllocationId, /^eipalloc-/);
      assert.equal(ok.json.data.Domain, 'vpc');
    });

    it('TagSpecification.N with resource type elastic-ip tags the address', async () => {
      const { allocationId } = await api.allocate({
        TagSpecifications: [
          {
            ResourceType: 'elastic-ip',
            Tags: [
              { Key: 'Name', Value: 'nat' },
              { Key: 'env', Value: 'prod' }
            ]
          }
        ]
      });
      assert.deepEqual((await api.address(allocationId)).Tags, [
        { Key: 'Name', Value: 'nat' },
        { Key: 'env', Value: 'prod' }
      ]);
      const cli = await server.aws(
        'ec2',
        'allocate-address',
        '--tag-specifications',
        'ResourceType=elastic-ip,Tags=[{Key=team,Value=net}]'
      );
      assert.equal(cli.code, 0, cli.stderr);
      assert.deepEqual((await api.address(cli.json.AllocationId)).Tags, [{ Key: 'team', Value: 'net' }]);
    });
  });

  describe('validations', () => {
    it('Domain standard, or any other value, gives a VPC address (EC2-Classic is retired)', async () => {
      for (const domain of ['standard', 'xyz']) {
        const { out } = await api.allocate({ Domain: domain as 'vpc' });
        assert.equal(out.Domain, 'vpc');
        assert.equal((await api.address(out.AllocationId!)).Domain, 'vpc');
      }
    });

    it('a public IPv4 pool other than amazon does not exist', async () => {
      await assertSdkError(
        api.sendAllocate({ PublicIpv4Pool: 'ipv4pool-ec2-0123456789abcdef0' }),
        'InvalidPublicIpv4PoolID.NotFound',
        "The publicIpv4Pool ID 'ipv4pool-ec2-0123456789abcdef0' does not exist"
      );
      const { out } = await api.allocate({ PublicIpv4Pool: 'amazon' });
      assert.equal(out.PublicIpv4Pool, 'amazon');
    });

    it('the network border group is the region', async () => {
      await assertSdkError(
        api.sendAllocate({ NetworkBorderGroup: 'us-west-2' }),
        'InvalidParameterValue',
        "Invalid network border group 'us-west-2' for region us-east-1."
      );
      assert.equal((await api.allocate({ NetworkBorderGroup: 'us-east-1' })).out.NetworkBorderGroup, 'us-east-1');
    });

    it('a tag specification for another resource type is refused', async () => {
      await assertSdkError(
        api.sendAllocate({ TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'a', Value: 'b' }] }] }),
        'InvalidParameterValue',
        "'instance' is not a valid taggable resource type for this operation."
      );
    });

    it('DryRun decides and allocates nothing', async () => {
      const before = (await api.addresses()).length;
      await assertSdkError(api.sendAllocate({ DryRun: true }), 'DryRunOperation', DRY_RUN, 412);
      assert.equal((await api.addresses()).length, before);
    });

    it('Address: a free address of the pool is recovered; one taken, outside the pool or reserved is not found', async () => {
      const wanted = '198.51.100.200';
      const { out } = await api.allocate({ Address: wanted });
      assert.equal(out.PublicIp, wanted);
      for (const address of [wanted, '203.0.113.7', '198.51.100.0', '198.51.100.255']) {
        await assertSdkError(
          api.sendAllocate({ Address: address }),
          'InvalidAddress.NotFound',
          addressNotFound(address)
        );
      }
      assertCliError(
        await server.aws('ec2', 'allocate-address', '--address', wanted),
        'InvalidAddress.NotFound',
        addressNotFound(wanted)
      );
      await assertSdkError(
        api.sendAllocate({ Address: '198.51.100.300' }),
        'InvalidParameterValue',
        notAnIp('198.51.100.300', 'Address')
      );
    });
  });

  describe('functionality', () => {
    it('allocates up to the limit (5 by default), then AddressLimitExceeded; a release makes room', async () => {
      await withServer({}, async (own, limited) => {
        assert.equal(new Set(await publicIps(own, 5)).size, 5);
        await assertSdkError(own.sendAllocate({ Domain: 'vpc' }), 'AddressLimitExceeded', ADDRESS_LIMIT);
        assertCliError(await limited.aws('ec2', 'allocate-address'), 'AddressLimitExceeded', ADDRESS_LIMIT);
        assertXmlError(await limited.query({ Action: 'AllocateAddress' }), 400, 'AddressLimitExceeded', ADDRESS_LIMIT);
        const json = await limited.json({ Action: 'AllocateAddress' });
        assert.equal(json.status, 400);
        assert.equal(json.json.error.code, 'LIMIT_EXCEEDED');
        assert.equal(json.json.error.ec2Code, 'AddressLimitExceeded');
        assert.equal((await own.addresses()).length, 5);
        const [first] = await own.addresses();
        await own.release({ AllocationId: first!.AllocationId });
        await own.allocate();
        assert.equal((await own.addresses()).length, 5);
      });
    });

    it('--elastic-ip-limit raises or lowers the limit', async () => {
      await withServer({ elasticIpLimit: 0 }, async (none) => {
        await assertSdkError(none.sendAllocate({}), 'AddressLimitExceeded', ADDRESS_LIMIT);
      });
    });

    it('lowest placement hands out the pool in order; random placement never repeats an address', async () => {
      await withServer({ placement: 'lowest', publicIpPool: '203.0.113.0/24' }, async (own) => {
        assert.deepEqual(await publicIps(own, 3), ['203.0.113.1', '203.0.113.2', '203.0.113.3']);
        await own.release({ AllocationId: (await own.addresses({ PublicIps: ['203.0.113.2'] }))[0]!.AllocationId });
        assert.equal((await own.allocate()).publicIp, '203.0.113.2');
      });
      await withServer({ publicIpPool: '203.0.113.0/28', elasticIpLimit: 20 }, async (own) => {
        const seen = new Set(await publicIps(own, 14));
        // A /28 less its network and broadcast addresses: all 14, each once.
        assert.equal(seen.size, 14);
        for (const ip of seen) assert.match(ip, /^203\.0\.113\.([1-9]|1[0-4])$/);
        await assertSdkError(
          own.sendAllocate({}),
          'InsufficientAddressCapacity',
          'Not enough available addresses to satisfy your minimum request.',
          500
        );
      });
    });

    it('the same seed gives the same addresses', async () => {
      const runs: string[][] = [];
      for (let run = 0; run < 2; run++) {
        await withServer({ seed: 42 }, async (own) => {
          runs.push(await publicIps(own, 3));
        });
      }
      assert.deepEqual(runs[0], runs[1]);
    });
  });
});

describe('AssociateAddress', () => {
  useServer({ elasticIpLimit: 200 }, 22);

  describe('serializations', () => {
    it('answers the SDK, the Query face and the AWS CLI with the association id', async () => {
      const { instanceId } = await api.launch({ SubnetId: subnet.id });
      const a = await api.allocate();
      await api.associate({ AllocationId: a.allocationId, InstanceId: instanceId });

      const b = await api.allocate();
      const eni = await subnet.eni();
      const response = await server.query({
        Action: 'AssociateAddress',
        AllocationId: b.allocationId,
        NetworkInterfaceId: eni.NetworkInterfaceId!
      });
      assert.equal(response.status, 200, response.text);
      const root = response.xml.AssociateAddressResponse;
      assert.equal(root['@_xmlns'], 'http://ec2.amazonaws.com/doc/2016-11-15/');
      assert.match(root.associationId, /^eipassoc-[0-9a-f]{17}$/);

      const c = await api.allocate();
      const other = await subnet.eni();
      const cli = await server.aws(
        'ec2',
        'associate-address',
        '--allocation-id',
        c.allocationId,
        '--network-interface-id',
        other.NetworkInterfaceId!,
        '--private-ip-address',
        other.PrivateIpAddress!,
        '--no-allow-reassociation'
      );
      assert.equal(cli.code, 0, cli.stderr);
      assert.match(cli.json.AssociationId, /^eipassoc-[0-9a-f]{17}$/);
      assert.equal((await api.address(c.allocationId)).AssociationId, cli.json.AssociationId);
    });

    it('answers on the JSON face', async () => {
      const eni = await subnet.eni();
      const { allocationId } = await api.allocate();
      const ok = await server.json({
        Action: 'AssociateAddress',
        AllocationId: allocationId,
        NetworkInterfaceId: eni.NetworkInterfaceId
      });
      assert.equal(ok.status, 200, ok.text);
      assert.match(ok.json.data.AssociationId, /^eipassoc-/);
      const failed = await server.json({
        Action: 'AssociateAddress',
        AllocationId: UNKNOWN_ALLOCATION,
        NetworkInterfaceId: eni.NetworkInterfaceId
      });
      assert.equal(failed.status, 400);
      assert.equal(failed.json.error.code, 'NOT_FOUND');
      assert.equal(failed.json.error.message, allocationNotFound(UNKNOWN_ALLOCATION));
    });
  });

  describe('validations', () => {
    let eniId: string;
    let allocationId: string;
    let publicIp: string;
    let instanceId: string;

    before(async () => {
      eniId = (await subnet.eni()).NetworkInterfaceId!;
      ({ allocationId, publicIp } = await api.allocate());
      ({ instanceId } = await api.launch({ SubnetId: subnet.id }));
    });

    async function assertNothingAssociated(): Promise<void> {
      assert.deepEqual(associationOf(await api.address(allocationId)), unassociated);
    }
    /** AssociateAddress of the block's address, then `input`. */
    const associate = (input: Omit<AssociateAddressCommandInput, 'AllocationId'>) =>
      api.sendAssociate({ AllocationId: allocationId, ...input });
    const byPublicIp = 'You must specify an allocation id when mapping an address to a VPC instance';
    const instanceNotFound = `The instance ID '${UNKNOWN_INSTANCE}' does not exist`;
    const notOnInterface = (address: string) =>
      `The private IP address ${address} is not assigned to network interface ${eniId}.`;

    const rules: RefusalRule[] = [
      [
        'AllocationId is required; a VPC address is never mapped by its public IP',
        [
          {
            title: 'no AllocationId',
            sdk: () => api.sendAssociate({ NetworkInterfaceId: eniId }),
            code: 'MissingParameter',
            message: 'The request must contain the parameter AllocationId'
          },
          {
            title: 'PublicIp instead',
            sdk: () => api.sendAssociate({ PublicIp: publicIp, NetworkInterfaceId: eniId }),
            code: 'InvalidParameterCombination',
            message: byPublicIp
          },
          {
            title: 'the AWS CLI with --public-ip',
            cli: () => server.aws('ec2', 'associate-address', '--public-ip', publicIp, '--network-interface-id', eniId),
            code: 'InvalidParameterCombination',
            message: byPublicIp
          }
        ]
      ],
      [
        'an instance or an interface, not both and not neither',
        [
          {
            title: 'both',
            sdk: () => associate({ InstanceId: instanceId, NetworkInterfaceId: eniId }),
            code: 'InvalidParameterCombination',
            message: 'You can specify either an instance ID or a network interface ID, but not both.'
          },
          {
            title: 'neither',
            sdk: () => associate({}),
            code: 'MissingParameter',
            message: 'The request must contain the parameter InstanceId'
          }
        ]
      ],
      [
        'an unknown or malformed allocation id: InvalidAllocationID.NotFound',
        [
          ...[UNKNOWN_ALLOCATION, 'eipalloc-nothex', 'x'].map((id) => ({
            title: `AllocationId ${id}`,
            sdk: () => api.sendAssociate({ AllocationId: id, NetworkInterfaceId: eniId }),
            code: 'InvalidAllocationID.NotFound',
            message: allocationNotFound(id)
          })),
          {
            title: 'an unknown one given by the AWS CLI',
            cli: () =>
              server.aws(
                'ec2',
                'associate-address',
                '--allocation-id',
                UNKNOWN_ALLOCATION,
                '--network-interface-id',
                eniId
              ),
            code: 'InvalidAllocationID.NotFound',
            message: allocationNotFound(UNKNOWN_ALLOCATION)
          },
          {
            title: 'an unknown one on the Query face',
            query: () =>
              server.query({ Action: 'AssociateAddress', AllocationId: UNKNOWN_ALLOCATION, NetworkInterfaceId: eniId }),
            code: 'InvalidAllocationID.NotFound',
            message: allocationNotFound(UNKNOWN_ALLOCATION)
          }
        ]
      ],
      [
        'an unknown or malformed instance or interface',
        [
          {
            title: 'an unknown InstanceId',
            sdk: () => associate({ InstanceId: UNKNOWN_INSTANCE }),
            code: 'InvalidInstanceID.NotFound',
            message: instanceNotFound
          },
          {
            title: 'a malformed InstanceId',
            sdk: () => associate({ InstanceId: 'i_1' }),
            code: 'InvalidInstanceID.Malformed',
            message: 'Invalid id: "i_1" (expecting "i-...")'
          },
          {
            title: 'an unknown NetworkInterfaceId',
            sdk: () => associate({ NetworkInterfaceId: UNKNOWN_ENI }),
            code: 'InvalidNetworkInterfaceID.NotFound',
            message: `The networkInterface ID '${UNKNOWN_ENI}' does not exist`
          },
          {
            title: 'a malformed NetworkInterfaceId',
            sdk: () => associate({ NetworkInterfaceId: 'eni-x' }),
            code: 'InvalidNetworkInterfaceId.Malformed',
            message: 'Invalid id: "eni-x" (expecting "eni-...")'
          },
          {
            title: 'an unknown instance given by the AWS CLI',
            cli: () =>
              server.aws(
                'ec2',
                'associate-address',
                '--allocation-id',
                allocationId,
                '--instance-id',
                UNKNOWN_INSTANCE
              ),
            code: 'InvalidInstanceID.NotFound',
            message: instanceNotFound
          }
        ]
      ],
      [
        'PrivateIpAddress must be one of the interface',
        [
          {
            title: 'another address of its subnet',
            sdk: () => associate({ NetworkInterfaceId: eniId, PrivateIpAddress: subnet.at(500) }),
            code: 'InvalidParameterValue',
            message: () => notOnInterface(subnet.at(500))
          },
          {
            title: 'an address outside its subnet',
            sdk: () => associate({ NetworkInterfaceId: eniId, PrivateIpAddress: '192.168.0.9' }),
            code: 'InvalidParameterValue',
            message: () => notOnInterface('192.168.0.9')
          },
          {
            title: 'not an address',
            sdk: () => associate({ NetworkInterfaceId: eniId, PrivateIpAddress: '10.0.0.999' }),
            code: 'InvalidParameterValue',
            message: 'invalid value for parameter address: 10.0.0.999'
          }
        ]
      ],
      [
        'DryRun decides and associates nothing',
        [
          {
            title: 'a dry run that would succeed',
            sdk: () => associate({ NetworkInterfaceId: eniId, DryRun: true }),
            code: 'DryRunOperation',
            message: DRY_RUN,
            status: 412
          },
          {
            title: 'a dry run with an unknown allocation id',
            sdk: () => api.sendAssociate({ AllocationId: UNKNOWN_ALLOCATION, NetworkInterfaceId: eniId, DryRun: true }),
            code: 'InvalidAllocationID.NotFound',
            message: allocationNotFound(UNKNOWN_ALLOCATION)
          }
        ]
      ]
    ];
    describeRefusals(rules, assertNothingAssociated);

    it('an instance with more than one interface needs the interface id', async () => {
      const other = await lab.subnet(24);
      const { instanceId: twoNics } = await api.launch({
        NetworkInterfaces: [
          { DeviceIndex: 0, SubnetId: other.id },
          { DeviceIndex: 1, SubnetId: other.id }
        ]
      });
      const message = `There are multiple interfaces attached to instance '${twoNics}'. Please specify an interface ID for the operation instead.`;
      await assertSdkError(associate({ InstanceId: twoNics }), 'InvalidInstanceID', message);
      assertCliError(
        await server.aws('ec2', 'associate-address', '--allocation-id', allocationId, '--instance-id', twoNics),
        'InvalidInstanceID',
        message
      );
      await assertNothingAssociated();
    });

    it('a terminated instance is refused; a stopped one is not', async () => {
      const gone = await api.launch({ SubnetId: subnet.id });
      await server.ec2.send(new TerminateInstancesCommand({ InstanceIds: [gone.instanceId] }));
      await assertSdkError(
        associate({ InstanceId: gone.instanceId }),
        'InvalidInstanceID',
        `The terminated instance '${gone.instanceId}' is not in a valid state for this operation.`
      );
      await assertNothingAssociated();
      const stopped = await api.launch({ SubnetId: subnet.id });
      await server.ec2.send(new StopInstancesCommand({ InstanceIds: [stopped.instanceId] }));
      const { allocationId: spare } = await api.allocate();
      await api.associate({ AllocationId: spare, InstanceId: stopped.instanceId });
      assert.equal((await api.address(spare)).InstanceId, stopped.instanceId);
      assert.equal((await api.instance(stopped.instanceId)).PublicIpAddress, (await api.address(spare)).PublicIp);
    });
  });

  describe('functionality', () => {
    it('by instance: the primary address of its primary interface, shown by every Describe', async () => {
      const { instanceId, primaryEni } = await api.launch({ SubnetId: subnet.id });
      const { allocationId, publicIp } = await api.allocate();
      const associationId = await api.associate({ AllocationId: allocationId, InstanceId: instanceId });
      const eni = await describeEni(server, primaryEni);
      // How DescribeInstances shows the address; DescribeNetworkInterfaces adds the ids.
      const onInstance = { IpOwnerId: ACCOUNT, PublicDnsName: publicDns(publicIp), PublicIp: publicIp };
      const expected = { AllocationId: allocationId, AssociationId: associationId, ...onInstance };

      // DescribeAddresses
      assert.deepEqual(
        associationOf(await api.address(allocationId)),
        association(associationId, primaryEni, eni.PrivateIpAddress!, instanceId)
      );
      // DescribeNetworkInterfaces: on the interface (its primary) and on the primary's privateIpAddressesSet item.
      assert.deepEqual(eni.Association, expected);
      assert.deepEqual(eni.PrivateIpAddresses?.[0]?.Association, expected);
      // DescribeInstances: ipAddress/dnsName and the interface's association.
      const instance = await api.instance(instanceId);
      assert.equal(instance.PublicIpAddress, publicIp);
      assert.equal(instance.PublicDnsName, publicDns(publicIp));
      const nic = instance.NetworkInterfaces?.[0];
      assert.deepEqual(nic?.Association, onInstance);
      assert.deepEqual(nic?.PrivateIpAddresses?.[0]?.Association, onInstance);

      const xml = await server.query({ Action: 'DescribeInstances', 'InstanceId.1': instanceId });
      const item = items(items(xml.xml.DescribeInstancesResponse.reservationSet)[0].instancesSet)[0];
      assert.equal(item.ipAddress, publicIp);
      assert.equal(item.dnsName, publicDns(publicIp));
      const nicXml = items(item.networkInterfaceSet)[0];
      assert.equal(nicXml.association.publicIp, publicIp);
      assert.equal(nicXml.association.ipOwnerId, ACCOUNT);
      const eniXml = items(
        (await server.query({ Action: 'DescribeNetworkInterfaces', 'NetworkInterfaceId.1': primaryEni })).xml
          .DescribeNetworkInterfacesResponse.networkInterfaceSet
      )[0];
      assert.equal(eniXml.association.allocationId, allocationId);
      assert.equal(eniXml.association.associationId, associationId);
      assert.equal(items(eniXml.privateIpAddressesSet)[0].association.publicIp, publicIp);
    });

    it('by interface and secondary address: shown on that address only; no instance while detached', async () => {
      const eni = await subnet.eni({ SecondaryPrivateIpAddressCount: 2 });
      const id = eni.NetworkInterfaceId!;
      const secondary = eni.PrivateIpAddresses!.find((a) => !a.Primary)!.PrivateIpAddress!;
      const { allocationId, publicIp } = await api.allocate();
      const associationId = await api.associate({
        AllocationId: allocationId,
        NetworkInterfaceId: id,
        PrivateIpAddress: secondary
      });
      assert.deepEqual(associationOf(await api.address(allocationId)), association(associationId, id, secondary));
      const now = await describeEni(server, id);
      assert.equal(now.Association, undefined);
      for (const a of now.PrivateIpAddresses ?? []) {
        assert.equal(a.Association?.PublicIp, a.PrivateIpAddress === secondary ? publicIp : undefined);
      }
    });

    it('repeating the same association is idempotent: the same association id', async () => {
      const { eni, eniId, allocationId, associationId: first } = await associatedAddress();
      assert.equal(await api.associate({ AllocationId: allocationId, NetworkInterfaceId: eniId }), first);
      assert.equal(
        await api.associate({
          AllocationId: allocationId,
          NetworkInterfaceId: eniId,
          PrivateIpAddress: eni.PrivateIpAddress,
          AllowReassociation: false
        }),
        first
      );
      assert.equal((await api.address(allocationId)).AssociationId, first);
    });

    it('an address associated elsewhere moves (reassociation is automatic), unless AllowReassociation is false', async () => {
      const { eniId: from, allocationId, associationId: first } = await associatedAddress();
      const to = await subnet.eni();
      const toId = to.NetworkInterfaceId!;
      const associated = `resource ${allocationId} is already associated with associate-id ${first}`;
      await assertSdkError(
        api.sendAssociate({ AllocationId: allocationId, NetworkInterfaceId: toId, AllowReassociation: false }),
        'Resource.AlreadyAssociated',
        associated
      );
      assertCliError(
        await server.aws(
          'ec2',
          'associate-address',
          '--allocation-id',
          allocationId,
          '--network-interface-id',
          toId,
          '--no-allow-reassociation'
        ),
        'Resource.AlreadyAssociated',
        associated
      );
      assert.equal((await api.address(allocationId)).AssociationId, first);

      const second = await api.associate({ AllocationId: allocationId, NetworkInterfaceId: toId });
      assert.notEqual(second, first);
      assert.deepEqual(associationOf(await api.address(allocationId)), association(second, toId, to.PrivateIpAddress!));
      assert.equal((await describeEni(server, from)).Association, undefined);

      const third = await api.associate({
        AllocationId: allocationId,
        NetworkInterfaceId: from,
        AllowReassociation: true
      });
      assert.equal((await api.address(allocationId)).NetworkInterfaceId, from);
      assert.equal((await describeEni(server, from)).Association?.AssociationId, third);
      assert.equal((await describeEni(server, toId)).Association, undefined);
      // The association it had is gone.
      await assertSdkError(
        api.disassociate({ AssociationId: second }),
        'InvalidAssociationID.NotFound',
        associationNotFound(second)
      );
    });

    it('an address that already has another Elastic IP: that one is disassociated, unless AllowReassociation is false', async () => {
      const { eni, eniId: id, ...old } = await associatedAddress();
      const fresh = await api.allocate();
      await assertSdkError(
        api.sendAssociate({ AllocationId: fresh.allocationId, NetworkInterfaceId: id, AllowReassociation: false }),
        'Resource.AlreadyAssociated',
        `resource ${id} and ${eni.PrivateIpAddress} is already associated with public address ${old.publicIp}`
      );
      assert.equal((await describeEni(server, id)).Association?.PublicIp, old.publicIp);
      assert.deepEqual(associationOf(await api.address(fresh.allocationId)), unassociated);

      const associationId = await api.associate({ AllocationId: fresh.allocationId, NetworkInterfaceId: id });
      assert.equal((await describeEni(server, id)).Association?.AssociationId, associationId);
      assert.equal((await describeEni(server, id)).Association?.PublicIp, fresh.publicIp);
      // The one replaced stays allocated, associated with nothing.
      assert.deepEqual(associationOf(await api.address(old.allocationId)), unassociated);
    });
  });
});

describe('DisassociateAddress', () => {
  useServer({ elasticIpLimit: 100 });

  it('answers the SDK; the address stays allocated and leaves the interface', async () => {
    const { allocationId, associationId, eniId } = await associatedAddress();
    const out = await api.disassociate({ AssociationId: associationId });
    assert.equal(out.$metadata.httpStatusCode, 200);
    assert.deepEqual(associationOf(await api.address(allocationId)), unassociated);
    const eni = await describeEni(server, eniId);
    assert.equal(eni.Association, undefined);
    assert.equal(eni.PrivateIpAddresses?.[0]?.Association, undefined);
  });

  it('renders <return>true</return>; the AWS CLI prints nothing', async () => {
    const one = await associatedAddress();
    const response = await server.query({ Action: 'DisassociateAddress', AssociationId: one.associationId });
    assert.equal(response.status, 200, response.text);
    assert.equal(response.xml.DisassociateAddressResponse.return, 'true');
    const two = await associatedAddress();
    const cli = await server.aws('ec2', 'disassociate-address', '--association-id', two.associationId);
    assert.equal(cli.code, 0, cli.stderr);
    assert.equal(cli.stdout.trim(), '');
    assert.equal((await api.address(two.allocationId)).AssociationId, undefined);
    const three = await associatedAddress();
    const json = await server.json({ Action: 'DisassociateAddress', AssociationId: three.associationId });
    assert.equal(json.status, 200, json.text);
    assert.equal(json.json.data.Return, true);
  });

  describe('refused requests, which leave the address as it was', () => {
    /** An association made and undone, and one that stays: no refusal may undo it. */
    let undone: string;
    let held: Awaited<ReturnType<typeof associatedAddress>>;
    before(async () => {
      undone = (await associatedAddress()).associationId;
      await api.disassociate({ AssociationId: undone });
      held = await associatedAddress();
    });
    const notFound = 'InvalidAssociationID.NotFound';

    describeRefusals(
      [
        [
          'an unknown association, or one already disassociated: InvalidAssociationID.NotFound',
          [
            {
              title: 'one already disassociated',
              sdk: () => api.disassociate({ AssociationId: undone }),
              code: notFound,
              message: () => associationNotFound(undone)
            },
            ...[UNKNOWN_ASSOCIATION, 'eipassoc-x'].map((id) => ({
              title: `AssociationId ${id}`,
              sdk: () => api.disassociate({ AssociationId: id }),
              code: notFound,
              message: associationNotFound(id)
            })),
            {
              title: 'an unknown one given by the AWS CLI',
              cli: () => server.aws('ec2', 'disassociate-address', '--association-id', UNKNOWN_ASSOCIATION),
              code: notFound,
              message: associationNotFound(UNKNOWN_ASSOCIATION)
            },
            {
              title: 'an unknown one on the Query face',
              query: () => server.query({ Action: 'DisassociateAddress', AssociationId: UNKNOWN_ASSOCIATION }),
              code: notFound,
              message: associationNotFound(UNKNOWN_ASSOCIATION)
            }
          ]
        ],
        [
          'by public IP alone a VPC address is refused; both or neither are refused too',
          [
            {
              title: 'the public IP of a VPC address',
              sdk: () => api.disassociate({ PublicIp: held.publicIp }),
              code: 'InvalidParameterValue',
              message: 'You must specify an association id when unmapping an address from a VPC instance'
            },
            {
              title: 'an unknown public IP',
              sdk: () => api.disassociate({ PublicIp: '203.0.113.9' }),
              code: 'InvalidAddress.NotFound',
              message: addressNotFound('203.0.113.9')
            },
            {
              title: 'a public IP that is no address',
              sdk: () => api.disassociate({ PublicIp: 'nope' }),
              code: 'InvalidParameterValue',
              message: notAnIp('nope')
            },
            {
              title: 'both',
              sdk: () => api.disassociate({ PublicIp: held.publicIp, AssociationId: held.associationId }),
              code: 'InvalidParameterCombination',
              message: 'You may specify public IP or association id, but not both in the same call'
            },
            {
              title: 'neither',
              sdk: () => api.disassociate({}),
              code: 'MissingParameter',
              message: 'The request must contain the parameter AssociationId'
            },
            {
              title: 'a dry run',
              sdk: () => api.disassociate({ AssociationId: held.associationId, DryRun: true }),
              code: 'DryRunOperation',
              message: DRY_RUN,
              status: 412
            }
          ]
        ]
      ],
      async () => assert.equal((await api.address(held.allocationId)).AssociationId, held.associationId)
    );
  });
});

describe('ReleaseAddress', () => {
  useServer({ elasticIpLimit: 100 });

  it('releases an unassociated address: it is gone, and its allocation id with it', async () => {
    const { allocationId } = await api.allocate();
    const out = await api.release({ AllocationId: allocationId });
    assert.equal(out.$metadata.httpStatusCode, 200);
    await assertSdkError(api.address(allocationId), 'InvalidAllocationID.NotFound', allocationNotFound(allocationId));
    await assertSdkError(
      api.release({ AllocationId: allocationId }),
      'InvalidAllocationID.NotFound',
      allocationNotFound(allocationId)
    );
  });

  it('renders <return>true</return>; the AWS CLI prints nothing', async () => {
    const one = await api.allocate();
    const response = await server.query({ Action: 'ReleaseAddress', AllocationId: one.allocationId });
    assert.equal(response.status, 200, response.text);
    assert.equal(response.xml.ReleaseAddressResponse.return, 'true');
    const two = await api.allocate();
    const cli = await server.aws('ec2', 'release-address', '--allocation-id', two.allocationId);
    assert.equal(cli.code, 0, cli.stderr);
    assert.equal(cli.stdout.trim(), '');
    assertCliError(
      await server.aws('ec2', 'release-address', '--allocation-id', two.allocationId),
      'InvalidAllocationID.NotFound',
      allocationNotFound(two.allocationId)
    );
  });

  /** The addresses DescribeAddresses lists with this public IP. */
  const withIp = (publicIp: string) => api.addresses({ Filters: [{ Name: 'public-ip', Values: [publicIp] }] });

  it('an associated address in a nondefault VPC: InvalidIPAddress.InUse, and nothing changes', async () => {
    const { allocationId, publicIp, associationId } = await associatedAddress();
    const inUse = `Address ${publicIp} is in use.`;
    await assertSdkError(api.release({ AllocationId: allocationId }), 'InvalidIPAddress.InUse', inUse);
    assertCliError(
      await server.aws('ec2', 'release-address', '--allocation-id', allocationId),
      'InvalidIPAddress.InUse',
      inUse
    );
    assert.equal((await api.address(allocationId)).AssociationId, associationId);
    await api.disassociate({ AssociationId: associationId });
    await api.release({ AllocationId: allocationId });
    assert.deepEqual(await withIp(publicIp), []);
  });

  it('an associated address in the default VPC is disassociated and released', async () => {
    const { instanceId } = await api.launch();
    const { allocationId, publicIp } = await api.allocate();
    await api.associate({ AllocationId: allocationId, InstanceId: instanceId });
    assert.equal((await api.instance(instanceId)).PublicIpAddress, publicIp);
    await api.release({ AllocationId: allocationId });
    assert.equal((await api.instance(instanceId)).PublicIpAddress, undefined);
    assert.deepEqual(await withIp(publicIp), []);
  });

  it('a released address can be recovered with Address', async () => {
    const { allocationId, publicIp } = await api.allocate();
    await api.release({ AllocationId: allocationId });
    const again = await api.allocate({ Address: publicIp });
    assert.equal(again.publicIp, publicIp);
    assert.notEqual(again.allocationId, allocationId);
  });

  describe('refused requests, which leave the address as it was', () => {
    /** An address that no refusal may release. */
    let kept: { allocationId: string; publicIp: string };
    before(async () => {
      kept = await api.allocate();
    });

    describeRefusals(
      [
        [
          'by public IP alone, both, neither, a wrong network border group, DryRun',
          [
            {
              title: 'the public IP of a VPC address',
              sdk: () => api.release({ PublicIp: kept.publicIp }),
              code: 'InvalidParameterValue',
              message: 'You must specify an allocation id when releasing a VPC elastic IP address'
            },
            {
              title: 'a public IP that is no address',
              sdk: () => api.release({ PublicIp: 'None' }),
              code: 'InvalidParameterValue',
              message: notAnIp('None')
            },
            {
              title: 'both',
              sdk: () => api.release({ PublicIp: kept.publicIp, AllocationId: kept.allocationId }),
              code: 'InvalidParameterCombination',
              message: 'You may specify public IP or allocation id, but not both in the same call'
            },
            {
              title: 'neither',
              sdk: () => api.release({}),
              code: 'MissingParameter',
              message: 'The request must contain the parameter AllocationId'
            },
            {
              title: 'the network border group of another region',
              sdk: () => api.release({ AllocationId: kept.allocationId, NetworkBorderGroup: 'us-west-2' }),
              code: 'InvalidAddress.NotFound',
              message: () =>
                `The address with allocation id [${kept.allocationId}] does not exist in network border group us-west-2.`
            },
            {
              title: 'an unknown allocation id',
              sdk: () => api.release({ AllocationId: UNKNOWN_ALLOCATION }),
              code: 'InvalidAllocationID.NotFound',
              message: allocationNotFound(UNKNOWN_ALLOCATION)
            },
            {
              title: 'a dry run',
              sdk: () => api.release({ AllocationId: kept.allocationId, DryRun: true }),
              code: 'DryRunOperation',
              message: DRY_RUN,
              status: 412
            }
          ]
        ]
      ],
      async () => assert.equal((await api.address(kept.allocationId)).PublicIp, kept.publicIp)
    );
  });

  it("releases with the region's network border group", async () => {
    const { allocationId } = await api.allocate();
    await api.release({ AllocationId: allocationId, NetworkBorderGroup: 'us-east-1' });
    await assertSdkError(api.address(allocationId), 'InvalidAllocationID.NotFound', allocationNotFound(allocationId));
  });
});

describe('DescribeAddresses', () => {
  useServer();
  /** Three addresses: one on an instance, one on a detached interface's secondary, one free and tagged. */
  let onInstance: { allocationId: string; publicIp: string; associationId: string };
  let onEni: { allocationId: string; publicIp: string; associationId: string };
  let free: { allocationId: string; publicIp: string };
  let instanceId: string;
  let primaryEni: string;
  let detachedEni: string;
  let secondary: string;

  const ids = (addresses: Address[]) => addresses.map((a) => a.AllocationId).sort();
  const filtered = (Name: string, ...Values: string[]) => api.addresses({ Filters: [{ Name, Values }] }).then(ids);

  before(async () => {
    ({ instanceId, primaryEni } = await api.launch({ SubnetId: subnet.id }));
    const eni = await subnet.eni({ SecondaryPrivateIpAddressCount: 1 });
    detachedEni = eni.NetworkInterfaceId!;
    secondary = eni.PrivateIpAddresses!.find((a) => !a.Primary)!.PrivateIpAddress!;
    const a = await api.allocate({
      TagSpecifications: [{ ResourceType: 'elastic-ip', Tags: [{ Key: 'role', Value: 'web' }] }]
    });
    onInstance = { ...a, associationId: await api.associate({ AllocationId: a.allocationId, InstanceId: instanceId }) };
    const b = await api.allocate({
      TagSpecifications: [{ ResourceType: 'elastic-ip', Tags: [{ Key: 'role', Value: 'db' }] }]
    });
    onEni = {
      ...b,
      associationId: await api.associate({
        AllocationId: b.allocationId,
        NetworkInterfaceId: detachedEni,
        PrivateIpAddress: secondary
      })
    };
    free = await api.allocate({
      TagSpecifications: [{ ResourceType: 'elastic-ip', Tags: [{ Key: 'spare', Value: '' }] }]
    });
  });

  it('lists every address with the model element names', async () => {
    const response = await server.query({ Action: 'DescribeAddresses' });
    assert.equal(response.status, 200, response.text);
    const list = items(response.xml.DescribeAddressesResponse.addressesSet);
    assert.equal(list.length, 3);
    const item = list.find((i) => i.allocationId === onInstance.allocationId);
    const eni = await describeEni(server, primaryEni);
    assert.equal(item.publicIp, onInstance.publicIp);
    assert.equal(item.associationId, onInstance.associationId);
    assert.equal(item.domain, 'vpc');
    assert.equal(item.instanceId, instanceId);
    assert.equal(item.networkInterfaceId, primaryEni);
    assert.equal(item.networkInterfaceOwnerId, ACCOUNT);
    assert.equal(item.privateIpAddress, eni.PrivateIpAddress);
    assert.deepEqual(items(item.tagSet), [{ key: 'role', value: 'web' }]);
    assert.equal(item.publicIpv4Pool, 'amazon');
    assert.equal(item.networkBorderGroup, 'us-east-1');
    const spare = list.find((i) => i.allocationId === free.allocationId);
    assert.equal(spare.associationId, undefined);
    assert.equal(spare.instanceId, undefined);
    assert.equal(spare.networkInterfaceId, undefined);
  });

  it('answers the SDK, the AWS CLI and the JSON face', async () => {
    const all = await api.addresses();
    assert.deepEqual(ids(all), [onInstance.allocationId, onEni.allocationId, free.allocationId].sort());
    const detached = all.find((a) => a.AllocationId === onEni.allocationId)!;
    assert.deepEqual(associationOf(detached), {
      AssociationId: onEni.associationId,
      NetworkInterfaceId: detachedEni,
      NetworkInterfaceOwnerId: ACCOUNT,
      PrivateIpAddress: secondary,
      InstanceId: undefined
    });
    const cli = await server.aws('ec2', 'describe-addresses', '--allocation-ids', onEni.allocationId);
    assert.equal(cli.code, 0, cli.stderr);
    assert.equal(cli.json.Addresses.length, 1);
    assert.equal(cli.json.Addresses[0].PrivateIpAddress, secondary);
    assert.equal(cli.json.Addresses[0].Domain, 'vpc');
    const byFilter = await server.aws(
      'ec2',
      'describe-addresses',
      '--filters',
      'Name=tag:role,Values=web,db',
      '--public-ips',
      onInstance.publicIp
    );
    assert.equal(byFilter.code, 0, byFilter.stderr);
    assert.deepEqual(
      byFilter.json.Addresses.map((a: Address) => a.AllocationId),
      [onInstance.allocationId]
    );
    const json = await server.json({ Action: 'DescribeAddresses', AllocationIds: [free.allocationId] });
    assert.equal(json.status, 200, json.text);
    assert.equal(json.json.data.Addresses[0].PublicIp, free.publicIp);
  });

  it('PublicIp.N and AllocationId.N select, AND-ed with each other and with the filters', async () => {
    assert.deepEqual(
      ids(await api.addresses({ PublicIps: [onInstance.publicIp, free.publicIp] })),
      [onInstance.allocationId, free.allocationId].sort()
    );
    assert.deepEqual(ids(await api.addresses({ AllocationIds: [onEni.allocationId] })), [onEni.allocationId]);
    assert.deepEqual(
      ids(
        await api.addresses({
          PublicIps: [onInstance.publicIp],
          AllocationIds: [onInstance.allocationId, free.allocationId]
        })
      ),
      [onInstance.allocationId]
    );
    assert.deepEqual(
      ids(await api.addresses({ AllocationIds: [free.allocationId], Filters: [{ Name: 'domain', Values: ['vpc'] }] })),
      [free.allocationId]
    );
    assert.deepEqual(
      ids(await api.addresses({ AllocationIds: [free.allocationId], Filters: [{ Name: 'tag:role', Values: ['*'] }] })),
      []
    );
  });

  it('every filter', async () => {
    const every = [onInstance.allocationId, onEni.allocationId, free.allocationId].sort();
    const associated = [onInstance.allocationId, onEni.allocationId].sort();
    const eni = await describeEni(server, primaryEni);
    const cases: [name: string, values: string[], expected: string[]][] = [
      ['allocation-id', [free.allocationId], [free.allocationId]],
      ['association-id', [onEni.associationId], [onEni.allocationId]],
      ['association-id', ['eipassoc-*'], associated],
      ['domain', ['vpc'], every],
      ['domain', ['standard'], []],
      ['instance-id', [instanceId], [onInstance.allocationId]],
      ['network-interface-id', [detachedEni, primaryEni], associated],
      ['network-interface-owner-id', [ACCOUNT], associated],
      ['private-ip-address', [secondary], [onEni.allocationId]],
      ['private-ip-address', [eni.PrivateIpAddress!], [onInstance.allocationId]],
      ['public-ip', [free.publicIp], [free.allocationId]],
      ['public-ip', ['198.51.100.*'], every],
      ['network-border-group', ['us-east-1'], every],
      ['tag:role', ['db'], [onEni.allocationId]],
      ['tag-key', ['spare'], [free.allocationId]],
      ['tag-key', ['role'], associated]
    ];
    for (const [name, values, expected] of cases)
      assert.deepEqual(await filtered(name, ...values), expected, `${name} = ${values.join(', ')}`);
  });

  describeRefusals([
    [
      'an unknown or malformed public IP, an unknown allocation id, an unknown filter',
      [
        {
          title: 'an unknown PublicIp.N',
          sdk: () => api.addresses({ PublicIps: [free.publicIp, '203.0.113.5'] }),
          code: 'InvalidAddress.NotFound',
          message: addressNotFound('203.0.113.5')
        },
        {
          title: 'a PublicIp.N that is no address',
          sdk: () => api.addresses({ PublicIps: [free.allocationId] }),
          code: 'InvalidParameterValue',
          message: () => notAnIp(free.allocationId)
        },
        {
          title: 'an unknown AllocationId.N',
          sdk: () => api.addresses({ AllocationIds: [free.allocationId, UNKNOWN_ALLOCATION] }),
          code: 'InvalidAllocationID.NotFound',
          message: allocationNotFound(UNKNOWN_ALLOCATION)
        },
        {
          title: 'an unknown allocation id given by the AWS CLI',
          cli: () => server.aws('ec2', 'describe-addresses', '--allocation-ids', UNKNOWN_ALLOCATION),
          code: 'InvalidAllocationID.NotFound',
          message: allocationNotFound(UNKNOWN_ALLOCATION)
        },
        {
          title: 'an unknown PublicIp.1 on the Query face',
          query: () => server.query({ Action: 'DescribeAddresses', 'PublicIp.1': '203.0.113.5' }),
          code: 'InvalidAddress.NotFound',
          message: addressNotFound('203.0.113.5')
        },
        {
          title: 'the filter instance-state',
          sdk: () => api.addresses({ Filters: [{ Name: 'instance-state', Values: ['running'] }] }),
          code: 'InvalidParameterValue',
          message: "The filter 'instance-state' is invalid"
        },
        {
          title: 'a dry run',
          sdk: () => api.addresses({ DryRun: true }),
          code: 'DryRunOperation',
          message: DRY_RUN,
          status: 412
        }
      ]
    ]
  ]);
});

describe('Elastic IPs follow the addresses and interfaces they are on', () => {
  useServer({ elasticIpLimit: 100 }, 22);

  it('a secondary moved by AssignPrivateIpAddresses AllowReassignment takes its Elastic IP, same association id', async () => {
    const one = await api.launch({ SubnetId: subnet.id });
    const two = await api.launch({ SubnetId: subnet.id });
    const { addresses } = await server.ec2
      .send(
        new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: one.primaryEni, SecondaryPrivateIpAddressCount: 1 })
      )
      .then((out) => ({ addresses: (out.AssignedPrivateIpAddresses ?? []).map((a) => a.PrivateIpAddress!) }));
    const floating = addresses[0]!;
    const { allocationId, publicIp } = await api.allocate();
    const associationId = await api.associate({
      AllocationId: allocationId,
      NetworkInterfaceId: one.primaryEni,
      PrivateIpAddress: floating
    });
    assert.equal((await api.address(allocationId)).InstanceId, one.instanceId);

    await server.ec2.send(
      new AssignPrivateIpAddressesCommand({
        NetworkInterfaceId: two.primaryEni,
        PrivateIpAddresses: [floating],
        AllowReassignment: true
      })
    );
    assert.deepEqual(associationOf(await api.address(allocationId)), {
      AssociationId: associationId,
      NetworkInterfaceId: two.primaryEni,
      NetworkInterfaceOwnerId: ACCOUNT,
      PrivateIpAddress: floating,
      InstanceId: two.instanceId
    });
    const target = await describeEni(server, two.primaryEni);
    assert.equal(
      target.PrivateIpAddresses?.find((a) => a.PrivateIpAddress === floating)?.Association?.AssociationId,
      associationId
    );
    assert.equal(target.Association, undefined);
    const source = await describeEni(server, one.primaryEni);
    assert.ok(!source.PrivateIpAddresses?.some((a) => a.PrivateIpAddress === floating || a.Association));
    const instance = await api.instance(two.instanceId);
    assert.equal(instance.PublicIpAddress, undefined);
    assert.equal(
      instance.NetworkInterfaces?.[0]?.PrivateIpAddresses?.find((a) => a.PrivateIpAddress === floating)?.Association
        ?.PublicIp,
      publicIp
    );

    // UnassignPrivateIpAddresses of that address disassociates it; the address stays allocated.
    await server.ec2.send(
      new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: two.primaryEni, PrivateIpAddresses: [floating] })
    );
    assert.deepEqual(associationOf(await api.address(allocationId)), unassociated);
    assert.ok(!(await describeEni(server, two.primaryEni)).PrivateIpAddresses?.some((a) => a.Association));
    await assertSdkError(
      api.disassociate({ AssociationId: associationId }),
      'InvalidAssociationID.NotFound',
      associationNotFound(associationId)
    );
  });

  it('deleting the interface disassociates its Elastic IPs', async () => {
    const eni = await subnet.eni({ SecondaryPrivateIpAddressCount: 1 });
    const id = eni.NetworkInterfaceId!;
    const a = await api.allocate();
    const b = await api.allocate();
    const first = await api.associate({ AllocationId: a.allocationId, NetworkInterfaceId: id });
    await api.associate({
      AllocationId: b.allocationId,
      NetworkInterfaceId: id,
      PrivateIpAddress: eni.PrivateIpAddresses!.find((x) => !x.Primary)!.PrivateIpAddress
    });
    await server.ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: id }));
    assert.deepEqual(associationOf(await api.address(a.allocationId)), unassociated);
    assert.deepEqual(associationOf(await api.address(b.allocationId)), unassociated);
    await assertSdkError(
      api.disassociate({ AssociationId: first }),
      'InvalidAssociationID.NotFound',
      associationNotFound(first)
    );
    // Both can be associated again elsewhere, and released.
    const other = await subnet.eni();
    await api.associate({ AllocationId: a.allocationId, NetworkInterfaceId: other.NetworkInterfaceId });
    await api.release({ AllocationId: b.allocationId });
  });

  it('terminating the instance disassociates the Elastic IP of the interface that goes with it', async () => {
    const { instanceId } = await api.launch({ SubnetId: subnet.id });
    const { allocationId } = await api.allocate();
    await api.associate({ AllocationId: allocationId, InstanceId: instanceId });
    await server.ec2.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] }));
    assert.deepEqual(associationOf(await api.address(allocationId)), unassociated);
    const instance = await api.instance(instanceId);
    assert.equal(instance.PublicIpAddress, undefined);
    assert.equal(instance.PublicDnsName, '');
  });

  it("DescribeAddresses' instance follows the interface's attachment", async () => {
    const eni = await subnet.eni();
    const id = eni.NetworkInterfaceId!;
    const { allocationId, publicIp } = await api.allocate();
    const associationId = await api.associate({ AllocationId: allocationId, NetworkInterfaceId: id });
    assert.equal((await api.address(allocationId)).InstanceId, undefined);
    // Launched onto the interface: the address now reaches the instance.
    const { instanceId } = await api.launch({ NetworkInterfaces: [{ DeviceIndex: 0, NetworkInterfaceId: id }] });
    assert.equal((await api.address(allocationId)).InstanceId, instanceId);
    assert.equal((await api.instance(instanceId)).PublicIpAddress, publicIp);
    assert.deepEqual(
      await api
        .addresses({ Filters: [{ Name: 'instance-id', Values: [instanceId] }] })
        .then((l) => l.map((a) => a.AllocationId)),
      [allocationId]
    );
    // The instance goes; an interface it did not create stays, detached, with its Elastic IP.
    await server.ec2.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] }));
    assert.deepEqual(associationOf(await api.address(allocationId)), {
      AssociationId: associationId,
      NetworkInterfaceId: id,
      NetworkInterfaceOwnerId: ACCOUNT,
      PrivateIpAddress: eni.PrivateIpAddress,
      InstanceId: undefined
    });
  });
});
