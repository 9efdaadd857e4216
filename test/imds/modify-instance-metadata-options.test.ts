import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ModifyInstanceMetadataOptionsCommand,
  type ModifyInstanceMetadataOptionsCommandInput,
  TerminateInstancesCommand
} from '@aws-sdk/client-ec2';
import { UNKNOWN_INSTANCE, describeInstance } from '../helpers/attach-lab.js';
import {
  type TestServer,
  assertCliError,
  assertSdkError,
  assertXmlError,
  startTestServer
} from '../helpers/ec2lite.js';
import { imdsRequest, imdsToken, launchInstance, metadataEndpoints, TOKEN_HEADER } from '../helpers/imds.js';
import { type LabSubnet, VpcLab } from '../helpers/vpc-lab.js';

describe('ModifyInstanceMetadataOptions', () => {
  let server: TestServer;
  let subnet: LabSubnet;
  const modify = (input: ModifyInstanceMetadataOptionsCommandInput) =>
    server.ec2.send(new ModifyInstanceMetadataOptionsCommand(input));
  const launch = async () => (await launchInstance(server, { SubnetId: subnet.id })).InstanceId!;

  before(async () => {
    server = await startTestServer({ imdsDelayMs: 0 });
    subnet = await (await VpcLab.create(server)).subnet();
  });
  after(() => server.close());

  describe('serializations', () => {
    it('answers the SDK with InstanceId and InstanceMetadataOptions, the options pending', async () => {
      const id = await launch();
      const out = await modify({ InstanceId: id, HttpTokens: 'required', HttpPutResponseHopLimit: 2 });
      assert.equal(out.InstanceId, id);
      assert.deepEqual(out.InstanceMetadataOptions, {
        State: 'pending',
        HttpTokens: 'required',
        HttpPutResponseHopLimit: 2,
        HttpEndpoint: 'enabled',
        HttpProtocolIpv6: 'disabled',
        InstanceMetadataTags: 'disabled'
      });
    });

    it('names the XML elements as the EC2 model does', async () => {
      const id = await launch();
      const response = await server.query({
        Action: 'ModifyInstanceMetadataOptions',
        InstanceId: id,
        HttpEndpoint: 'disabled'
      });
      assert.equal(response.status, 200, response.text);
      const body = response.xml.ModifyInstanceMetadataOptionsResponse;
      assert.equal(body.instanceId, id);
      assert.deepEqual(body.instanceMetadataOptions, {
        state: 'pending',
        httpTokens: 'optional',
        httpPutResponseHopLimit: '1',
        httpEndpoint: 'disabled',
        httpProtocolIpv6: 'disabled',
        instanceMetadataTags: 'disabled'
      });
    });

    it('works from the AWS CLI', async () => {
      const id = await launch();
      const result = await server.aws(
        'ec2',
        'modify-instance-metadata-options',
        '--instance-id',
        id,
        '--http-tokens',
        'required'
      );
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.json.InstanceId, id);
      assert.equal(result.json.InstanceMetadataOptions.HttpTokens, 'required');
    });
  });

  describe('validations', () => {
    it('requires InstanceId', async () => {
      const response = await server.query({ Action: 'ModifyInstanceMetadataOptions', HttpTokens: 'required' });
      assertXmlError(response, 400, 'MissingParameter', 'The request must contain the parameter InstanceId');
    });

    it('answers InvalidInstanceID.Malformed and InvalidInstanceID.NotFound', async () => {
      await assertSdkError(
        modify({ InstanceId: 'i-xyz', HttpTokens: 'required' }),
        'InvalidInstanceID.Malformed',
        'Invalid id: "i-xyz" (expecting "i-...")'
      );
      await assertSdkError(
        modify({ InstanceId: UNKNOWN_INSTANCE, HttpTokens: 'required' }),
        'InvalidInstanceID.NotFound',
        `The instance ID '${UNKNOWN_INSTANCE}' does not exist`
      );
    });

    it('refuses a value outside the two each option takes', async () => {
      const id = await launch();
      const cases: [Record<string, string>, string][] = [
        [
          { HttpTokens: 'sometimes' },
          "A value of 'sometimes' is not valid for HttpTokens. Specify either 'optional' or 'required' and try again."
        ],
        [
          { HttpEndpoint: '' },
          "A value of '' is not valid for HttpEndpoint. Specify either 'enabled' or 'disabled' and try again."
        ],
        [
          { HttpProtocolIpv6: 'on' },
          "A value of 'on' is not valid for HttpProtocolIpv6. Specify either 'enabled' or 'disabled' and try again."
        ],
        [
          { InstanceMetadataTags: 'yes' },
          "A value of 'yes' is not valid for InstanceMetadataTags. Specify either 'enabled' or 'disabled' and try again."
        ]
      ];
      for (const [params, message] of cases) {
        const response = await server.query({ Action: 'ModifyInstanceMetadataOptions', InstanceId: id, ...params });
        assertXmlError(response, 400, 'InvalidParameterValue', message);
      }
    });

    it('refuses a hop limit outside 1–64', async () => {
      const id = await launch();
      for (const hops of [0, 65, -1]) {
        await assertSdkError(
          modify({ InstanceId: id, HttpPutResponseHopLimit: hops }),
          'InvalidParameterValue',
          `A value of '${hops}' is not valid for HttpPutResponseHopLimit. Specify a value from 1 to 64 and try again.`
        );
      }
      const { MetadataOptions } = await describeInstance(server, id);
      assert.equal(MetadataOptions?.HttpPutResponseHopLimit, 1);
    });

    it('refuses a terminated instance with IncorrectInstanceState', async () => {
      const id = await launch();
      await server.ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
      await assertSdkError(
        modify({ InstanceId: id, HttpTokens: 'required' }),
        'IncorrectInstanceState',
        `The terminated instance '${id}' is not in a valid state for this operation.`
      );
    });

    it('DryRun answers DryRunOperation (412) and changes nothing', async () => {
      const id = await launch();
      await assertSdkError(
        modify({ InstanceId: id, HttpTokens: 'required', DryRun: true }),
        'DryRunOperation',
        'Request would have succeeded, but DryRun flag is set.',
        412
      );
      assert.equal((await describeInstance(server, id)).MetadataOptions?.HttpTokens, 'optional');
    });

    it('refuses an unknown parameter', async () => {
      const id = await launch();
      const response = await server.query({
        Action: 'ModifyInstanceMetadataOptions',
        InstanceId: id,
        HttpTokenz: 'required'
      });
      assertXmlError(response, 400, 'UnknownParameter', 'The parameter HttpTokenz is not recognized');
    });

    it('answers the CLI with the exact error', async () => {
      const result = await server.aws(
        'ec2',
        'modify-instance-metadata-options',
        '--instance-id',
        UNKNOWN_INSTANCE,
        '--http-endpoint',
        'enabled'
      );
      assertCliError(result, 'InvalidInstanceID.NotFound', `The instance ID '${UNKNOWN_INSTANCE}' does not exist`);
    });
  });

  describe('functionality', () => {
    it('changes only the options named, as DescribeInstances then shows them applied', async () => {
      const id = await launch();
      await modify({ InstanceId: id, HttpPutResponseHopLimit: 3 });
      await modify({ InstanceId: id, HttpTokens: 'required' });
      assert.deepEqual((await describeInstance(server, id)).MetadataOptions, {
        State: 'applied',
        HttpTokens: 'required',
        HttpPutResponseHopLimit: 3,
        HttpEndpoint: 'enabled'
      });
    });

    it('keeps everything as it is when no option is named', async () => {
      const id = await launch();
      const out = await modify({ InstanceId: id });
      assert.equal(out.InstanceMetadataOptions?.HttpTokens, 'optional');
      assert.equal(out.InstanceMetadataOptions?.HttpEndpoint, 'enabled');
      assert.equal(out.InstanceMetadataOptions?.HttpPutResponseHopLimit, 1);
    });

    it('is followed by the metadata service at once: IMDSv1 off and on, the endpoint off and on', async () => {
      const id = await launch();
      const { endpoint } = await metadataEndpoints(server, id);
      const v1 = async () => (await imdsRequest(endpoint, '/latest/meta-data/instance-id')).status;
      assert.equal(await v1(), 200);
      await modify({ InstanceId: id, HttpTokens: 'required' });
      assert.equal(await v1(), 401);
      const token = await imdsToken(endpoint);
      assert.equal(
        (await imdsRequest(endpoint, '/latest/meta-data/instance-id', { headers: { [TOKEN_HEADER]: token } })).status,
        200
      );
      await modify({ InstanceId: id, HttpEndpoint: 'disabled' });
      assert.equal(
        (await imdsRequest(endpoint, '/latest/meta-data/instance-id', { headers: { [TOKEN_HEADER]: token } })).status,
        403
      );
      await modify({ InstanceId: id, HttpEndpoint: 'enabled', HttpTokens: 'optional' });
      assert.equal(await v1(), 200);
    });
  });
});
