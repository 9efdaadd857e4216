import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AssignPrivateIpAddressesCommand,
  CreateNetworkInterfaceCommand,
  CreateSubnetCidrReservationCommand,
  type CreateSubnetCidrReservationCommandInput,
  DeleteSubnetCidrReservationCommand,
  DeleteSubnetCommand,
  DescribeTagsCommand,
  GetSubnetCidrReservationsCommand,
  type GetSubnetCidrReservationsCommandInput,
  RunInstancesCommand,
  type SubnetCidrReservation
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
  UNKNOWN_SUBNET,
  VpcLab,
  addressesOf,
  assign,
  describeEni,
  prefixesOf,
  toInt,
  toText
} from '../helpers/vpc-lab.js';

/**
 * CreateSubnetCidrReservation, GetSubnetCidrReservations and DeleteSubnetCidrReservation, and what reservations do
 * to automatic assignment (VPC User Guide, "Subnet CIDR reservations").
 */

const ACCOUNT = '123456789012';
const SCR_ID = /^scr-[0-9a-f]{17}$/;
const UNKNOWN_SCR = 'scr-0123456789abcdef0';
const DRY_RUN = 'Request would have succeeded, but DryRun flag is set.';
const INSUFFICIENT_ADDRESSES = 'The specified subnet does not have enough free addresses to satisfy the request.';
const NO_ROOM_FOR_PREFIXES = "There aren't sufficient free Ipv4 addresses or prefixes";
const IMAGE = 'ami-0123456789abcdef0';

/** The offset of an address or of a prefix's base inside a subnet. */
function offsetIn(subnet: LabSubnet, address: string): number {
  return toInt(address.split('/')[0]!) - subnet.base;
}

