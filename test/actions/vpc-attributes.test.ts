import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CreateVpcCommand,
  DescribeVpcAttributeCommand,
  type DescribeVpcAttributeCommandOutput,
  DescribeVpcsCommand,
  ModifyVpcAttributeCommand,
  type ModifyVpcAttributeCommandInput,
  type VpcAttributeName
} from '@aws-sdk/client-ec2';
import {
  type TestServer,
  assertCliError,
  assertSdkError,
  assertXmlError,
  startTestServer
} from '../helpers/ec2lite.js';

/** DescribeVpcAttribute and ModifyVpcAttribute: serializations, validations, functionality, persistence. */

const UNKNOWN_VPC = 'vpc-0123456789abcdef0';
const DRY_RUN = 'Request would have succeeded, but DryRun flag is set.';
const ATTRIBUTES = ['enableDnsHostnames', 'enableDnsSupport', 'enableNetworkAddressUsageMetrics'] as const;
const BAD_ATTRIBUTE = (value: string): string =>
  `Value (${value}) for parameter Attribute is invalid. Valid values are: ${ATTRIBUTES.join(', ')}.`;
const HOSTNAMES_WITHOUT_SUPPORT = (id: string): string =>
  `Cannot enable DNS hostnames for VPC '${id}' while DNS support (enableDnsSupport) is disabled.`;

/** The three attributes of a VPC, each read with its own DescribeVpcAttribute call, as Terraform reads them. */
async function attributesOf(server: TestServer, vpcId: string): Promise<Record<string, boolean | undefined>> {
  const read = async (attribute: VpcAttributeName): Promise<DescribeVpcAttributeCommandOutput> =>
    server.ec2.send(new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute: attribute }));
  return {
    enableDnsHostnames: (await read('enableDnsHostnames')).EnableDnsHostnames?.Value,
    enableDnsSupport: (await read('enableDnsSupport')).EnableDnsSupport?.Value,
    enableNetworkAddressUsageMetrics: (await read('enableNetworkAddressUsageMetrics')).EnableNetworkAddressUsageMetrics
      ?.Value
  };
}

const attributes = (hostnames: boolean, support: boolean, metrics: boolean): Record<string, boolean> => ({
  enableDnsHostnames: hostnames,
  enableDnsSupport: support,
  enableNetworkAddressUsageMetrics: metrics
});

async function newVpc(server: TestServer, cidr = '10.0.0.0/16'): Promise<string> {
  return (await server.ec2.send(new CreateVpcCommand({ CidrBlock: cidr }))).Vpc!.VpcId!;
}

async function defaultVpcOf(server: TestServer): Promise<string> {
  const { Vpcs } = await server.ec2.send(
    new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] })
  );
  assert.equal(Vpcs?.length, 1);
  return Vpcs[0]!.VpcId!;
}

