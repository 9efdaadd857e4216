import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DescribeInstancesCommand, DescribeVpcsCommand, type Instance } from '@aws-sdk/client-ec2';
import type { MetadataEndpoints } from '../../src/imds/imds-server.js';
import { attach, describeInstance } from '../helpers/attach-lab.js';
import { type TestServer, startTestServer } from '../helpers/ec2lite.js';
import {
  imdsGet,
  imdsList,
  imdsRequest,
  imdsValue,
  launchInstance,
  metadataEndpoints,
  sdkMetadataClient
} from '../helpers/imds.js';
import { type LabSubnet, VpcLab, addressesOf, describeEni } from '../helpers/vpc-lab.js';

describe('IMDS: what an instance reads', () => {
  let server: TestServer;
  let lab: VpcLab;
  let subnet: LabSubnet;
  let vpcCidr: string;
  let instance: Instance;
  let endpoints: MetadataEndpoints;
  /** eth0 as launched, and a second interface with a /28 prefix attached at device index 1. */
  let eth0: { id: string; mac: string; addresses: string[]; groups: string[] };
  let eth1: { id: string; mac: string; addresses: string[]; prefix: string };

  before(async () => {
    // Lowest-first placement keeps the launch's addresses clear of the prefix asked for below.
    server = await startTestServer({ imdsDelayMs: 0, placement: 'lowest' });
    lab = await VpcLab.create(server, '10.20.0.0/16');
    subnet = await lab.subnet(24);
    const { Vpcs } = await server.ec2.send(new DescribeVpcsCommand({ VpcIds: [lab.vpcId] }));
    vpcCidr = Vpcs![0]!.CidrBlock!;
    instance = await launchInstance(server, {
      InstanceType: 'm5.large',
      NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: subnet.id, SecondaryPrivateIpAddressCount: 2 }]
    });
    const primary = await describeEni(server, instance.NetworkInterfaces![0]!.NetworkInterfaceId!);
    eth0 = {
      id: primary.NetworkInterfaceId!,
      mac: primary.MacAddress!,
      addresses: addressesOf(primary),
      groups: primary.Groups!.map((g) => g.GroupId!)
    };
    const second = await subnet.eni({
      PrivateIpAddress: subnet.at(40),
      Ipv4Prefixes: [{ Ipv4Prefix: subnet.prefix(64) }]
    });
    await attach(server, {
      NetworkInterfaceId: second.NetworkInterfaceId!,
      InstanceId: instance.InstanceId!,
      DeviceIndex: 1
    });
    eth1 = {
      id: second.NetworkInterfaceId!,
      mac: second.MacAddress!,
      addresses: [subnet.at(40)],
      prefix: subnet.prefix(64)
    };
    endpoints = await metadataEndpoints(server, instance.InstanceId!);
  });
  after(() => server.close());

  const value = (path: string) => imdsValue(endpoints.endpoint, path);
  const status = async (path: string) => (await imdsGet(endpoints.endpoint, path)).status;

  describe('instance keys', () => {
    it('lists meta-data/ with sub-directories ending in /', async () => {
      assert.equal(
        await value(''),
        [
          'ami-id',
          'ami-launch-index',
          'hostname',
          'instance-id',
          'instance-life-cycle',
          'instance-type',
          'local-hostname',
          'local-ipv4',
          'mac',
          'network/',
          'placement/',
          'reservation-id',
          'services/'
        ].join('\n')
      );
    });

    it('answers instance-id, instance-type, ami-id, local-ipv4 and mac as EC2 describes the instance', async () => {
      const described = await describeInstance(server, instance.InstanceId!);
      assert.equal(await value('instance-id'), instance.InstanceId);
      assert.equal(await value('instance-type'), 'm5.large');
      assert.equal(await value('ami-id'), described.ImageId);
      assert.equal(await value('ami-launch-index'), '0');
      assert.equal(await value('reservation-id'), (await describeReservationId()) ?? '');
      assert.equal(await value('local-ipv4'), eth0.addresses[0]);
      assert.equal(await value('local-ipv4'), described.PrivateIpAddress);
      assert.equal(await value('mac'), eth0.mac);
    });

    it('answers hostname and local-hostname with the private DNS name', async () => {
      const described = await describeInstance(server, instance.InstanceId!);
      assert.equal(await value('hostname'), described.PrivateDnsName);
      assert.equal(await value('local-hostname'), described.PrivateDnsName);
      assert.equal(described.PrivateDnsName, `ip-${eth0.addresses[0]!.replaceAll('.', '-')}.ec2.internal`);
    });

    it('answers placement/availability-zone and placement/region', async () => {
      assert.equal(await value('placement/'), 'availability-zone\navailability-zone-id\nregion');
      assert.equal(await value('placement/availability-zone'), 'us-east-1a');
      assert.equal(await value('placement/availability-zone-id'), 'use1-az1');
      assert.equal(await value('placement/region'), 'us-east-1');
    });

    it('answers the instance identity document as JSON, printed as EC2 prints it', async () => {
      assert.equal(await value('/latest/dynamic/'), 'instance-identity/');
      assert.equal(await value('/latest/dynamic/instance-identity/'), 'document');
      const text = await value('/latest/dynamic/instance-identity/document');
      assert.match(text, /^\{\n {2}"accountId" : "123456789012",\n/);
      const document = JSON.parse(text);
      assert.deepEqual(
        {
          region: document.region,
          instanceId: document.instanceId,
          instanceType: document.instanceType,
          privateIp: document.privateIp,
          accountId: document.accountId,
          availabilityZone: document.availabilityZone,
          imageId: document.imageId,
          architecture: document.architecture,
          version: document.version
        },
        {
          region: 'us-east-1',
          instanceId: instance.InstanceId,
          instanceType: 'm5.large',
          privateIp: eth0.addresses[0],
          accountId: '123456789012',
          availabilityZone: 'us-east-1a',
          imageId: 'ami-0123456789abcdef0',
          architecture: 'x86_64',
          version: '2017-09-30'
        }
      );
      assert.match(document.pendingTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    });

    it('lists the root and /latest/ as the real service does', async () => {
      assert.equal(await value('/latest/'), 'dynamic\nmeta-data');
      assert.equal(await value('/latest'), 'dynamic\nmeta-data');
      const root = await imdsRequest(endpoints.endpoint, '/');
      assert.equal(root.status, 200);
      assert.equal(root.text, 'latest');
    });
  });

  describe('network/interfaces/macs/', () => {
    it('lists network/, interfaces/ and one directory per attached MAC', async () => {
      assert.equal(await value('network/'), 'interfaces/');
      assert.equal(await value('network/interfaces/'), 'macs/');
      assert.equal(await value('network/interfaces/macs/'), [`${eth0.mac}/`, `${eth1.mac}/`].sort().join('\n'));
    });

    it("lists a MAC's keys, sub-directories none, ipv4-prefix only where there are prefixes", async () => {
      const keys = [
        'device-number',
        'interface-id',
        'local-hostname',
        'local-ipv4s',
        'mac',
        'network-card',
        'owner-id',
        'security-group-ids',
        'subnet-id',
        'subnet-ipv4-cidr-block',
        'vpc-id',
        'vpc-ipv4-cidr-block',
        'vpc-ipv4-cidr-blocks'
      ];
      assert.equal(await value(`network/interfaces/macs/${eth0.mac}/`), keys.join('\n'));
      assert.equal(await value(`network/interfaces/macs/${eth1.mac}`), [...keys, 'ipv4-prefix'].sort().join('\n'));
    });

    it('answers every per-interface key', async () => {
      const expected = (eni: { id: string; mac: string; addresses: string[] }, device: number) => ({
        'device-number': String(device),
        'network-card': '0',
        'interface-id': eni.id,
        'local-ipv4s': eni.addresses.join('\n'),
        'local-hostname': `ip-${eni.addresses[0]!.replaceAll('.', '-')}.ec2.internal`,
        mac: eni.mac,
        'owner-id': '123456789012',
        'security-group-ids': eth0.groups.join('\n'),
        'subnet-id': subnet.id,
        'subnet-ipv4-cidr-block': subnet.cidr,
        'vpc-id': lab.vpcId,
        'vpc-ipv4-cidr-block': vpcCidr,
        'vpc-ipv4-cidr-blocks': vpcCidr
      });
      for (const [eni, device] of [
        [eth0, 0],
        [eth1, 1]
      ] as const) {
        const actual: Record<string, string> = {};
        for (const key of Object.keys(expected(eni, device)))
          actual[key] = await value(`network/interfaces/macs/${eni.mac}/${key}`);
        assert.deepEqual(actual, expected(eni, device));
      }
    });

    it('lists local-ipv4s primary first, in the order DescribeNetworkInterfaces gives', async () => {
      const described = await describeEni(server, eth0.id);
      assert.equal(eth0.addresses.length, 3);
      assert.deepEqual(
        await imdsList(endpoints.endpoint, `network/interfaces/macs/${eth0.mac}/local-ipv4s`),
        addressesOf(described)
      );
      assert.equal(described.PrivateIpAddresses![0]!.Primary, true);
    });

    it('answers ipv4-prefix with the /28 prefixes, and 404 where there are none', async () => {
      assert.equal(await value(`network/interfaces/macs/${eth1.mac}/ipv4-prefix`), eth1.prefix);
      assert.equal(await status(`network/interfaces/macs/${eth0.mac}/ipv4-prefix`), 404);
    });
  });

  describe('format', () => {
    it('ends no value with a newline', async () => {
      const paths = [
        'instance-id',
        'local-ipv4',
        'mac',
        'network/interfaces/macs/',
        `network/interfaces/macs/${eth0.mac}/`,
        `network/interfaces/macs/${eth0.mac}/local-ipv4s`,
        `network/interfaces/macs/${eth0.mac}/security-group-ids`,
        '/latest/dynamic/instance-identity/document'
      ];
      for (const path of paths) {
        const text = await value(path);
        assert.ok(!text.endsWith('\n') && !text.startsWith('\n'), `${path}: ${JSON.stringify(text)}`);
      }
    });

    it('answers 404 for a key that is not there', async () => {
      for (const path of [
        'no-such-key',
        'placement/nope',
        'instance-id/more',
        'network/interfaces/macs/02:00:00:00:00:00/',
        'network/interfaces/macs/02:00:00:00:00:00/local-ipv4s',
        `network/interfaces/macs/${eth0.mac}/no-such-key`,
        '/latest/user-data',
        '/2009-04-04/meta-data/instance-id'
      ]) {
        const response = await imdsGet(endpoints.endpoint, path);
        assert.equal(response.status, 404, path);
        assert.match(response.text, /404 - Not Found/);
      }
    });
  });

  describe('clients', () => {
    it('serves the SDK metadata client, given only the endpoint URL, in both forms', async () => {
      for (const endpoint of [endpoints.loopbackEndpoint!, endpoints.pathEndpoint]) {
        const client = sdkMetadataClient(endpoint);
        assert.equal(await client.request('/latest/meta-data/instance-id', {}), instance.InstanceId);
        assert.equal(await client.request('/latest/meta-data/local-ipv4', {}), eth0.addresses[0]);
        assert.equal(
          await client.request(`/latest/meta-data/network/interfaces/macs/${eth1.mac}/ipv4-prefix`, {}),
          eth1.prefix
        );
        const document = JSON.parse(await client.request('/latest/dynamic/instance-identity/document', {}));
        assert.equal(document.instanceId, instance.InstanceId);
        await assert.rejects(
          client.request('/latest/meta-data/no-such-key', {}),
          (error: any) => error.$metadata?.httpStatusCode === 404
        );
      }
    });

    it('keeps two instances apart when both are read at once, each seeing only its own data', async () => {
      const other = await launchInstance(server, {
        InstanceType: 'm5.large',
        NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: subnet.id, SecondaryPrivateIpAddressCount: 3 }]
      });
      const otherEni = await describeEni(server, other.NetworkInterfaces![0]!.NetworkInterfaceId!);
      const otherEndpoints = await metadataEndpoints(server, other.InstanceId!);
      const readers = [
        { endpoint: endpoints.loopbackEndpoint!, id: instance.InstanceId!, mac: eth0.mac, ips: eth0.addresses },
        { endpoint: endpoints.pathEndpoint, id: instance.InstanceId!, mac: eth0.mac, ips: eth0.addresses },
        {
          endpoint: otherEndpoints.loopbackEndpoint!,
          id: other.InstanceId!,
          mac: otherEni.MacAddress!,
          ips: addressesOf(otherEni)
        },
        {
          endpoint: otherEndpoints.pathEndpoint,
          id: other.InstanceId!,
          mac: otherEni.MacAddress!,
          ips: addressesOf(otherEni)
        }
      ];
      const rounds = await Promise.all(
        Array.from({ length: 10 }, () =>
          Promise.all(
            readers.map(async (r) => {
              const client = sdkMetadataClient(r.endpoint);
              const [id, macs, ips] = await Promise.all([
                client.request('/latest/meta-data/instance-id', {}),
                client.request('/latest/meta-data/network/interfaces/macs/', {}),
                client.request(`/latest/meta-data/network/interfaces/macs/${r.mac}/local-ipv4s`, {})
              ]);
              return { r, id, macs, ips };
            })
          )
        )
      );
      for (const round of rounds) {
        for (const { r, id, macs, ips } of round) {
          assert.equal(id, r.id);
          assert.ok(macs.split('\n').includes(`${r.mac}/`));
          assert.deepEqual(ips.split('\n'), r.ips);
        }
      }
      assert.deepEqual(
        (
          await sdkMetadataClient(otherEndpoints.endpoint).request('/latest/meta-data/network/interfaces/macs/', {})
        ).split('\n'),
        [`${otherEni.MacAddress}/`]
      );
    });
  });

  async function describeReservationId(): Promise<string | undefined> {
    const { Reservations } = await server.ec2.send(
      new DescribeInstancesCommand({ InstanceIds: [instance.InstanceId!] })
    );
    return Reservations?.[0]?.ReservationId;
  }
});
