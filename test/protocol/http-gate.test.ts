import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { type RawResponse, type TestServer, assertXmlError, startTestServer, xmlParser } from '../helpers/ec2lite.js';

/**
 * The ordered gate of protocol/http.ts, driven with raw HTTP: method → declared size → streamed size →
 * content type → Action → Version → decode. Every case checks EC2's code, message and HTTP status, and that
 * no client fault is ever answered with a 5xx (SDKs retry those).
 */

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const VERSION = 'Version=2016-11-15';
const NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/';
const MAX_BODY = 1024 * 1024;

interface NodeResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
}

/**
 * A request through node:http, for what fetch cannot send: a content-length that promises more than is sent,
 * or a chunked body written piece by piece. Resolves with the answer even if the server stops reading early.
 */
function sendWithNodeHttp(
  url: string,
  options: { headers: Record<string, string>; chunks?: readonly Buffer[]; holdOpen?: boolean }
): Promise<NodeResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = httpRequest({ host: hostname, port, method: 'POST', path: '/', headers: options.headers }, (res) => {
      answered = true;
      const parts: Buffer[] = [];
      res.on('data', (chunk: Buffer) => parts.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(parts).toString('utf8') })
      );
      res.on('error', reject);
    });
    // Once the answer is in, a reset of the socket we were still writing to is expected, not a failure.
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    if (options.holdOpen) {
      req.flushHeaders();
      return;
    }
    const chunks = [...(options.chunks ?? [])];
    const writeMore = (): void => {
      while (chunks.length > 0) {
        if (answered) return;
        if (!req.write(chunks.shift()!)) {
          req.once('drain', writeMore);
          return;
        }
      }
      req.end();
    };
    writeMore();
  });
}

/** The same checks as assertXmlError, for a node:http answer. */
function assertNodeXmlError(response: NodeResponse, status: number, code: string, message: string): void {
  assert.equal(response.status, status, response.text);
  const xml = xmlParser.parse(response.text);
  assert.equal(xml.Response?.Errors?.Error?.Code, code, response.text);
  assert.equal(xml.Response.Errors.Error.Message, message);
  assert.equal(response.headers['x-amzn-requestid'], xml.Response.RequestID);
}