describe('subnet CIDR reservations', () => {
  let server: TestServer;
  let lab: VpcLab;
  const create = async (input: CreateSubnetCidrReservationCommandInput): Promise<SubnetCidrReservation> =>
    (await server.ec2.send(new CreateSubnetCidrReservationCommand(input))).SubnetCidrReservation!;
  const get = (input: GetSubnetCidrReservationsCommandInput) =>
    server.ec2.send(new GetSubnetCidrReservationsCommand(input));
  const remove = (id: string) =>
    server.ec2.send(new DeleteSubnetCidrReservationCommand({ SubnetCidrReservationId: id }));
  /** A /block reservation at `offset` of the subnet. */
  const reserve = (subnet: LabSubnet, offset: number, length: number, type: 'prefix' | 'explicit') =>
    create({ SubnetId: subnet.id, Cidr: `${subnet.at(offset)}/${length}`, ReservationType: type });

  before(async () => {
    server = await startTestServer({ placement: 'lowest' });
    lab = await VpcLab.create(server, '10.80.0.0/16');
  });
  after(() => server.close());

  describe('CreateSubnetCidrReservation', () => {
    describe('serializations', () => {
      it('answers the SDK with the reservation', async () => {
        const subnet = await lab.subnet(24);
        const reservation = await create({
          SubnetId: subnet.id,
          Cidr: subnet.prefix(16),
          ReservationType: 'prefix',
          Description: 'for pods',
          TagSpecifications: [{ ResourceType: 'subnet-cidr-reservation', Tags: [{ Key: 'Name', Value: 'pd' }] }]
        });
        assert.match(reservation.SubnetCidrReservationId!, SCR_ID);
        assert.equal(reservation.SubnetId, subnet.id);
        assert.equal(reservation.Cidr, subnet.prefix(16));
        assert.equal(reservation.ReservationType, 'prefix');
        assert.equal(reservation.OwnerId, ACCOUNT);
        assert.equal(reservation.Description, 'for pods');
        assert.deepEqual(reservation.Tags, [{ Key: 'Name', Value: 'pd' }]);
      });

      it('writes the EC2 model element names, and leaves description out when none was given', async () => {
        const subnet = await lab.subnet(24);
        const response = await server.query({
          Action: 'CreateSubnetCidrReservation',
          SubnetId: subnet.id,
          Cidr: `${subnet.at(32)}/27`,
          ReservationType: 'explicit'
        });
        assert.equal(response.status, 200, response.text);
        const reservation = response.xml.CreateSubnetCidrReservationResponse.subnetCidrReservation;
        assert.match(reservation.subnetCidrReservationId, SCR_ID);
        assert.equal(reservation.subnetId, subnet.id);
        assert.equal(reservation.cidr, `${subnet.at(32)}/27`);
        assert.equal(reservation.reservationType, 'explicit');
        assert.equal(reservation.ownerId, ACCOUNT);
        assert.equal(reservation.description, undefined);
      });

      it('answers the AWS CLI', async () => {
        const subnet = await lab.subnet(24);
        const result = await server.aws(
          'ec2',
          'create-subnet-cidr-reservation',
          '--subnet-id',
          subnet.id,
          '--cidr',
          subnet.prefix(64),
          '--reservation-type',
          'prefix',
          '--description',
          'cli',
          '--tag-specifications',
          'ResourceType=subnet-cidr-reservation,Tags=[{Key=Name,Value=cli}]'
        );
        assert.equal(result.code, 0, result.stderr);
        assert.match(result.json.SubnetCidrReservation.SubnetCidrReservationId, SCR_ID);
        assert.equal(result.json.SubnetCidrReservation.Cidr, subnet.prefix(64));
        assert.equal(result.json.SubnetCidrReservation.ReservationType, 'prefix');
        assert.equal(result.json.SubnetCidrReservation.Description, 'cli');
        assert.deepEqual(result.json.SubnetCidrReservation.Tags, [{ Key: 'Name', Value: 'cli' }]);
      });
    });

    describe('validations', () => {
      let subnet: LabSubnet;
      before(async () => {
        subnet = await lab.subnet(24);
      });

      it('needs SubnetId, Cidr and ReservationType', async () => {
        const input = { SubnetId: subnet.id, Cidr: subnet.prefix(16), ReservationType: 'prefix' } as const;
        for (const name of ['SubnetId', 'Cidr', 'ReservationType'] as const) {
          const { [name]: _left, ...rest } = input;
          await assertSdkError(
            create(rest as never),
            'MissingParameter',
            `The request must contain the parameter ${name}`
          );
        }
      });

      it('refuses a reservation type other than prefix or explicit', async () => {
        await assertSdkError(
          create({ SubnetId: subnet.id, Cidr: subnet.prefix(16), ReservationType: 'automatic' as never }),
          'InvalidParameterValue',
          'Value (automatic) for parameter ReservationType is invalid. Valid values are: prefix, explicit.'
        );
      });

      it('refuses a malformed or unknown subnet', async () => {
        await assertSdkError(
          create({ SubnetId: 'subnet_1', Cidr: '10.80.0.0/28', ReservationType: 'prefix' }),
          'InvalidSubnetID.Malformed',
          'Invalid id: "subnet_1" (expecting "subnet-...")'
        );
        const message = `The subnet ID '${UNKNOWN_SUBNET}' does not exist`;
        await assertSdkError(
          create({ SubnetId: UNKNOWN_SUBNET, Cidr: '10.80.0.0/28', ReservationType: 'prefix' }),
          'InvalidSubnetID.NotFound',
          message
        );
        assertCliError(
          await server.aws(
            'ec2',
            'create-subnet-cidr-reservation',
            '--subnet-id',
            UNKNOWN_SUBNET,
            '--cidr',
            '10.80.0.0/28',
            '--reservation-type',
            'prefix'
          ),
          'InvalidSubnetID.NotFound',
          message
        );
      });

      for (const text of ['abc', '10.80.0.0', '10.80.0.0/', '10.80.0.300/28', '10.80.0.0/33']) {
        it(`refuses ${JSON.stringify(text)}: not a CIDR block`, async () => {
          await assertSdkError(
            create({ SubnetId: subnet.id, Cidr: text, ReservationType: 'explicit' }),
            'InvalidParameterValue',
            `Value (${text}) for parameter cidr is invalid. This is not a valid CIDR block.`
          );
        });
      }

      it('refuses an IPv6 range: ec2lite subnets have no IPv6 block', async () => {
        await assertSdkError(
          create({ SubnetId: subnet.id, Cidr: '2600:1f13:925:d240:3a1b::/80', ReservationType: 'prefix' }),
          'InvalidParameterValue',
          `Reservation CIDR 2600:1f13:925:d240:3a1b::/80 is IPv6, but the subnet '${subnet.id}' has no IPv6 CIDR block`
        );
      });

      it('refuses a range outside the subnet or larger than it, quoting the canonical CIDR', async () => {
        const outside = (cidr: string) => `Reservation CIDR ${cidr} is not within the subnet CIDR block ${subnet.cidr}`;
        const next = `${subnet.at(256)}/28`;
        await assertSdkError(
          create({ SubnetId: subnet.id, Cidr: next, ReservationType: 'prefix' }),
          'InvalidParameterValue',
          outside(next)
        );
        const wider = `${toText(subnet.base - (subnet.base % 512))}/23`;
        await assertSdkError(
          create({ SubnetId: subnet.id, Cidr: wider, ReservationType: 'prefix' }),
          'InvalidParameterValue',
          outside(wider)
        );
        await assertSdkError(
          create({ SubnetId: subnet.id, Cidr: `${subnet.at(256 + 5)}/28`, ReservationType: 'explicit' }),
          'InvalidParameterValue',
          outside(next)
        );
        assertCliError(
          await server.aws(
            'ec2',
            'create-subnet-cidr-reservation',
            '--subnet-id',
            subnet.id,
            '--cidr',
            next,
            '--reservation-type',
            'prefix'
          ),
          'InvalidParameterValue',
          outside(next)
        );
      });

      it('refuses a range that overlaps another reservation, whatever its type', async () => {
        await reserve(subnet, 64, 27, 'explicit');
        for (const [offset, length] of [
          [64, 27],
          [64, 28],
          [80, 29],
          [0, 25],
          [95, 32]
        ] as const) {
          const cidr = `${subnet.at(offset)}/${length}`;
          await assertSdkError(
            create({ SubnetId: subnet.id, Cidr: cidr, ReservationType: 'prefix' }),
            'InvalidParameterValue',
            `Reservation CIDR ${cidr} has overlap with existing reserved CIDR block`
          );
        }
        // Adjacent ranges are fine.
        await reserve(subnet, 96, 28, 'prefix');
        await reserve(subnet, 48, 28, 'explicit');
      });

      it('refuses a TagSpecification for another resource type and a description over 255 characters', async () => {
        await assertSdkError(
          create({
            SubnetId: subnet.id,
            Cidr: subnet.prefix(192),
            ReservationType: 'prefix',
            TagSpecifications: [{ ResourceType: 'subnet', Tags: [{ Key: 'a', Value: 'b' }] }]
          }),
          'InvalidParameterValue',
          "'subnet' is not a valid taggable resource type for this operation."
        );
        await assertSdkError(
          create({
            SubnetId: subnet.id,
            Cidr: subnet.prefix(192),
            ReservationType: 'prefix',
            Description: 'd'.repeat(256)
          }),
          'InvalidParameterValue',
          'Value for parameter Description is invalid. It must be at most 255 characters long.'
        );
      });

      it('answers DryRun with DryRunOperation (412) and reserves nothing', async () => {
        const fresh = await lab.subnet(26);
        await assertSdkError(
          create({ SubnetId: fresh.id, Cidr: fresh.prefix(16), ReservationType: 'prefix', DryRun: true }),
          'DryRunOperation',
          DRY_RUN,
          412
        );
        assertCliError(
          await server.aws(
            'ec2',
            'create-subnet-cidr-reservation',
            '--subnet-id',
            fresh.id,
            '--cidr',
            fresh.prefix(16),
            '--reservation-type',
            'prefix',
            '--dry-run'
          ),
          'DryRunOperation',
          DRY_RUN
        );
        assert.deepEqual((await get({ SubnetId: fresh.id })).SubnetIpv4CidrReservations, []);
      });
    });

    describe('functionality', () => {
      it('clears host bits, as EC2 does for every CIDR', async () => {
        const subnet = await lab.subnet(24);
        const reservation = await create({
          SubnetId: subnet.id,
          Cidr: `${subnet.at(37)}/28`,
          ReservationType: 'explicit'
        });
        assert.equal(reservation.Cidr, subnet.prefix(32));
      });

      it('may cover addresses already in use, which stay where they are', async () => {
        const subnet = await lab.subnet(26);
        const eni = await subnet.eni({ PrivateIpAddress: subnet.at(10) });
        await reserve(subnet, 0, 27, 'explicit');
        assert.deepEqual(addressesOf(await describeEni(server, eni.NetworkInterfaceId!)), [subnet.at(10)]);
        assert.equal(await subnet.available(), 64 - 5 - 1);
      });
    });
  });

  describe('GetSubnetCidrReservations', () => {
    let subnet: LabSubnet;
    let ids: string[];
    before(async () => {
      subnet = await lab.subnet(24);
      ids = [];
      for (let i = 0; i < 7; i++) {
        const reservation = await create({
          SubnetId: subnet.id,
          Cidr: subnet.prefix(16 * (i + 1)),
          ReservationType: i % 2 === 0 ? 'prefix' : 'explicit',
          TagSpecifications: [{ ResourceType: 'subnet-cidr-reservation', Tags: [{ Key: 'n', Value: String(i) }] }]
        });
        ids.push(reservation.SubnetCidrReservationId!);
      }
    });

    describe('serializations', () => {
      it('renders subnetIpv4CidrReservationSet items and an empty subnetIpv6CidrReservationSet', async () => {
        const response = await server.query({ Action: 'GetSubnetCidrReservations', SubnetId: subnet.id });
        assert.equal(response.status, 200, response.text);
        const body = response.xml.GetSubnetCidrReservationsResponse;
        const listed = items(body.subnetIpv4CidrReservationSet);
        assert.deepEqual(
          listed.map((r) => r.subnetCidrReservationId),
          ids
        );
        assert.equal(listed[0].cidr, subnet.prefix(16));
        assert.equal(listed[0].reservationType, 'prefix');
        assert.deepEqual(items(listed[0].tagSet), [{ key: 'n', value: '0' }]);
        assert.equal(body.subnetIpv6CidrReservationSet, '');
      });

      it('answers the SDK and the AWS CLI', async () => {
        const out = await get({ SubnetId: subnet.id });
        assert.deepEqual(
          out.SubnetIpv4CidrReservations!.map((r) => r.SubnetCidrReservationId),
          ids
        );
        assert.deepEqual(out.SubnetIpv6CidrReservations, []);
        const result = await server.aws('ec2', 'get-subnet-cidr-reservations', '--subnet-id', subnet.id);
        assert.equal(result.code, 0, result.stderr);
        assert.deepEqual(
          result.json.SubnetIpv4CidrReservations.map((r: SubnetCidrReservation) => r.SubnetCidrReservationId),
          ids
        );
        assert.deepEqual(result.json.SubnetIpv6CidrReservations, []);
      });
    });

    describe('validations', () => {
      it('needs a well-formed, existing SubnetId', async () => {
        await assertSdkError(
          get({} as GetSubnetCidrReservationsCommandInput),
          'MissingParameter',
          'The request must contain the parameter SubnetId'
        );
        await assertSdkError(
          get({ SubnetId: 'subnet_1' }),
          'InvalidSubnetID.Malformed',
          'Invalid id: "subnet_1" (expecting "subnet-...")'
        );
        await assertSdkError(
          get({ SubnetId: UNKNOWN_SUBNET }),
          'InvalidSubnetID.NotFound',
          `The subnet ID '${UNKNOWN_SUBNET}' does not exist`
        );
        assertCliError(
          await server.aws('ec2', 'get-subnet-cidr-reservations', '--subnet-id', UNKNOWN_SUBNET),
          'InvalidSubnetID.NotFound',
          `The subnet ID '${UNKNOWN_SUBNET}' does not exist`
        );
      });

      it('refuses an unknown filter, MaxResults outside 5..1000 and a token it did not issue', async () => {
        await assertSdkError(
          get({ SubnetId: subnet.id, Filters: [{ Name: 'type', Values: ['prefix'] }] }),
          'InvalidParameterValue',
          "The filter 'type' is invalid"
        );
        for (const max of [4, 1001]) {
          await assertSdkError(
            get({ SubnetId: subnet.id, MaxResults: max }),
            'InvalidParameterValue',
            `Value ( ${max} ) for parameter maxResults is invalid. Parameter must be between 5 and 1000.`
          );
        }
        await assertSdkError(
          get({ SubnetId: subnet.id, NextToken: 'x' }),
          'InvalidParameterValue',
          'Value ( x ) for parameter NextToken is invalid. The token is invalid.'
        );
      });

      it('answers DryRun with DryRunOperation (412)', async () => {
        await assertSdkError(get({ SubnetId: subnet.id, DryRun: true }), 'DryRunOperation', DRY_RUN, 412);
      });
    });

    describe('functionality', () => {
      it('filters by reservationType, cidr, subnet-id, tag:<key> and tag-key', async () => {
        const listed = async (...Filters: { Name: string; Values: string[] }[]) =>
          (await get({ SubnetId: subnet.id, Filters })).SubnetIpv4CidrReservations!.map((r) =>
            ids.indexOf(r.SubnetCidrReservationId!)
          );
        assert.deepEqual(await listed({ Name: 'reservationType', Values: ['prefix'] }), [0, 2, 4, 6]);
        assert.deepEqual(await listed({ Name: 'reservationType', Values: ['explicit'] }), [1, 3, 5]);
        assert.deepEqual(await listed({ Name: 'cidr', Values: [subnet.prefix(32), subnet.prefix(48)] }), [1, 2]);
        assert.deepEqual(await listed({ Name: 'subnet-id', Values: [subnet.id] }), [0, 1, 2, 3, 4, 5, 6]);
        assert.deepEqual(await listed({ Name: 'subnet-id', Values: [UNKNOWN_SUBNET] }), []);
        assert.deepEqual(
          await listed({ Name: 'tag:n', Values: ['3', '5'] }, { Name: 'reservationType', Values: ['explicit'] }),
          [3, 5]
        );
        assert.deepEqual(await listed({ Name: 'tag-key', Values: ['n'] }), [0, 1, 2, 3, 4, 5, 6]);
        const cli = await server.aws(
          'ec2',
          'get-subnet-cidr-reservations',
          '--subnet-id',
          subnet.id,
          '--filters',
          'Name=reservationType,Values=explicit'
        );
        assert.equal(cli.code, 0, cli.stderr);
        assert.equal(cli.json.SubnetIpv4CidrReservations.length, 3);
      });

      it('lists only the reservations of the subnet asked for', async () => {
        const other = await lab.subnet(28);
        await create({ SubnetId: other.id, Cidr: `${other.at(8)}/29`, ReservationType: 'explicit' });
        assert.equal((await get({ SubnetId: subnet.id })).SubnetIpv4CidrReservations!.length, 7);
        assert.equal((await get({ SubnetId: other.id })).SubnetIpv4CidrReservations!.length, 1);
      });

      it('pages with MaxResults and NextToken', async () => {
        const first = await get({ SubnetId: subnet.id, MaxResults: 5 });
        assert.equal(first.SubnetIpv4CidrReservations!.length, 5);
        assert.ok(first.NextToken);
        const second = await get({ SubnetId: subnet.id, MaxResults: 5, NextToken: first.NextToken });
        assert.equal(second.NextToken, undefined);
        assert.deepEqual(
          [...first.SubnetIpv4CidrReservations!, ...second.SubnetIpv4CidrReservations!].map(
            (r) => r.SubnetCidrReservationId
          ),
          ids
        );
      });
    });
  });

  describe('DeleteSubnetCidrReservation', () => {
    it('answers the SDK, the XML face and the AWS CLI with the deleted reservation', async () => {
      const subnet = await lab.subnet(24);
      const a = await create({
        SubnetId: subnet.id,
        Cidr: subnet.prefix(16),
        ReservationType: 'prefix',
        Description: 'a',
        TagSpecifications: [{ ResourceType: 'subnet-cidr-reservation', Tags: [{ Key: 'k', Value: 'v' }] }]
      });
      const b = await reserve(subnet, 32, 28, 'explicit');
      const c = await reserve(subnet, 48, 28, 'explicit');
      const out = await remove(a.SubnetCidrReservationId!);
      assert.deepEqual(out.DeletedSubnetCidrReservation, a);
      const response = await server.query({
        Action: 'DeleteSubnetCidrReservation',
        SubnetCidrReservationId: b.SubnetCidrReservationId!
      });
      assert.equal(response.status, 200, response.text);
      const deleted = response.xml.DeleteSubnetCidrReservationResponse.deletedSubnetCidrReservation;
      assert.equal(deleted.subnetCidrReservationId, b.SubnetCidrReservationId);
      assert.equal(deleted.cidr, subnet.prefix(32));
      const result = await server.aws(
        'ec2',
        'delete-subnet-cidr-reservation',
        '--subnet-cidr-reservation-id',
        c.SubnetCidrReservationId!
      );
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.json.DeletedSubnetCidrReservation.SubnetCidrReservationId, c.SubnetCidrReservationId);
      assert.deepEqual((await get({ SubnetId: subnet.id })).SubnetIpv4CidrReservations, []);
      // Its tags went with it.
      const { Tags } = await server.ec2.send(
        new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [a.SubnetCidrReservationId!] }] })
      );
      assert.deepEqual(Tags, []);
    });

    it('needs a well-formed id of a reservation that exists', async () => {
      await assertSdkError(
        server.ec2.send(new DeleteSubnetCidrReservationCommand({} as never)),
        'MissingParameter',
        'The request must contain the parameter SubnetCidrReservationId'
      );
      await assertSdkError(
        remove('scr_1'),
        'InvalidSubnetCidrReservationID.Malformed',
        'Invalid id: "scr_1" (expecting "scr-...")'
      );
      const message = `The subnet CIDR reservation ID '${UNKNOWN_SCR}' does not exist`;
      await assertSdkError(remove(UNKNOWN_SCR), 'InvalidSubnetCidrReservationID.NotFound', message);
      assertCliError(
        await server.aws('ec2', 'delete-subnet-cidr-reservation', '--subnet-cidr-reservation-id', UNKNOWN_SCR),
        'InvalidSubnetCidrReservationID.NotFound',
        message
      );
      assertXmlError(
        await server.query({ Action: 'DeleteSubnetCidrReservation', SubnetCidrReservationId: UNKNOWN_SCR }),
        400,
        'InvalidSubnetCidrReservationID.NotFound',
        message
      );
    });

    it('answers DryRun with DryRunOperation (412) and keeps the reservation', async () => {
      const subnet = await lab.subnet(26);
      const { SubnetCidrReservationId } = await reserve(subnet, 16, 28, 'prefix');
      await assertSdkError(
        server.ec2.send(new DeleteSubnetCidrReservationCommand({ SubnetCidrReservationId, DryRun: true })),
        'DryRunOperation',
        DRY_RUN,
        412
      );
      assert.equal((await get({ SubnetId: subnet.id })).SubnetIpv4CidrReservations!.length, 1);
    });

    it('goes with its subnet when the subnet is deleted', async () => {
      const subnet = await lab.subnet(28);
      const { SubnetCidrReservationId } = await create({
        SubnetId: subnet.id,
        Cidr: `${subnet.at(8)}/29`,
        ReservationType: 'explicit',
        TagSpecifications: [{ ResourceType: 'subnet-cidr-reservation', Tags: [{ Key: 'k', Value: 'v' }] }]
      });
      await server.ec2.send(new DeleteSubnetCommand({ SubnetId: subnet.id }));
      await assertSdkError(
        remove(SubnetCidrReservationId!),
        'InvalidSubnetCidrReservationID.NotFound',
        `The subnet CIDR reservation ID '${SubnetCidrReservationId}' does not exist`
      );
      const { Tags } = await server.ec2.send(
        new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [SubnetCidrReservationId!] }] })
      );
      assert.deepEqual(Tags, []);
    });
  });

  /**
   * What reservations do to assignment, with both placements. A /26 has 59 usable addresses (offsets 4..62);
   * reserving its upper /27 (offsets 32..63) leaves 28 outside (4..31).
   */
  for (const placement of ['lowest', 'random'] as const) {
    describe(`assignment around reservations (${placement} placement)`, () => {
      let s: TestServer;
      let plab: VpcLab;
      before(async () => {
        s = await startTestServer({ placement, seed: 23 });
        plab = await VpcLab.create(s, '10.90.0.0/16');
      });
      after(() => s.close());
      const reserveOn = async (subnet: LabSubnet, offset: number, length: number, type: 'prefix' | 'explicit') =>
        (
          await s.ec2.send(
            new CreateSubnetCidrReservationCommand({
              SubnetId: subnet.id,
              Cidr: `${subnet.at(offset)}/${length}`,
              ReservationType: type
            })
          )
        ).SubnetCidrReservation!.SubnetCidrReservationId!;

      it('never hands out an explicit range automatically, even when the rest of the subnet is full', async () => {
        const subnet = await plab.subnet(26);
        await reserveOn(subnet, 32, 27, 'explicit');
        const eni = await subnet.eni();
        const { addresses } = await assign(s, {
          NetworkInterfaceId: eni.NetworkInterfaceId,
          SecondaryPrivateIpAddressCount: 27
        });
        const all = [...addresses, eni.PrivateIpAddress!];
        assert.equal(new Set(all).size, 28);
        for (const address of all) assert.ok(offsetIn(subnet, address) >= 4 && offsetIn(subnet, address) < 32, address);
        // Only reserved space is left: every automatic pick is refused at once, though 31 addresses are unused.
        assert.equal(await subnet.available(), 31);
        await assertSdkError(
          s.ec2.send(
            new AssignPrivateIpAddressesCommand({
              NetworkInterfaceId: eni.NetworkInterfaceId,
              SecondaryPrivateIpAddressCount: 1
            })
          ),
          'InsufficientFreeAddressesInSubnet',
          INSUFFICIENT_ADDRESSES
        );
        await assertSdkError(
          s.ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet.id })),
          'InsufficientFreeAddressesInSubnet',
          INSUFFICIENT_ADDRESSES
        );
        await assertSdkError(
          s.ec2.send(
            new RunInstancesCommand({
              ImageId: IMAGE,
              InstanceType: 'm5.large',
              MinCount: 1,
              MaxCount: 1,
              SubnetId: subnet.id
            })
          ),
          'InsufficientFreeAddressesInSubnet',
          INSUFFICIENT_ADDRESSES
        );
        await assertSdkError(
          s.ec2.send(
            new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eni.NetworkInterfaceId, Ipv4PrefixCount: 1 })
          ),
          'InvalidParameterValue',
          NO_ROOM_FOR_PREFIXES
        );
        assertCliError(
          await s.aws(
            'ec2',
            'assign-private-ip-addresses',
            '--network-interface-id',
            eni.NetworkInterfaceId!,
            '--secondary-private-ip-address-count',
            '1'
          ),
          'InsufficientFreeAddressesInSubnet',
          INSUFFICIENT_ADDRESSES
        );
        assert.equal(await subnet.available(), 31);

        // Addresses and prefixes named in the request may come from the explicit range.
        const named = await assign(s, {
          NetworkInterfaceId: eni.NetworkInterfaceId,
          PrivateIpAddresses: [subnet.at(49), subnet.at(62)]
        });
        assert.deepEqual(named.addresses, [subnet.at(49), subnet.at(62)]);
        const other = await subnet.eni({ PrivateIpAddress: subnet.at(56) });
        assert.equal(other.PrivateIpAddress, subnet.at(56));
        const prefixed = await assign(s, {
          NetworkInterfaceId: other.NetworkInterfaceId,
          Ipv4Prefixes: [subnet.prefix(32)]
        });
        assert.deepEqual(prefixed.prefixes, [subnet.prefix(32)]);
        assert.equal(await subnet.available(), 31 - 3 - 16);
      });

      it('hands the space out again once the reservation is deleted', async () => {
        const subnet = await plab.subnet(26);
        const id = await reserveOn(subnet, 32, 27, 'explicit');
        const eni = await subnet.eni({ SecondaryPrivateIpAddressCount: 27 });
        await assertSdkError(
          s.ec2.send(
            new AssignPrivateIpAddressesCommand({
              NetworkInterfaceId: eni.NetworkInterfaceId,
              SecondaryPrivateIpAddressCount: 1
            })
          ),
          'InsufficientFreeAddressesInSubnet',
          INSUFFICIENT_ADDRESSES
        );
        await s.ec2.send(new DeleteSubnetCidrReservationCommand({ SubnetCidrReservationId: id }));
        const { addresses } = await assign(s, {
          NetworkInterfaceId: eni.NetworkInterfaceId,
          SecondaryPrivateIpAddressCount: 20
        });
        for (const address of addresses)
          assert.ok(offsetIn(subnet, address) >= 32 && offsetIn(subnet, address) < 63, address);
        assert.equal(await subnet.available(), 31 - 20);
      });

      it('takes prefixes from a prefix reservation first, then from unreserved space', async () => {
        const subnet = await plab.subnet(24);
        // Offsets 128..159: two /28 blocks, 128 and 144.
        await reserveOn(subnet, 128, 27, 'prefix');
        const eni = await subnet.eni();
        const first = await assign(s, { NetworkInterfaceId: eni.NetworkInterfaceId, Ipv4PrefixCount: 1 });
        assert.ok([128, 144].includes(offsetIn(subnet, first.prefixes[0]!)), first.prefixes[0]);
        const next = await assign(s, { NetworkInterfaceId: eni.NetworkInterfaceId, Ipv4PrefixCount: 2 });
        const offsets = next.prefixes.map((p) => offsetIn(subnet, p));
        // The reservation's other block, then one outside it.
        assert.ok(
          [128, 144].includes(offsets[0]!) && offsets[0] !== offsetIn(subnet, first.prefixes[0]!),
          String(offsets)
        );
        assert.ok(offsets[1]! % 16 === 0 && (offsets[1]! < 128 || offsets[1]! >= 160), String(offsets));
        if (placement === 'lowest') {
          assert.deepEqual(first.prefixes, [subnet.prefix(128)]);
          // Block 0 holds the reserved .0-.3, so the lowest unreserved block is 16.
          assert.deepEqual(next.prefixes, [subnet.prefix(144), subnet.prefix(16)]);
        }
        assert.deepEqual(prefixesOf(await describeEni(s, eni.NetworkInterfaceId!)), [
          ...first.prefixes,
          ...next.prefixes
        ]);
      });

      it('gives a new interface its Ipv4PrefixCount from the prefix reservation too', async () => {
        const subnet = await plab.subnet(24);
        await reserveOn(subnet, 64, 26, 'prefix');
        const { NetworkInterface } = await s.ec2.send(
          new CreateNetworkInterfaceCommand({ SubnetId: subnet.id, Ipv4PrefixCount: 3 })
        );
        const offsets = prefixesOf(NetworkInterface!).map((p) => offsetIn(subnet, p));
        assert.equal(new Set(offsets).size, 3);
        for (const offset of offsets) assert.ok(offset >= 64 && offset < 128 && offset % 16 === 0, String(offsets));
        // The primary address never comes from the prefix reservation.
        const primary = offsetIn(subnet, NetworkInterface!.PrivateIpAddress!);
        assert.ok(primary < 64 || primary >= 128, NetworkInterface!.PrivateIpAddress);
        if (placement === 'lowest') assert.deepEqual(offsets, [64, 80, 96]);
      });

      it('never picks single addresses from a prefix reservation, which still serves prefixes when the rest is full', async () => {
        const subnet = await plab.subnet(26);
        await reserveOn(subnet, 32, 27, 'prefix');
        const eni = await subnet.eni({ SecondaryPrivateIpAddressCount: 27 });
        for (const address of addressesOf(await describeEni(s, eni.NetworkInterfaceId!))) {
          assert.ok(offsetIn(subnet, address) < 32, address);
        }
        await assertSdkError(
          s.ec2.send(
            new AssignPrivateIpAddressesCommand({
              NetworkInterfaceId: eni.NetworkInterfaceId,
              SecondaryPrivateIpAddressCount: 1
            })
          ),
          'InsufficientFreeAddressesInSubnet',
          INSUFFICIENT_ADDRESSES
        );
        const { prefixes } = await assign(s, { NetworkInterfaceId: eni.NetworkInterfaceId, Ipv4PrefixCount: 1 });
        assert.ok([32, 48].includes(offsetIn(subnet, prefixes[0]!)), prefixes[0]);
      });

      it('never takes prefixes from an explicit reservation', async () => {
        const subnet = await plab.subnet(26);
        // Blocks 32 and 48 are reserved; block 0 holds reserved addresses; only block 16 can be delegated.
        await reserveOn(subnet, 32, 27, 'explicit');
        const eni = await subnet.eni({ PrivateIpAddress: subnet.at(4) });
        await assertSdkError(
          s.ec2.send(
            new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eni.NetworkInterfaceId, Ipv4PrefixCount: 2 })
          ),
          'InvalidParameterValue',
          NO_ROOM_FOR_PREFIXES
        );
        const { prefixes } = await assign(s, { NetworkInterfaceId: eni.NetworkInterfaceId, Ipv4PrefixCount: 1 });
        assert.deepEqual(prefixes, [subnet.prefix(16)]);
      });
    });
  }
});