describe('VPC attributes', () => {
  let server: TestServer;
  let defaultVpc: string;
  const modify = (input: ModifyVpcAttributeCommandInput) => server.ec2.send(new ModifyVpcAttributeCommand(input));

  before(async () => {
    server = await startTestServer();
    defaultVpc = await defaultVpcOf(server);
  });
  after(() => server.close());

  describe('DescribeVpcAttribute', () => {
    describe('serializations', () => {
      it("gives the default VPC EC2's defaults: DNS support and hostnames on, usage metrics off", async () => {
        assert.deepEqual(await attributesOf(server, defaultVpc), attributes(true, true, false));
      });

      it('gives a new VPC DNS support only', async () => {
        assert.deepEqual(await attributesOf(server, await newVpc(server)), attributes(false, true, false));
      });

      it('answers the SDK with the VPC id and only the attribute asked for', async () => {
        const id = await newVpc(server);
        const out = await server.ec2.send(
          new DescribeVpcAttributeCommand({ VpcId: id, Attribute: 'enableDnsSupport' })
        );
        assert.equal(out.$metadata.httpStatusCode, 200);
        assert.equal(out.VpcId, id);
        assert.deepEqual(out.EnableDnsSupport, { Value: true });
        assert.equal(out.EnableDnsHostnames, undefined);
        assert.equal(out.EnableNetworkAddressUsageMetrics, undefined);
      });

      it('writes the XML element names of the EC2 model: vpcId and the attribute holding <value>', async () => {
        const id = await newVpc(server);
        for (const attribute of ATTRIBUTES) {
          const response = await server.query({ Action: 'DescribeVpcAttribute', VpcId: id, Attribute: attribute });
          assert.equal(response.status, 200, response.text);
          const root = response.xml.DescribeVpcAttributeResponse;
          assert.equal(root['@_xmlns'], 'http://ec2.amazonaws.com/doc/2016-11-15/');
          assert.match(root.requestId, /^[0-9a-f-]{36}$/);
          assert.equal(root.vpcId, id);
          assert.deepEqual(root[attribute], { value: attribute === 'enableDnsSupport' ? 'true' : 'false' });
          for (const other of ATTRIBUTES.filter((a) => a !== attribute)) assert.equal(root[other], undefined);
        }
        // vpcId first, as in the API reference's sample.
        const text = (
          await server.query({ Action: 'DescribeVpcAttribute', VpcId: id, Attribute: 'enableDnsHostnames' })
        ).text;
        assert.match(
          text,
          /<vpcId>vpc-[0-9a-f]{17}<\/vpcId><enableDnsHostnames><value>false<\/value><\/enableDnsHostnames>/
        );
      });

      it('answers the AWS CLI', async () => {
        const result = await server.aws(
          'ec2',
          'describe-vpc-attribute',
          '--vpc-id',
          defaultVpc,
          '--attribute',
          'enableDnsHostnames'
        );
        assert.equal(result.code, 0, result.stderr);
        assert.deepEqual(result.json, { VpcId: defaultVpc, EnableDnsHostnames: { Value: true } });
      });

      it('answers the JSON face with the SDK member names', async () => {
        const id = await newVpc(server);
        const response = await server.json({
          Action: 'DescribeVpcAttribute',
          VpcId: id,
          Attribute: 'enableNetworkAddressUsageMetrics'
        });
        assert.equal(response.status, 200, response.text);
        assert.equal(response.json.data.VpcId, id);
        assert.deepEqual(response.json.data.EnableNetworkAddressUsageMetrics, { Value: false });
        assert.equal(response.json.data.EnableDnsSupport, undefined);
      });
    });

    describe('validations', () => {
      it('needs a VpcId', async () => {
        const response = await server.query({ Action: 'DescribeVpcAttribute', Attribute: 'enableDnsSupport' });
        assertXmlError(response, 400, 'MissingParameter', 'The request must contain the parameter VpcId');
      });

      it('needs an Attribute', async () => {
        const response = await server.query({ Action: 'DescribeVpcAttribute', VpcId: defaultVpc });
        assertXmlError(response, 400, 'MissingParameter', 'The request must contain the parameter Attribute');
      });

      it('refuses an attribute outside the VpcAttributeName enum, capitalised names included', async () => {
        for (const value of ['EnableDnsHostnames', 'enableDnsHostNames', 'instanceTenancy', '']) {
          const response = await server.query({ Action: 'DescribeVpcAttribute', VpcId: defaultVpc, Attribute: value });
          assertXmlError(response, 400, 'InvalidParameterValue', BAD_ATTRIBUTE(value));
        }
        await assertSdkError(
          server.ec2.send(
            new DescribeVpcAttributeCommand({ VpcId: defaultVpc, Attribute: 'EnableDnsHostnames' as VpcAttributeName })
          ),
          'InvalidParameterValue',
          BAD_ATTRIBUTE('EnableDnsHostnames')
        );
      });

      it('answers InvalidVpcID.NotFound for an unknown VPC', async () => {
        const message = `The vpc ID '${UNKNOWN_VPC}' does not exist`;
        await assertSdkError(
          server.ec2.send(new DescribeVpcAttributeCommand({ VpcId: UNKNOWN_VPC, Attribute: 'enableDnsSupport' })),
          'InvalidVpcID.NotFound',
          message
        );
        assertCliError(
          await server.aws('ec2', 'describe-vpc-attribute', '--vpc-id', UNKNOWN_VPC, '--attribute', 'enableDnsSupport'),
          'InvalidVpcID.NotFound',
          message
        );
      });

      it('answers InvalidVpcId.Malformed for a malformed id', async () => {
        for (const id of ['subnet-0123456789abcdef0', 'vpc-xyz', '']) {
          await assertSdkError(
            server.ec2.send(new DescribeVpcAttributeCommand({ VpcId: id, Attribute: 'enableDnsSupport' })),
            'InvalidVpcId.Malformed',
            `Invalid id: "${id}" (expecting "vpc-...")`
          );
        }
      });

      it('answers DryRun with DryRunOperation (412), after the VPC is checked', async () => {
        await assertSdkError(
          server.ec2.send(
            new DescribeVpcAttributeCommand({ VpcId: defaultVpc, Attribute: 'enableDnsSupport', DryRun: true })
          ),
          'DryRunOperation',
          DRY_RUN,
          412
        );
        const response = await server.query({
          Action: 'DescribeVpcAttribute',
          VpcId: defaultVpc,
          Attribute: 'enableDnsHostnames',
          DryRun: true
        });
        assertXmlError(response, 412, 'DryRunOperation', DRY_RUN);
        await assertSdkError(
          server.ec2.send(
            new DescribeVpcAttributeCommand({ VpcId: UNKNOWN_VPC, Attribute: 'enableDnsSupport', DryRun: true })
          ),
          'InvalidVpcID.NotFound',
          `The vpc ID '${UNKNOWN_VPC}' does not exist`
        );
      });
    });
  });

  describe('ModifyVpcAttribute', () => {
    describe('serializations', () => {
      it('answers the SDK with an empty success, and DescribeVpcAttribute shows the change', async () => {
        const id = await newVpc(server);
        const out = await modify({ VpcId: id, EnableDnsHostnames: { Value: true } });
        assert.equal(out.$metadata.httpStatusCode, 200);
        assert.deepEqual(await attributesOf(server, id), attributes(true, true, false));
      });

      it('takes <Attribute>.Value on the wire and renders <return>true</return>', async () => {
        const id = await newVpc(server);
        const response = await server.query({
          Action: 'ModifyVpcAttribute',
          VpcId: id,
          'EnableNetworkAddressUsageMetrics.Value': true
        });
        assert.equal(response.status, 200, response.text);
        const root = response.xml.ModifyVpcAttributeResponse;
        assert.equal(root['@_xmlns'], 'http://ec2.amazonaws.com/doc/2016-11-15/');
        assert.match(root.requestId, /^[0-9a-f-]{36}$/);
        assert.equal(root.return, 'true');
        assert.deepEqual(await attributesOf(server, id), attributes(false, true, true));
        // A bare attribute without .Value is not the model's name for it.
        assertXmlError(
          await server.query({ Action: 'ModifyVpcAttribute', VpcId: id, EnableDnsSupport: false }),
          400,
          'UnknownParameter',
          'The parameter EnableDnsSupport is not recognized'
        );
      });

      it('answers the AWS CLI: --enable-dns-hostnames, --no-enable-dns-hostnames and the {"Value": …} form', async () => {
        const id = await newVpc(server);
        const on = await server.aws('ec2', 'modify-vpc-attribute', '--vpc-id', id, '--enable-dns-hostnames');
        assert.equal(on.code, 0, on.stderr);
        assert.equal(on.stdout.trim(), '');
        const read = await server.aws(
          'ec2',
          'describe-vpc-attribute',
          '--vpc-id',
          id,
          '--attribute',
          'enableDnsHostnames'
        );
        assert.deepEqual(read.json, { VpcId: id, EnableDnsHostnames: { Value: true } });
        const off = await server.aws('ec2', 'modify-vpc-attribute', '--vpc-id', id, '--no-enable-dns-hostnames');
        assert.equal(off.code, 0, off.stderr);
        assert.equal((await attributesOf(server, id)).enableDnsHostnames, false);
        const json = await server.aws(
          'ec2',
          'modify-vpc-attribute',
          '--vpc-id',
          id,
          '--enable-dns-support',
          '{"Value":false}'
        );
        assert.equal(json.code, 0, json.stderr);
        assert.deepEqual(await attributesOf(server, id), attributes(false, false, false));
      });

      it('answers the JSON face', async () => {
        const id = await newVpc(server);
        const response = await server.json({
          Action: 'ModifyVpcAttribute',
          VpcId: id,
          EnableDnsHostnames: { Value: true }
        });
        assert.equal(response.status, 200, response.text);
        assert.equal(response.json.data.Return, true);
        assert.equal((await attributesOf(server, id)).enableDnsHostnames, true);
      });
    });

    describe('validations', () => {
      it('needs a VpcId', async () => {
        const response = await server.query({ Action: 'ModifyVpcAttribute', 'EnableDnsHostnames.Value': true });
        assertXmlError(response, 400, 'MissingParameter', 'The request must contain the parameter VpcId');
      });

      it('refuses two or three attributes in one call, naming them, and changes nothing', async () => {
        const id = await newVpc(server);
        await assertSdkError(
          modify({ VpcId: id, EnableDnsSupport: { Value: false }, EnableDnsHostnames: { Value: true } }),
          'InvalidParameterCombination',
          'Fields for multiple attribute types specified: enableDnsHostnames, enableDnsSupport'
        );
        await assertSdkError(
          modify({
            VpcId: id,
            EnableDnsSupport: { Value: true },
            EnableNetworkAddressUsageMetrics: { Value: true }
          }),
          'InvalidParameterCombination',
          'Fields for multiple attribute types specified: enableDnsSupport, enableNetworkAddressUsageMetrics'
        );
        const response = await server.query({
          Action: 'ModifyVpcAttribute',
          VpcId: id,
          'EnableNetworkAddressUsageMetrics.Value': true,
          'EnableDnsSupport.Value': true,
          'EnableDnsHostnames.Value': true
        });
        assertXmlError(
          response,
          400,
          'InvalidParameterCombination',
          'Fields for multiple attribute types specified: enableDnsHostnames, enableDnsSupport, enableNetworkAddressUsageMetrics'
        );
        assertCliError(
          await server.aws(
            'ec2',
            'modify-vpc-attribute',
            '--vpc-id',
            id,
            '--enable-dns-hostnames',
            '--enable-dns-support'
          ),
          'InvalidParameterCombination',
          'Fields for multiple attribute types specified: enableDnsHostnames, enableDnsSupport'
        );
        assert.deepEqual(await attributesOf(server, id), attributes(false, true, false));
      });

      it('refuses a call that sets no attribute, an attribute without its Value included', async () => {
        const id = await newVpc(server);
        await assertSdkError(modify({ VpcId: id }), 'InvalidParameterCombination', 'No attributes specified.');
        // The SDK sends nothing for an AttributeBooleanValue without Value (crossplane-contrib/provider-aws #558).
        await assertSdkError(
          modify({ VpcId: id, EnableDnsSupport: {} }),
          'InvalidParameterCombination',
          'No attributes specified.'
        );
        assertCliError(
          await server.aws('ec2', 'modify-vpc-attribute', '--vpc-id', id),
          'InvalidParameterCombination',
          'No attributes specified.'
        );
        const json = await server.json({ Action: 'ModifyVpcAttribute', VpcId: id, EnableDnsHostnames: {} });
        assert.equal(json.status, 400, json.text);
        assert.equal(json.json.success, false);
        assert.equal(json.json.error.ec2Code, 'InvalidParameterCombination');
        assert.equal(json.json.error.message, 'No attributes specified.');
      });

      it('refuses a Value that is not a boolean', async () => {
        const response = await server.query({
          Action: 'ModifyVpcAttribute',
          VpcId: defaultVpc,
          'EnableDnsHostnames.Value': 'maybe'
        });
        assertXmlError(
          response,
          400,
          'InvalidParameterValue',
          'Value (maybe) for parameter EnableDnsHostnames.Value is invalid. Expected true or false.'
        );
      });

      it('answers InvalidVpcID.NotFound for an unknown VPC and InvalidVpcId.Malformed for a malformed id', async () => {
        await assertSdkError(
          modify({ VpcId: UNKNOWN_VPC, EnableDnsHostnames: { Value: true } }),
          'InvalidVpcID.NotFound',
          `The vpc ID '${UNKNOWN_VPC}' does not exist`
        );
        assertCliError(
          await server.aws('ec2', 'modify-vpc-attribute', '--vpc-id', UNKNOWN_VPC, '--enable-dns-hostnames'),
          'InvalidVpcID.NotFound',
          `The vpc ID '${UNKNOWN_VPC}' does not exist`
        );
        await assertSdkError(
          modify({ VpcId: 'vpc-nope', EnableDnsHostnames: { Value: true } }),
          'InvalidVpcId.Malformed',
          'Invalid id: "vpc-nope" (expecting "vpc-...")'
        );
      });

      it('refuses DNS hostnames while DNS support is off, and keeps the VPC as it was', async () => {
        const id = await newVpc(server);
        await modify({ VpcId: id, EnableDnsSupport: { Value: false } });
        await assertSdkError(
          modify({ VpcId: id, EnableDnsHostnames: { Value: true } }),
          'InvalidParameterValue',
          HOSTNAMES_WITHOUT_SUPPORT(id)
        );
        assertCliError(
          await server.aws('ec2', 'modify-vpc-attribute', '--vpc-id', id, '--enable-dns-hostnames'),
          'InvalidParameterValue',
          HOSTNAMES_WITHOUT_SUPPORT(id)
        );
        assert.deepEqual(await attributesOf(server, id), attributes(false, false, false));
        // Hostnames off is always allowed; once support is back, hostnames can go on.
        await modify({ VpcId: id, EnableDnsHostnames: { Value: false } });
        await modify({ VpcId: id, EnableDnsSupport: { Value: true } });
        await modify({ VpcId: id, EnableDnsHostnames: { Value: true } });
        assert.deepEqual(await attributesOf(server, id), attributes(true, true, false));
      });

      it('has no DryRun member in the EC2 model: DryRun is an unknown parameter and nothing changes', async () => {
        const id = await newVpc(server);
        const response = await server.query({
          Action: 'ModifyVpcAttribute',
          VpcId: id,
          'EnableDnsHostnames.Value': true,
          DryRun: true
        });
        assertXmlError(response, 400, 'UnknownParameter', 'The parameter DryRun is not recognized');
        assert.equal((await attributesOf(server, id)).enableDnsHostnames, false);
      });
    });

    describe('functionality', () => {
      it('changes one attribute of one VPC, and setting the value it already has is a success', async () => {
        const first = await newVpc(server);
        const second = await newVpc(server);
        await modify({ VpcId: first, EnableNetworkAddressUsageMetrics: { Value: true } });
        await modify({ VpcId: first, EnableNetworkAddressUsageMetrics: { Value: true } });
        await modify({ VpcId: first, EnableDnsSupport: { Value: true } });
        assert.deepEqual(await attributesOf(server, first), attributes(false, true, true));
        assert.deepEqual(await attributesOf(server, second), attributes(false, true, false));
      });

      it('lets DNS support go off while hostnames are on, as the rule binds only enabling hostnames', async () => {
        const id = await newVpc(server);
        await modify({ VpcId: id, EnableDnsHostnames: { Value: true } });
        await modify({ VpcId: id, EnableDnsSupport: { Value: false } });
        assert.deepEqual(await attributesOf(server, id), attributes(true, false, false));
      });

      it('changes the default VPC too, and leaves what DescribeVpcs shows alone', async () => {
        const before = (await server.ec2.send(new DescribeVpcsCommand({ VpcIds: [defaultVpc] }))).Vpcs;
        await modify({ VpcId: defaultVpc, EnableDnsHostnames: { Value: false } });
        try {
          assert.deepEqual(await attributesOf(server, defaultVpc), attributes(false, true, false));
          const after = (await server.ec2.send(new DescribeVpcsCommand({ VpcIds: [defaultVpc] }))).Vpcs;
          assert.deepEqual(after, before);
        } finally {
          await modify({ VpcId: defaultVpc, EnableDnsHostnames: { Value: true } });
        }
      });
    });
  });
});

