import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { DescribeSubnetsCommand, DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { type TestServer, startTestServer, xmlParser } from '../helpers/ec2lite.js';

/**
 * The JSON face (ARCHITECTURE.md, "The JSON face"): `content-type: application/json` on the same endpoint, the
 * action's input in the SDK's member names, `{"success":true,"data":{…SDK output…, id, created_at}}` on success
 * and `{"success":false,"error":{code, ec2Code, message}}` with the XML face's HTTP status on failure.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const JSON_TYPE = { 'content-type': 'application/json' };

/** The SDK's output without its transport metadata, made JSON-plain for comparison. */
function plain(output: object): unknown {
  const { $metadata: _metadata, ...rest } = output as Record<string, unknown>;
  return JSON.parse(JSON.stringify(rest));
}

describe('JSON face', () => {
  let server: TestServer;
  let vpcId: string;
  let subnetId: string;
  let networkInterfaceId: string;

  /** Posts a JSON body (already a string, or a value to stringify) and parses the envelope. */
  async function post(body: unknown, path = '/'): Promise<{ status: number; headers: Headers; json: any }> {
    const response = await server.raw({
      path,
      headers: JSON_TYPE,
      body: typeof body === 'string' ? body : JSON.stringify(body)
    });
    assert.equal(response.headers.get('content-type'), 'application/json');
    return { status: response.status, headers: response.headers, json: JSON.parse(response.text) };
  }

  /** Asserts a failure envelope and its agreement with the XML face's answer to the same request. */
  async function assertJsonError(
    body: Record<string, unknown>,
    expected: { status: number; code: string; ec2Code: string; message: string | RegExp },
    queryEquivalent?: Record<string, string | number | boolean>
  ): Promise<void> {
    const response = await post(body);
    assert.equal(response.status, expected.status, JSON.stringify(response.json));
    assert.equal(response.json.success, false);
    assert.equal(response.json.data, undefined);
    const error = response.json.error;
    assert.equal(error.code, expected.code);
    assert.equal(error.ec2Code, expected.ec2Code);
    if (typeof expected.message === 'string') assert.equal(error.message, expected.message);
    else assert.match(error.message, expected.message);
    assert.equal(error.requestId, response.headers.get('x-amzn-requestid'));
    if (queryEquivalent) {
      const xml = await server.query(queryEquivalent);
      assert.equal(xml.status, response.status, 'the XML face answers with the same HTTP status');
      assert.equal(xml.xml.Response.Errors.Error.Code, error.ec2Code);
      assert.equal(xml.xml.Response.Errors.Error.Message, error.message);
    }
  }

  before(async () => {
    server = await startTestServer();
    const vpc = await post({ Action: 'CreateVpc', CidrBlock: '10.40.0.0/16' });
    vpcId = vpc.json.data.Vpc.VpcId;
  });
  after(() => server.close());

  describe('success envelope', () => {
    it('DescribeVpcs: data is the SDK output shape plus id and created_at', async () => {
      const before = Date.now();
      const response = await post({ Action: 'DescribeVpcs', Version: '2016-11-15', VpcIds: [vpcId] });
      const after = Date.now();
      assert.equal(response.status, 200);
      assert.equal(response.json.success, true);
      assert.deepEqual(Object.keys(response.json), ['success', 'data']);
      const { id, created_at: createdAt, ...output } = response.json.data;
      assert.match(id, UUID);
      assert.equal(id, response.headers.get('x-amzn-requestid'));
      assert.match(createdAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      const handled = Date.parse(createdAt);
      assert.ok(handled >= before - 1000 && handled <= after + 1000, createdAt);
      const sdk = await server.ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }));
      assert.equal(output.Vpcs[0].CidrBlock, '10.40.0.0/16');
      assert.equal(output.Vpcs[0].IsDefault, false);
      assert.equal(output.NextToken, undefined);
      assert.deepEqual(output, plain(sdk));
    });

    it('CreateSubnet returns the Subnet as the SDK would read it', async () => {
      const response = await post({
        Action: 'CreateSubnet',
        VpcId: vpcId,
        CidrBlock: '10.40.1.0/24',
        AvailabilityZone: 'us-east-1c',
        TagSpecifications: [{ ResourceType: 'subnet', Tags: [{ Key: 'Name', Value: 'json' }] }]
      });
      assert.equal(response.status, 200, JSON.stringify(response.json));
      assert.equal(response.json.success, true);
      const subnet = response.json.data.Subnet;
      subnetId = subnet.SubnetId;
      assert.match(subnetId, /^subnet-[0-9a-f]{17}$/);
      assert.equal(subnet.VpcId, vpcId);
      assert.equal(subnet.CidrBlock, '10.40.1.0/24');
      assert.equal(subnet.AvailabilityZone, 'us-east-1c');
      assert.equal(subnet.AvailabilityZoneId, 'use1-az3');
      assert.equal(subnet.AvailableIpAddressCount, 251);
      assert.equal(subnet.DefaultForAz, false);
      assert.equal(subnet.State, 'available');
      assert.deepEqual(subnet.Tags, [{ Key: 'Name', Value: 'json' }]);
      const sdk = await server.ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnetId] }));
      assert.deepEqual(subnet, (plain(sdk) as any).Subnets[0]);
    });

    it('CreateNetworkInterface returns the NetworkInterface', async () => {
      const response = await post({
        Action: 'CreateNetworkInterface',
        SubnetId: subnetId,
        PrivateIpAddress: '10.40.1.10',
        Description: 'json face'
      });
      assert.equal(response.status, 200, JSON.stringify(response.json));
      const eni = response.json.data.NetworkInterface;
      networkInterfaceId = eni.NetworkInterfaceId;
      assert.match(networkInterfaceId, /^eni-[0-9a-f]{17}$/);
      assert.equal(eni.SubnetId, subnetId);
      assert.equal(eni.VpcId, vpcId);
      assert.equal(eni.Description, 'json face');
      assert.equal(eni.PrivateIpAddress, '10.40.1.10');
      assert.deepEqual(
        eni.PrivateIpAddresses.map((a: any) => [a.PrivateIpAddress, a.Primary]),
        [['10.40.1.10', true]]
      );
      assert.match(response.json.data.id, UUID);
    });

    it('AssignPrivateIpAddresses returns NetworkInterfaceId and AssignedPrivateIpAddresses', async () => {
      const response = await post({
        Action: 'AssignPrivateIpAddresses',
        NetworkInterfaceId: networkInterfaceId,
        PrivateIpAddresses: ['10.40.1.20', '10.40.1.21']
      });
      assert.equal(response.status, 200, JSON.stringify(response.json));
      const { id, created_at: createdAt, ...data } = response.json.data;
      assert.match(id, UUID);
      assert.equal(typeof createdAt, 'string');
      assert.deepEqual(data, {
        NetworkInterfaceId: networkInterfaceId,
        AssignedPrivateIpAddresses: [{ PrivateIpAddress: '10.40.1.20' }, { PrivateIpAddress: '10.40.1.21' }]
      });
      const counted = await post({
        Action: 'AssignPrivateIpAddresses',
        NetworkInterfaceId: networkInterfaceId,
        SecondaryPrivateIpAddressCount: 2
      });
      assert.equal(counted.status, 200, JSON.stringify(counted.json));
      assert.equal(counted.json.data.AssignedPrivateIpAddresses.length, 2);
    });

    it('takes the Action from the query string when the JSON body has none', async () => {
      const response = await post({ VpcIds: [vpcId] }, '/?Action=DescribeVpcs');
      assert.equal(response.status, 200, JSON.stringify(response.json));
      assert.deepEqual(
        response.json.data.Vpcs.map((v: any) => v.VpcId),
        [vpcId]
      );
    });

    it('accepts numeric strings for integer members', async () => {
      const response = await post({ Action: 'DescribeSubnets', MaxResults: '5' });
      assert.equal(response.status, 200, JSON.stringify(response.json));
      assert.equal(response.json.data.Subnets.length, 5);
      assert.equal(typeof response.json.data.NextToken, 'string');
    });

    it('accepts a media type with parameters', async () => {
      const response = await server.raw({
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify({ Action: 'DescribeVpcs', VpcIds: [vpcId] })
      });
      assert.equal(response.status, 200, response.text);
      assert.equal(JSON.parse(response.text).data.Vpcs[0].VpcId, vpcId);
    });
  });

  describe('failure envelope', () => {
    it('NOT_FOUND for an unknown id, with the XML face status', async () => {
      await assertJsonError(
        { Action: 'DescribeVpcs', VpcIds: ['vpc-0123456789abcdef0'] },
        {
          status: 400,
          code: 'NOT_FOUND',
          ec2Code: 'InvalidVpcID.NotFound',
          message: "The vpc ID 'vpc-0123456789abcdef0' does not exist"
        },
        { Action: 'DescribeVpcs', 'VpcId.1': 'vpc-0123456789abcdef0' }
      );
    });

    it('VALIDATION_ERROR for a bad value', async () => {
      await assertJsonError(
        { Action: 'CreateVpc', CidrBlock: 'abc' },
        {
          status: 400,
          code: 'VALIDATION_ERROR',
          ec2Code: 'InvalidParameterValue',
          message: 'Value (abc) for parameter cidrBlock is invalid. This is not a valid CIDR block.'
        },
        { Action: 'CreateVpc', CidrBlock: 'abc' }
      );
    });

    it('CONFLICT for an overlapping subnet and for a VPC with dependencies', async () => {
      await assertJsonError(
        { Action: 'CreateSubnet', VpcId: vpcId, CidrBlock: '10.40.1.0/25' },
        {
          status: 400,
          code: 'CONFLICT',
          ec2Code: 'InvalidSubnet.Conflict',
          message: "The CIDR '10.40.1.0/25' conflicts with another subnet"
        },
        { Action: 'CreateSubnet', VpcId: vpcId, CidrBlock: '10.40.1.0/25' }
      );
      await assertJsonError(
        { Action: 'DeleteVpc', VpcId: vpcId },
        {
          status: 400,
          code: 'CONFLICT',
          ec2Code: 'DependencyViolation',
          message: `The vpc '${vpcId}' has dependencies and cannot be deleted.`
        },
        { Action: 'DeleteVpc', VpcId: vpcId }
      );
    });

    it('LIMIT_EXCEEDED when a subnet runs out of addresses', async () => {
      const small = await post({ Action: 'CreateSubnet', VpcId: vpcId, CidrBlock: '10.40.2.0/28' });
      assert.equal(small.json.data.Subnet.AvailableIpAddressCount, 11);
      const eni = await post({ Action: 'CreateNetworkInterface', SubnetId: small.json.data.Subnet.SubnetId });
      const id = eni.json.data.NetworkInterface.NetworkInterfaceId;
      await assertJsonError(
        { Action: 'AssignPrivateIpAddresses', NetworkInterfaceId: id, SecondaryPrivateIpAddressCount: 11 },
        {
          status: 400,
          code: 'LIMIT_EXCEEDED',
          ec2Code: 'InsufficientFreeAddressesInSubnet',
          message: 'The specified subnet does not have enough free addresses to satisfy the request.'
        },
        { Action: 'AssignPrivateIpAddresses', NetworkInterfaceId: id, SecondaryPrivateIpAddressCount: 11 }
      );
    });

    it('the gate errors: MissingAction, InvalidAction, NoSuchVersion (Version is optional here)', async () => {
      await assertJsonError(
        {},
        {
          status: 400,
          code: 'VALIDATION_ERROR',
          ec2Code: 'MissingAction',
          message: 'The request must contain the parameter Action'
        }
      );
      await assertJsonError(
        { Action: 'Foo' },
        {
          status: 400,
          code: 'VALIDATION_ERROR',
          ec2Code: 'InvalidAction',
          message: 'The action Foo is not valid for this web service.'
        }
      );
      await assertJsonError(
        { Action: 'DescribeVpcs', Version: '2010-01-01' },
        {
          status: 400,
          code: 'VALIDATION_ERROR',
          ec2Code: 'NoSuchVersion',
          message: 'The requested version (2010-01-01) of service AmazonEC2 does not exist'
        }
      );
    });

    it('answers an oversize JSON body in JSON too, declared or streamed (413)', async () => {
      const tooLarge = 'The request body exceeds the maximum of 1048576 bytes.';
      const big = JSON.stringify({ Action: 'DescribeVpcs', Padding: 'x'.repeat(1024 * 1024) });
      // fetch declares the length, so this is refused before the body is read; node:http below streams it.
      const declared = await server.raw({ headers: JSON_TYPE, body: big });
      assert.equal(declared.status, 413);
      assert.equal(declared.headers.get('content-type'), 'application/json');
      assert.equal(JSON.parse(declared.text).error.ec2Code, 'RequestEntityTooLarge');
      const { hostname, port } = new URL(server.url);
      const chunked = await new Promise<{ status: number; type: string | undefined; body: string }>(
        (resolve, reject) => {
          let answered = false;
          const req = httpRequest(
            {
              host: hostname,
              port,
              method: 'POST',
              path: '/',
              headers: { ...JSON_TYPE, 'transfer-encoding': 'chunked' }
            },
            (res) => {
              answered = true;
              let text = '';
              res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
              res.on('end', () =>
                resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body: text })
              );
            }
          );
          req.on('error', (error) => {
            if (!answered) reject(error);
          });
          const chunk = Buffer.alloc(64 * 1024, ' ');
          let left = 24;
          const writeMore = (): void => {
            while (left > 0 && !answered) {
              left--;
              if (!req.write(chunk)) {
                req.once('drain', writeMore);
                return;
              }
            }
            req.end();
          };
          writeMore();
        }
      );
      assert.equal(chunked.status, 413);
      assert.equal(chunked.type, 'application/json');
      const envelope = JSON.parse(chunked.body);
      assert.equal(envelope.success, false);
      assert.deepEqual(
        { code: envelope.error.code, ec2Code: envelope.error.ec2Code, message: envelope.error.message },
        { code: 'VALIDATION_ERROR', ec2Code: 'RequestEntityTooLarge', message: tooLarge }
      );
    });

    it('DryRun answers DryRunOperation with 412 and changes nothing', async () => {
      const response = await post({ Action: 'CreateVpc', CidrBlock: '10.41.0.0/16', DryRun: true });
      assert.equal(response.status, 412);
      assert.equal(response.json.success, false);
      assert.equal(response.json.error.ec2Code, 'DryRunOperation');
      assert.equal(response.json.error.message, 'Request would have succeeded, but DryRun flag is set.');
      const vpcs = await post({ Action: 'DescribeVpcs', Filters: [{ Name: 'cidr', Values: ['10.41.0.0/16'] }] });
      assert.deepEqual(vpcs.json.data.Vpcs, []);
    });
  });

  describe('malformed bodies and members', () => {
    it('malformed JSON is InvalidParameterValue', async () => {
      const response = await post('{"Action": "DescribeVpcs",');
      assert.equal(response.status, 400);
      assert.equal(response.json.success, false);
      assert.equal(response.json.error.code, 'VALIDATION_ERROR');
      assert.equal(response.json.error.ec2Code, 'InvalidParameterValue');
      assert.match(response.json.error.message, /^The request body is not valid JSON: /);
    });

    for (const [name, body] of [
      ['a JSON array', '[{"Action":"DescribeVpcs"}]'],
      ['a JSON string', '"DescribeVpcs"'],
      ['JSON null', 'null']
    ] as const) {
      it(`${name} as the body is InvalidParameterValue`, async () => {
        const response = await post(body);
        assert.equal(response.status, 400);
        assert.deepEqual(
          {
            code: response.json.error.code,
            ec2Code: response.json.error.ec2Code,
            message: response.json.error.message
          },
          {
            code: 'VALIDATION_ERROR',
            ec2Code: 'InvalidParameterValue',
            message: 'The request body must be a JSON object.'
          }
        );
      });
    }

    it('a non-numeric string for an integer member is InvalidParameterValue', async () => {
      await assertJsonError(
        { Action: 'DescribeVpcs', MaxResults: 'abc' },
        {
          status: 400,
          code: 'VALIDATION_ERROR',
          ec2Code: 'InvalidParameterValue',
          message: 'Value (abc) for parameter MaxResults is invalid. Expected an integer.'
        },
        { Action: 'DescribeVpcs', MaxResults: 'abc' }
      );
    });

    it('a fraction for an integer member is InvalidParameterValue', async () => {
      await assertJsonError(
        { Action: 'DescribeVpcs', MaxResults: 5.5 },
        {
          status: 400,
          code: 'VALIDATION_ERROR',
          ec2Code: 'InvalidParameterValue',
          message: 'Value (5.5) for parameter MaxResults is invalid. Expected an integer.'
        }
      );
    });

    it('a string where a list belongs, a number where a string belongs, a word where a boolean belongs', async () => {
      await assertJsonError(
        { Action: 'DescribeVpcs', VpcIds: vpcId },
        {
          status: 400,
          code: 'VALIDATION_ERROR',
          ec2Code: 'InvalidParameterValue',
          message: `Value ("${vpcId}") for parameter VpcIds is invalid. Expected a list.`
        }
      );
      await assertJsonError(
        { Action: 'DescribeVpcs', VpcIds: [42] },
        {
          status: 400,
          code: 'VALIDATION_ERROR',
          ec2Code: 'InvalidParameterValue',
          message: 'Value (42) for parameter VpcIds.1 is invalid. Expected a string.'
        }
      );
      await assertJsonError(
        { Action: 'DescribeVpcs', DryRun: 'yes' },
        {
          status: 400,
          code: 'VALIDATION_ERROR',
          ec2Code: 'InvalidParameterValue',
          message: 'Value (yes) for parameter DryRun is invalid. Expected true or false.'
        }
      );
    });

    it('an unknown member is UnknownParameter, also inside a list of structures', async () => {
      await assertJsonError(
        { Action: 'DescribeVpcs', Foo: 1 },
        {
          status: 400,
          code: 'VALIDATION_ERROR',
          ec2Code: 'UnknownParameter',
          message: 'The parameter Foo is not recognized'
        },
        { Action: 'DescribeVpcs', Foo: 1 }
      );
      await assertJsonError(
        { Action: 'DescribeVpcs', Filters: [{ Name: 'vpc-id', Values: [vpcId], Bogus: true }] },
        {
          status: 400,
          code: 'VALIDATION_ERROR',
          ec2Code: 'UnknownParameter',
          message: 'The parameter Filters.1.Bogus is not recognized'
        }
      );
      await assertJsonError(
        {
          Action: 'AssignPrivateIpAddresses',
          NetworkInterfaceId: networkInterfaceId,
          SecondaryPrivateIpAddressCount: 1,
          DryRun: true
        },
        {
          status: 400,
          code: 'VALIDATION_ERROR',
          ec2Code: 'UnknownParameter',
          message: 'The parameter DryRun is not recognized'
        }
      );
    });

    it('a missing required member is MissingParameter', async () => {
      await assertJsonError(
        { Action: 'DeleteSubnet' },
        {
          status: 400,
          code: 'VALIDATION_ERROR',
          ec2Code: 'MissingParameter',
          message: 'The request must contain the parameter SubnetId'
        },
        { Action: 'DeleteSubnet' }
      );
    });

    it('never answers these with a 5xx, and the XML face is untouched by a JSON-looking form body', async () => {
      for (const body of [
        '',
        '{',
        '{}',
        '[]',
        '1',
        'true',
        '{"Action":null}',
        '{"Action":{"x":1}}',
        '{"Action":"CreateVpc","CidrBlock":{"a":1}}'
      ]) {
        const response = await server.raw({ headers: JSON_TYPE, body });
        assert.ok(response.status >= 400 && response.status < 500, `${body} → ${response.status}: ${response.text}`);
        assert.equal(JSON.parse(response.text).success, false);
      }
      const form = await server.raw({
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: '{"Action":"DescribeVpcs"}'
      });
      assert.equal(form.status, 400);
      assert.equal(xmlParser.parse(form.text).Response.Errors.Error.Code, 'MissingAction');
    });
  });
});