describe('HTTP gate', () => {
  let server: TestServer;
  const post = (body: string, headers: Record<string, string> = FORM): Promise<RawResponse> =>
    server.raw({ headers, body });

  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  describe('errors, in the order the gate checks them', () => {
    const cases: {
      name: string;
      request: () => Promise<RawResponse>;
      status: number;
      code: string;
      message: string;
    }[] = [
      {
        name: 'PUT is UnsupportedHttpVerb (405)',
        request: () => server.raw({ method: 'PUT', headers: FORM, body: `Action=DescribeVpcs&${VERSION}` }),
        status: 405,
        code: 'UnsupportedHttpVerb',
        message: 'The HTTP verb PUT is not supported. Use GET or POST.'
      },
      {
        name: 'DELETE is UnsupportedHttpVerb (405)',
        request: () => server.raw({ method: 'DELETE', path: `/?Action=DescribeVpcs&${VERSION}` }),
        status: 405,
        code: 'UnsupportedHttpVerb',
        message: 'The HTTP verb DELETE is not supported. Use GET or POST.'
      },
      {
        name: 'text/plain is UnsupportedMediaType (415)',
        request: () => post(`Action=DescribeVpcs&${VERSION}`, { 'content-type': 'text/plain' }),
        status: 415,
        code: 'UnsupportedMediaType',
        message:
          "The content type 'text/plain' is not supported. Use application/x-www-form-urlencoded or application/json."
      },
      {
        name: 'the media type is checked before the Action',
        request: () => post('Action=Foo', { 'content-type': 'text/plain; charset=utf-8' }),
        status: 415,
        code: 'UnsupportedMediaType',
        message:
          "The content type 'text/plain' is not supported. Use application/x-www-form-urlencoded or application/json."
      },
      {
        name: 'no Action is MissingAction',
        request: () => post(VERSION),
        status: 400,
        code: 'MissingAction',
        message: 'The request must contain the parameter Action'
      },
      {
        name: 'an empty Action is MissingAction',
        request: () => post(`Action=&${VERSION}`),
        status: 400,
        code: 'MissingAction',
        message: 'The request must contain the parameter Action'
      },
      {
        name: 'a bare GET / is MissingAction',
        request: () => server.raw({ method: 'GET', path: '/' }),
        status: 400,
        code: 'MissingAction',
        message: 'The request must contain the parameter Action'
      },
      {
        name: 'MissingAction wins over a wrong Version',
        request: () => post('Version=2010-01-01'),
        status: 400,
        code: 'MissingAction',
        message: 'The request must contain the parameter Action'
      },
      {
        name: 'an unknown Action is InvalidAction',
        request: () => post(`Action=Foo&${VERSION}`),
        status: 400,
        code: 'InvalidAction',
        message: 'The action Foo is not valid for this web service.'
      },
      {
        name: 'InvalidAction wins over a missing Version',
        request: () => post('Action=Foo'),
        status: 400,
        code: 'InvalidAction',
        message: 'The action Foo is not valid for this web service.'
      },
      {
        name: 'no Version on the Query face is MissingParameter',
        request: () => post('Action=DescribeVpcs'),
        status: 400,
        code: 'MissingParameter',
        message: 'The request must contain the parameter Version'
      },
      {
        name: 'another Version is NoSuchVersion',
        request: () => post('Action=DescribeVpcs&Version=2010-01-01'),
        status: 400,
        code: 'NoSuchVersion',
        message: 'The requested version (2010-01-01) of service AmazonEC2 does not exist'
      },
      {
        name: 'NoSuchVersion wins over an unknown parameter',
        request: () => post('Action=DescribeVpcs&Version=2010-01-01&Foo=1'),
        status: 400,
        code: 'NoSuchVersion',
        message: 'The requested version (2010-01-01) of service AmazonEC2 does not exist'
      },
      {
        name: 'an unknown top-level parameter is UnknownParameter',
        request: () => post(`Action=DescribeVpcs&${VERSION}&Foo=1`),
        status: 400,
        code: 'UnknownParameter',
        message: 'The parameter Foo is not recognized'
      },
      {
        name: 'an unknown member inside a list of structures is UnknownParameter with its full name',
        request: () => post(`Action=DescribeVpcs&${VERSION}&Filter.1.Name=vpc-id&Filter.1.Bogus=x`),
        status: 400,
        code: 'UnknownParameter',
        message: 'The parameter Filter.1.Bogus is not recognized'
      },
      {
        name: 'a list index that is not 1-based is UnknownParameter',
        request: () => post(`Action=DescribeVpcs&${VERSION}&Filter.0.Name=vpc-id`),
        status: 400,
        code: 'UnknownParameter',
        message: 'The parameter Filter.0 is not recognized'
      },
      {
        name: 'DryRun on AssignPrivateIpAddresses (no DryRun member in the model) is UnknownParameter',
        request: () =>
          post(
            `Action=AssignPrivateIpAddresses&${VERSION}&NetworkInterfaceId=eni-0123456789abcdef0&SecondaryPrivateIpAddressCount=1&DryRun=true`
          ),
        status: 400,
        code: 'UnknownParameter',
        message: 'The parameter DryRun is not recognized'
      },
      {
        name: 'DryRun on UnassignPrivateIpAddresses is UnknownParameter too',
        request: () =>
          post(
            `Action=UnassignPrivateIpAddresses&${VERSION}&NetworkInterfaceId=eni-0123456789abcdef0&PrivateIpAddress.1=10.0.0.9&DryRun=true`
          ),
        status: 400,
        code: 'UnknownParameter',
        message: 'The parameter DryRun is not recognized'
      },
      {
        name: 'a missing required member is MissingParameter with its wire name',
        request: () => post(`Action=AssignPrivateIpAddresses&${VERSION}&SecondaryPrivateIpAddressCount=1`),
        status: 400,
        code: 'MissingParameter',
        message: 'The request must contain the parameter NetworkInterfaceId'
      },
      {
        name: 'DryRun where the action has it answers DryRunOperation (412)',
        request: () => post(`Action=DescribeVpcs&${VERSION}&DryRun=true`),
        status: 412,
        code: 'DryRunOperation',
        message: 'Request would have succeeded, but DryRun flag is set.'
      }
    ];
    for (const c of cases) {
      it(c.name, async () => {
        const response = await c.request();
        assert.ok(response.status < 500, `a client fault answered ${response.status}`);
        assert.equal(response.headers.get('content-type'), 'text/xml;charset=UTF-8');
        assertXmlError(response, c.status, c.code, c.message);
      });
    }
  });

  describe('body size', () => {
    const tooLarge = `The request body exceeds the maximum of ${MAX_BODY} bytes.`;

    it('refuses a declared content-length over 1 MiB before reading the body (413)', async () => {
      // Only the headers go out: the answer must come without the server waiting for the promised body.
      const response = await sendWithNodeHttp(server.url, {
        headers: { ...FORM, 'content-length': String(MAX_BODY + 1) },
        holdOpen: true
      });
      assertNodeXmlError(response, 413, 'RequestEntityTooLarge', tooLarge);
      assert.equal(response.headers.connection, 'close');
    });

    it('refuses a chunked body without content-length once it passes 1 MiB (413)', async () => {
      const chunk = Buffer.alloc(64 * 1024, 'a');
      const response = await sendWithNodeHttp(server.url, {
        headers: { ...FORM, 'transfer-encoding': 'chunked' },
        chunks: Array.from({ length: 24 }, () => chunk)
      });
      assertNodeXmlError(response, 413, 'RequestEntityTooLarge', tooLarge);
      assert.equal(response.headers.connection, 'close');
    });

    it('accepts a body of exactly 1 MiB and refuses one byte more', async () => {
      const base = `Action=DescribeVpcs&${VERSION}`;
      // Empty form fields ("&&&") are skipped by the form decoder, so they pad without meaning anything.
      const exact = base + '&'.repeat(MAX_BODY - base.length);
      assert.equal(Buffer.byteLength(exact), MAX_BODY);
      const ok = await post(exact);
      assert.equal(ok.status, 200, ok.text);
      assertXmlError(await post(`${exact}&`), 413, 'RequestEntityTooLarge', tooLarge);
    });

    it('keeps serving after refusing an oversize body', async () => {
      const response = await server.query({ Action: 'DescribeVpcs' });
      assert.equal(response.status, 200, response.text);
    });
  });

  describe('accepted requests', () => {
    it('answers a form POST with the EC2 success shape, content type and request id', async () => {
      const response = await post(`Action=DescribeVpcs&${VERSION}`);
      assert.equal(response.status, 200, response.text);
      assert.equal(response.headers.get('content-type'), 'text/xml;charset=UTF-8');
      assert.equal(response.headers.get('server'), 'AmazonEC2');
      assert.ok(response.text.startsWith('<?xml version="1.0" encoding="UTF-8"?>'), response.text.slice(0, 60));
      assert.match(response.text, new RegExp(`<DescribeVpcsResponse xmlns="${NAMESPACE}"><requestId>`));
      const xml = xmlParser.parse(response.text);
      const root = xml.DescribeVpcsResponse;
      assert.equal(root['@_xmlns'], NAMESPACE);
      assert.match(root.requestId, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      assert.equal(response.headers.get('x-amzn-requestid'), root.requestId);
      assert.equal(root.vpcSet.item.cidrBlock, '172.31.0.0/16');
    });

    it('gives every response its own request id', async () => {
      const [a, b] = await Promise.all([
        server.query({ Action: 'DescribeVpcs' }),
        server.query({ Action: 'DescribeVpcs' })
      ]);
      assert.notEqual(a.headers.get('x-amzn-requestid'), b.headers.get('x-amzn-requestid'));
    });

    it('answers a GET with the parameters in the query string as it answers the same POST', async () => {
      const params = `Action=DescribeSubnets&${VERSION}&Filter.1.Name=availability-zone&Filter.1.Value.1=us-east-1b`;
      const viaGet = await server.raw({ method: 'GET', path: `/?${params}` });
      const viaPost = await post(params);
      assert.equal(viaGet.status, 200, viaGet.text);
      assert.equal(viaGet.headers.get('content-type'), 'text/xml;charset=UTF-8');
      const getRoot = xmlParser.parse(viaGet.text).DescribeSubnetsResponse;
      const postRoot = xmlParser.parse(viaPost.text).DescribeSubnetsResponse;
      assert.equal(getRoot.requestId, viaGet.headers.get('x-amzn-requestid'));
      assert.equal(getRoot.subnetSet.item.availabilityZone, 'us-east-1b');
      assert.deepEqual(getRoot.subnetSet, postRoot.subnetSet);
    });

    it("decodes a form body sent with '; charset=utf-8', '+' and '%20' as spaces, and UTF-8 escapes", async () => {
      const body = [
        'Action=CreateVpc',
        VERSION,
        'CidrBlock=10.77.0.0%2F16',
        'TagSpecification.1.ResourceType=vpc',
        'TagSpecification.1.Tag.1.Key=Name',
        'TagSpecification.1.Tag.1.Value=my+plus%20and%20percent',
        'TagSpecification.1.Tag.2.Key=team%3Anetwork',
        'TagSpecification.1.Tag.2.Value=caf%C3%A9+%26+co'
      ].join('&');
      const response = await post(body, { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' });
      assert.equal(response.status, 200, response.text);
      const vpc = xmlParser.parse(response.text).CreateVpcResponse.vpc;
      assert.equal(vpc.cidrBlock, '10.77.0.0/16');
      assert.deepEqual(vpc.tagSet.item, [
        { key: 'Name', value: 'my plus and percent' },
        { key: 'team:network', value: 'café & co' }
      ]);
    });

    it('treats a POST without a content type as a form', async () => {
      // fetch labels a string body text/plain, so send bytes, which it leaves unlabelled.
      const response = await server.raw({ body: Buffer.from(`Action=DescribeVpcs&${VERSION}`) });
      assert.equal(response.status, 200, response.text);
    });
  });

  it('never answers a hostile or odd request with a 5xx', async () => {
    const bodies = [
      `Action=DescribeVpcs&${VERSION}&%ZZ=1`,
      `Action=DescribeVpcs&${VERSION}&Filter..Name=x`,
      `Action=DescribeVpcs&${VERSION}&Filter.1=x`,
      `Action=DescribeVpcs&${VERSION}&Filter.1.Name.Extra=x`,
      `Action=DescribeVpcs&${VERSION}&Filter.99999999999.Name=x`,
      `Action=DescribeVpcs&${VERSION}&=x`,
      `Action=DescribeVpcs&${VERSION}&MaxResults=99999999999999999999`,
      `Action=DescribeVpcs&${VERSION}&MaxResults=-1`,
      `Action=DescribeVpcs&${VERSION}&NextToken=%00%FF`,
      `Action=DescribeVpcs&${VERSION}&VpcId.1=`,
      `Action=DescribeVpcs&${VERSION}&Filter.1.Value.1=x`,
      `Action=CreateVpc&${VERSION}&CidrBlock=`,
      `Action=CreateVpc&${VERSION}&CidrBlock=10.0.0.0/16&TagSpecification.1.Tag.1.Key=a`,
      `Action=CreateSubnet&${VERSION}&VpcId=vpc-&CidrBlock=10.0.0.0/24`,
      `Action=DeleteSubnet&${VERSION}&SubnetId=subnet-zz`,
      `Action=AssignPrivateIpAddresses&${VERSION}&NetworkInterfaceId=eni-0123456789abcdef0&PrivateIpAddress.1=999.1.1.1`,
      `Action=${'A'.repeat(5000)}&${VERSION}`,
      '\u0000\u0001\u0002'
    ];
    for (const body of bodies) {
      const response = await post(body);
      assert.ok(
        response.status >= 400 && response.status < 500,
        `${body.slice(0, 80)} → ${response.status}: ${response.text}`
      );
      const xml = xmlParser.parse(response.text);
      assert.ok(xml.Response?.Errors?.Error?.Code, response.text);
    }
  });
});