describe('VPC attributes survive a restart on the same data folder', () => {
  let dataDir: string;

  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'ec2lite-vpc-attributes-'));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('reads back every attribute as last modified, defaults included', async () => {
    const first = await startTestServer({ ephemeral: false, dataDir });
    let defaultVpc: string;
    let changed: string;
    let untouched: string;
    try {
      defaultVpc = await defaultVpcOf(first);
      changed = await newVpc(first, '10.1.0.0/16');
      untouched = await newVpc(first, '10.2.0.0/16');
      const send = (input: ModifyVpcAttributeCommandInput) => first.ec2.send(new ModifyVpcAttributeCommand(input));
      await send({ VpcId: changed, EnableDnsHostnames: { Value: true } });
      await send({ VpcId: changed, EnableNetworkAddressUsageMetrics: { Value: true } });
      await send({ VpcId: defaultVpc, EnableDnsSupport: { Value: false } });
    } finally {
      await first.close();
    }
    const second = await startTestServer({ ephemeral: false, dataDir });
    try {
      assert.deepEqual(await attributesOf(second, defaultVpc), attributes(true, false, false));
      assert.deepEqual(await attributesOf(second, changed), attributes(true, true, true));
      assert.deepEqual(await attributesOf(second, untouched), attributes(false, true, false));
      // The rule still holds after the restart: support is off in the default VPC.
      await assertSdkError(
        second.ec2.send(new ModifyVpcAttributeCommand({ VpcId: defaultVpc, EnableDnsHostnames: { Value: true } })),
        'InvalidParameterValue',
        HOSTNAMES_WITHOUT_SUPPORT(defaultVpc)
      );
    } finally {
      await second.close();
    }
  });
});
