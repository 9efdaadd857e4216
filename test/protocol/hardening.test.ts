import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { XMLValidator } from 'fast-xml-parser';
import { type RawResponse, type TestServer, assertXmlError, startTestServer, xmlParser } from '../helpers/ec2lite.js';
import { VpcLab } from '../helpers/vpc-lab.js';

/**
 * One case for each fault the fuzz test (fuzz.test.ts) found, and for the HTTP-level refusals it relies on:
 * what node's parser rejects, and the timeouts, answered as EC2 errors rather than node's bare status lines.
 */

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** Raw bytes over a fresh connection; `stall` keeps it open afterwards. Resolves with all the server sent. */
function rawExchange(
  url: string,
  bytes: string,
  stall = false
): Promise<{ status: number; headers: Map<string, string>; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => (stall ? socket.write(bytes) : socket.end(bytes)));
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return reject(new Error(`no response: ${JSON.stringify(text)}`));
      const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
      const headers = new Map(
        lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()])
      );
      resolve({
        status: Number(statusLine!.split(' ')[1]),
        headers,
        body: Buffer.from(text.slice(end + 4), 'latin1').toString('utf8')
      });
    });
  });
}

function asRaw(response: { status: number; headers: Map<string, string>; body: string }): RawResponse {
  return { status: response.status, headers: new Headers([...response.headers]), text: response.body };
}

describe('hardening against malformed input', () => {
  let server: TestServer;
  let eniId: string;

  before(async () => {
    server = await startTestServer({ requestTimeoutMs: 600, headersTimeoutMs: 400 });
    const subnet = await (await VpcLab.create(server)).subnet(24);
    eniId = (await subnet.eni()).NetworkInterfaceId!;
  });
  after(() => server.close());

  it('keeps the error XML well-formed when the message echoes a character XML forbids', async () => {
    const response = await server.raw({ headers: FORM, body: 'Action=DescribeVpcs%00%1B&Version=2016-11-15' });
    assertXmlError(
      response,
      400,
      'InvalidAction',
      'The action DescribeVpcs\uFFFD\uFFFD is not valid for this web service.'
    );
    assert.equal(XMLValidator.validate(response.text), true);
  });

  it('refuses a JSON "__proto__" member as unknown instead of taking it as the prototype', async () => {
    const response = await server.raw({
      headers: { 'content-type': 'application/json' },
      body: '{"Action":"DescribeVpcs","__proto__":{"VpcIds":["vpc-0123456789abcdef0"]}}'
    });
    assert.equal(response.status, 400);
    assert.deepEqual(JSON.parse(response.text).error, {
      code: 'VALIDATION_ERROR',
      ec2Code: 'UnknownParameter',
      message: 'The parameter __proto__ is not recognized',
      requestId: response.headers.get('x-amzn-requestid')
    });
  });

  it('answers a value nested too deep to print with a 400, not a 500', async () => {
    const deep = `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`;
    const response = await server.raw({
      headers: { 'content-type': 'application/json' },
      body: `{"Action":"DescribeVpcs","DryRun":${deep}}`
    });
    assert.equal(response.status, 400, response.text);
    const error = JSON.parse(response.text).error;
    assert.equal(error.ec2Code, 'InvalidParameterValue');
    assert.match(error.message, /^Value \(\{…\}\) for parameter DryRun is invalid/);
  });

  it('reads the query string of a request target node hands over as "//"', async () => {
    const response = await server.raw({ method: 'GET', path: '//?Action=DescribeVpcs&Version=2016-11-15&Bogus=1' });
    assertXmlError(response, 400, 'UnknownParameter', 'The parameter Bogus is not recognized');
  });

  it('answers a head past 16 KiB with RequestHeaderSectionTooLarge (431)', async () => {
    const response = await rawExchange(server.url, `GET / HTTP/1.1\r\nhost: x\r\nx-big: ${'b'.repeat(17_000)}\r\n\r\n`);
    assertXmlError(
      asRaw(response),
      431,
      'RequestHeaderSectionTooLarge',
      'Your request header section exceeds the maximum allowed size of 16384 bytes.'
    );
    assert.equal(response.headers.get('connection'), 'close');
  });

  it('answers bytes that are not HTTP with MalformedHttpRequest (400)', async () => {
    for (const bytes of [
      'HELLO\r\n\r\n',
      'POST / HTTP/1.1\r\nhost: x\r\ncontent-length: abc\r\n\r\n',
      'POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n'
    ]) {
      const response = await rawExchange(server.url, bytes);
      assertXmlError(
        asRaw(response),
        400,
        'MalformedHttpRequest',
        /^The request is not a valid HTTP\/1\.1 request: HPE_/
      );
    }
  });

  it('cuts off a client that never finishes its headers, or its body, with RequestTimeout (408)', async () => {
    const head = await rawExchange(server.url, 'POST / HTTP/1.1\r\nhost: x\r\n', true);
    assertXmlError(
      asRaw(head),
      408,
      'RequestTimeout',
      'Your socket connection to the server was not read from or written to within the timeout period.'
    );
    const started = Date.now();
    const body = await rawExchange(
      server.url,
      'POST / HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"Action":',
      true
    );
    assert.equal(body.status, 408);
    assert.equal(JSON.parse(body.body).error.ec2Code, 'RequestTimeout');
    assert.ok(Date.now() - started < 3_000);
    // The server is still there.
    const { xml } = await server.query({ Action: 'DescribeVpcs' });
    assert.ok(xml.DescribeVpcsResponse);
  });

  it('refuses an absurd count at once, without trying to pick that many addresses', async () => {
    for (const count of ['2147483647', '999999999999999']) {
      const started = Date.now();
      const response = await server.query({
        Action: 'AssignPrivateIpAddresses',
        NetworkInterfaceId: eniId,
        SecondaryPrivateIpAddressCount: count
      });
      assertXmlError(response, 400, 'PrivateIpAddressLimitExceeded', 'Number of private addresses will exceed limit.');
      assert.ok(Date.now() - started < 200, `${count} took ${Date.now() - started} ms`);
    }
    const tooBig = await server.query({
      Action: 'AssignPrivateIpAddresses',
      NetworkInterfaceId: eniId,
      SecondaryPrivateIpAddressCount: '9'.repeat(16)
    });
    assert.equal(xmlParser.parse(tooBig.text).Response.Errors.Error.Code, 'InvalidParameterValue');
  });
});
