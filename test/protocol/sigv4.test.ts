import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateVpcCommand, DescribeSubnetsCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  type SignedRequest,
  computeSignature,
  parseSignature,
  sha256Hex,
  verifySignature
} from '../../src/protocol/sigv4.js';
import {
  type TestServer,
  assertCliError,
  assertSdkError,
  assertXmlError,
  credentials,
  startTestServer,
  xmlParser
} from '../helpers/ec2lite.js';
import { presign, signRequest, signer } from '../helpers/sigv4-oracle.js';

/**
 * SigV4 (protocol/sigv4.ts) with the real clients: the SDK (signs a body hash header), the AWS CLI v2 (signs
 * none), curl --aws-sigv4, and @smithy/signature-v4 as the oracle for hand-made and presigned requests.
 */

const ALICE = { ...credentials, accountId: '111122223333' };
const BOB = {
  accessKeyId: 'AKIDBOB0000000000000',
  secretAccessKey: 'bob-secret/with+odd=chars',
  accountId: '444455556666'
};
const STRANGER = { accessKeyId: 'AKIDSTRANGER00000000', secretAccessKey: 'whatever' };

const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const AUTH_FAILURE = 'AWS was not able to validate the provided access credentials';
const DESCRIBE_VPCS = 'Action=DescribeVpcs&Version=2016-11-15';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

function client(
  server: TestServer,
  key: { accessKeyId: string; secretAccessKey: string },
  region = 'us-east-1'
): EC2Client {
  return new EC2Client({ endpoint: server.url, region, credentials: key, maxAttempts: 1 });
}

function minutesFromNow(minutes: number): Date {
  return new Date(Date.now() + minutes * 60_000);
}

function curl(args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile('curl', ['-s', '-w', '\n%{http_code}', ...args], (error, stdout) => {
      const lines = stdout.trimEnd().split('\n');
      resolve({ code: Number(lines.pop()), stdout: lines.join('\n') });
    });
  });
}

describe('SigV4 in verify mode', () => {
  let server: TestServer;
  const send = (signed: { path: string; headers: Record<string, string>; body?: string; method: string }) =>
    server.raw({
      method: signed.method,
      path: signed.path,
      headers: signed.headers,
      ...(signed.body !== undefined ? { body: signed.body } : {})
    });

  before(async () => {
    server = await startTestServer({ auth: 'verify', credentials: [ALICE, BOB] });
  });
  after(() => server.close());

  describe('the real clients', () => {
    it('verifies the SDK, and takes the account from the key and the region from the credential scope', async () => {
      const { Vpc } = await server.ec2.send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16' }));
      assert.equal(Vpc?.OwnerId, ALICE.accountId);
      const bob = client(server, BOB, 'eu-west-1');
      try {
        const { Vpc: bobs } = await bob.send(new CreateVpcCommand({ CidrBlock: '10.2.0.0/16' }));
        assert.equal(bobs?.OwnerId, BOB.accountId);
        const { Subnets } = await bob.send(new DescribeSubnetsCommand({}));
        assert.match(Subnets![0]!.SubnetArn!, /^arn:aws:ec2:eu-west-1:/);
      } finally {
        bob.destroy();
      }
      const [call] = server.emulator.controls.calls({ action: 'DescribeSubnets', limit: 1 }).calls;
      assert.deepEqual(
        { accessKeyId: call?.accessKeyId, accountId: call?.accountId, region: call?.region },
        { accessKeyId: BOB.accessKeyId, accountId: BOB.accountId, region: 'eu-west-1' }
      );
    });

    it('answers a wrong secret from the SDK with SignatureDoesNotMatch (403)', async () => {
      const wrong = client(server, { ...BOB, secretAccessKey: 'not-bobs-secret' });
      try {
        await assertSdkError(wrong.send(new DescribeVpcsCommand({})), 'SignatureDoesNotMatch', SIGNATURE_MISMATCH, 403);
      } finally {
        wrong.destroy();
      }
    });

    it('answers an unknown key from the SDK with AuthFailure (401)', async () => {
      const stranger = client(server, STRANGER);
      try {
        await assertSdkError(stranger.send(new DescribeVpcsCommand({})), 'AuthFailure', AUTH_FAILURE, 401);
      } finally {
        stranger.destroy();
      }
    });

    it('verifies the AWS CLI v2, which signs no body hash, and refuses its wrong secret and unknown key', async () => {
      const ok = await server.awsAs(BOB, 'ec2', 'describe-vpcs');
      assert.equal(ok.code, 0, ok.stderr);
      assert.ok(ok.json.Vpcs.length >= 1);
      assertCliError(
        await server.awsAs({ ...BOB, secretAccessKey: 'nope' }, 'ec2', 'describe-vpcs'),
        'SignatureDoesNotMatch',
        SIGNATURE_MISMATCH
      );
      assertCliError(await server.awsAs(STRANGER, 'ec2', 'describe-vpcs'), 'AuthFailure', AUTH_FAILURE);
    });

    it('verifies curl --aws-sigv4 with a form body', async () => {
      const args = [
        '-X',
        'POST',
        '-H',
        'content-type: application/x-www-form-urlencoded',
        '-d',
        DESCRIBE_VPCS,
        '--aws-sigv4',
        'aws:amz:us-east-1:ec2'
      ];
      const ok = await curl([...args, '--user', `${BOB.accessKeyId}:${BOB.secretAccessKey}`, `${server.url}/`]);
      assert.equal(ok.code, 200, ok.stdout);
      assert.ok(xmlParser.parse(ok.stdout).DescribeVpcsResponse);
      const wrong = await curl([...args, '--user', `${BOB.accessKeyId}:wrong`, `${server.url}/`]);
      assert.equal(wrong.code, 403);
      assert.equal(xmlParser.parse(wrong.stdout).Response.Errors.Error.Code, 'SignatureDoesNotMatch');
      const json = await curl([
        '-H',
        'content-type: application/json',
        '-d',
        '{"Action":"DescribeVpcs"}',
        '--aws-sigv4',
        'aws:amz:us-east-1:ec2',
        '--user',
        `${BOB.accessKeyId}:${BOB.secretAccessKey}`,
        `${server.url}/`
      ]);
      assert.equal(json.code, 200, json.stdout);
      assert.equal(JSON.parse(json.stdout).success, true);
    });
  });

  describe('refusals, with EC2 codes, texts and statuses', () => {
    it('answers an unsigned request with MissingParameter AWSAccessKeyId (400)', async () => {
      const response = await server.raw({ headers: FORM, body: DESCRIBE_VPCS });
      assertXmlError(response, 400, 'MissingParameter', 'The request must contain the parameter AWSAccessKeyId');
      const json = await server.json({ Action: 'DescribeVpcs' });
      assert.equal(json.status, 400);
      assert.deepEqual(
        { ...json.json.error, requestId: undefined },
        {
          code: 'UNAUTHORIZED',
          ec2Code: 'MissingParameter',
          message: 'The request must contain the parameter AWSAccessKeyId',
          requestId: undefined
        }
      );
    });

    it('answers a malformed Authorization header with IncompleteSignature (400)', async () => {
      const date = { 'x-amz-date': '20260101T000000Z' };
      const cases: [string, Record<string, string>, string][] = [
        [
          'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/ec2/aws4_request',
          date,
          "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/ec2/aws4_request"
        ],
        [
          'Bearer abc',
          {},
          "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=Bearer abc"
        ],
        [
          'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE /20260101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=00',
          date,
          "'/20260101/us-east-1/ec2/aws4_request' not a valid key=value pair (missing equal-sign) in Authorization header: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE /20260101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=00'."
        ],
        [
          'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1, SignedHeaders=host, Signature=00',
          date,
          "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKIDEXAMPLE/20260101/us-east-1'"
        ],
        [
          'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/ec2/aws4_request, SignedHeaders=content-type;x-amz-date, Signature=00',
          date,
          "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."
        ],
        [
          'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=00',
          { 'x-amz-date': '2026-01-01T00:00:00Z' },
          "Date must be in ISO-8601 'basic format'. Got '2026-01-01T00:00:00Z'. See http://en.wikipedia.org/wiki/ISO_8601"
        ]
      ];
      for (const [authorization, headers, message] of cases) {
        const response = await server.raw({ headers: { ...FORM, ...headers, authorization }, body: DESCRIBE_VPCS });
        assertXmlError(response, 400, 'IncompleteSignature', message);
      }
    });

    it('answers an X-Amz-Date more than 15 minutes off with RequestExpired (400), and takes one 14 minutes off', async () => {
      for (const minutes of [-16, 16, -60 * 24]) {
        const signed = await signRequest(
          server.url,
          BOB,
          { body: DESCRIBE_VPCS },
          { signingDate: minutesFromNow(minutes) }
        );
        assertXmlError(await send(signed), 400, 'RequestExpired', 'Request has expired.');
      }
      for (const minutes of [-14, 14]) {
        const signed = await signRequest(
          server.url,
          BOB,
          { body: DESCRIBE_VPCS },
          { signingDate: minutesFromNow(minutes) }
        );
        assert.equal((await send(signed)).status, 200);
      }
    });

    it("hashes the body itself: a body changed after signing, or a body hash header that is not the body's, does not match", async () => {
      const signed = await signRequest(server.url, BOB, { body: DESCRIBE_VPCS });
      assertXmlError(
        await send({ ...signed, body: 'Action=DescribeSubnets&Version=2016-11-15' }),
        403,
        'SignatureDoesNotMatch',
        SIGNATURE_MISMATCH
      );
      // A client that signed the hash of another body, and sent this one.
      const lying = await signRequest(server.url, BOB, {
        body: 'Action=DeleteVpc&Version=2016-11-15&VpcId=vpc-1',
        headers: { 'x-amz-content-sha256': sha256Hex(DESCRIBE_VPCS) }
      });
      assertXmlError(
        await send({ ...lying, body: 'Action=DeleteVpc&Version=2016-11-15&VpcId=vpc-1' }),
        403,
        'SignatureDoesNotMatch',
        SIGNATURE_MISMATCH
      );
      // Without a body hash header (the CLI's way) the computed hash is signed and verified.
      const cliLike = await signRequest(server.url, BOB, { body: DESCRIBE_VPCS }, { bodyHashHeader: false });
      assert.equal(cliLike.headers['x-amz-content-sha256'], undefined);
      assert.equal((await send(cliLike)).status, 200);
    });

    it('refuses a scope for another service or an altered signed header', async () => {
      const s3 = await signRequest(server.url, BOB, { body: DESCRIBE_VPCS }, { service: 's3' });
      assertXmlError(
        await send(s3),
        403,
        'SignatureDoesNotMatch',
        "Credential should be scoped to correct service: 'ec2'."
      );
      const signed = await signRequest(server.url, BOB, { body: DESCRIBE_VPCS, headers: { 'x-amz-meta-note': 'a' } });
      assertXmlError(
        await send({ ...signed, headers: { ...signed.headers, 'x-amz-meta-note': 'b' } }),
        403,
        'SignatureDoesNotMatch',
        SIGNATURE_MISMATCH
      );
    });
  });

  describe('presigned URLs (query-string authentication)', () => {
    const query = { Action: 'DescribeVpcs', Version: '2016-11-15' };

    it("answers a URL presigned by the SDK's signer, GET, with no other header", async () => {
      const path = await presign(server.url, BOB, query, { expiresIn: 300 });
      const response = await server.raw({ method: 'GET', path });
      assert.equal(response.status, 200, response.text);
      assert.ok(xmlParser.parse(response.text).DescribeVpcsResponse.vpcSet);
      const [call] = server.emulator.controls.calls({ limit: 1 }).calls;
      assert.equal(call?.accessKeyId, BOB.accessKeyId);
      assert.deepEqual(call?.params, {}, 'the X-Amz-* parameters are authentication, not input');
    });

    it('refuses an altered parameter, an expired URL, an unknown key, and a second auth mechanism', async () => {
      const path = await presign(server.url, BOB, { ...query, 'VpcId.1': 'vpc-0123456789abcdef0' });
      assertXmlError(
        await server.raw({ method: 'GET', path: path.replace('vpc-0123456789abcdef0', 'vpc-0123456789abcdef1') }),
        403,
        'SignatureDoesNotMatch',
        SIGNATURE_MISMATCH
      );
      const expired = await presign(server.url, BOB, query, { expiresIn: 60, signingDate: minutesFromNow(-2) });
      assertXmlError(await server.raw({ method: 'GET', path: expired }), 400, 'RequestExpired', 'Request has expired.');
      const stranger = await presign(server.url, STRANGER, query);
      assertXmlError(await server.raw({ method: 'GET', path: stranger }), 401, 'AuthFailure', AUTH_FAILURE);
      const both = await presign(server.url, BOB, query);
      assertXmlError(
        await server.raw({ method: 'GET', path: both, headers: { authorization: 'AWS4-HMAC-SHA256 Credential=x' } }),
        400,
        'IncompleteSignature',
        'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified'
      );
      assertXmlError(
        await server.raw({ method: 'GET', path: both.replace(/X-Amz-Expires=\d+/, 'X-Amz-Expires=604801') }),
        400,
        'IncompleteSignature',
        "X-Amz-Expires must be a whole number of seconds from 1 to 604800 (one week), not '604801'."
      );
      assertXmlError(
        await server.raw({ method: 'GET', path: both.replace(/&X-Amz-Signature=[0-9a-f]+/, '') }),
        400,
        'IncompleteSignature',
        "AWS query-string parameters must include 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-SignedHeaders', 'X-Amz-Date'. Re-examine the query-string parameters."
      );
    });
  });

  describe('credentials files', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'ec2lite-credentials-'));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('reads the AWS credentials INI format, with aws_account_id, and JSON', async () => {
      const ini = join(dir, 'credentials');
      writeFileSync(
        ini,
        `# ec2lite keys\n[default]\naws_access_key_id = ${BOB.accessKeyId}\naws_secret_access_key = ${BOB.secretAccessKey}\naws_account_id = ${BOB.accountId}\n\n[profile other]\nregion = us-west-2\n`
      );
      const json = join(dir, 'keys.json');
      writeFileSync(
        json,
        JSON.stringify({
          keys: [{ accessKeyId: ALICE.accessKeyId, secretAccessKey: ALICE.secretAccessKey, accountId: ALICE.accountId }]
        })
      );
      for (const [file, key, account] of [
        [ini, BOB, BOB.accountId],
        [json, ALICE, ALICE.accountId]
      ] as const) {
        const other = await startTestServer({ auth: 'verify', credentialsFile: file });
        const sdk = client(other, key);
        try {
          const { Vpc } = await sdk.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16' }));
          assert.equal(Vpc?.OwnerId, account);
          await assertSdkError(
            client(other, STRANGER).send(new DescribeVpcsCommand({})),
            'AuthFailure',
            AUTH_FAILURE,
            401
          );
        } finally {
          sdk.destroy();
          await other.close();
        }
      }
    });

    it('refuses to start in verify mode without keys, or with a broken credentials file', async () => {
      await assert.rejects(startTestServer({ auth: 'verify' }), /auth verify needs access keys/);
      const broken = join(dir, 'broken.json');
      writeFileSync(broken, '[{"accessKeyId": "AKID", "secret": "x"}]');
      await assert.rejects(startTestServer({ auth: 'verify', credentialsFile: broken }), /unknown field "secret"/);
    });
  });
});

describe('SigV4 in open mode', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ accountId: '999988887777', region: 'us-west-2' });
  });
  after(() => server.close());

  it('takes unsigned requests (curl) as the configured account and region', async () => {
    const response = await server.raw({ headers: FORM, body: DESCRIBE_VPCS });
    assert.equal(response.status, 200);
    const [call] = server.emulator.controls.calls({ limit: 1 }).calls;
    assert.equal(call?.accessKeyId, undefined);
    assert.equal(call?.accountId, '999988887777');
    assert.equal(call?.region, 'us-west-2');
  });

  it('takes any secret and any date; a 12-digit access key is that account, any other the configured one', async () => {
    const sdk = client(server, { accessKeyId: '210987654321', secretAccessKey: 'anything' });
    try {
      const { Vpc } = await sdk.send(new CreateVpcCommand({ CidrBlock: '10.3.0.0/16' }));
      assert.equal(Vpc?.OwnerId, '210987654321');
    } finally {
      sdk.destroy();
    }
    const { Vpc } = await server.ec2.send(new CreateVpcCommand({ CidrBlock: '10.4.0.0/16' }));
    assert.equal(Vpc?.OwnerId, '999988887777');
    const stale = await signRequest(
      server.url,
      STRANGER,
      { body: DESCRIBE_VPCS },
      { signingDate: minutesFromNow(-600) }
    );
    assert.equal((await server.raw(stale)).status, 200);
    const result = await server.awsAs({ accessKeyId: 'test', secretAccessKey: 'test' }, 'ec2', 'describe-vpcs');
    assert.equal(result.code, 0, result.stderr);
  });

  it('still answers a malformed Authorization header with IncompleteSignature', async () => {
    const response = await server.raw({
      headers: { ...FORM, authorization: 'AWS4-HMAC-SHA256 Credential=x', 'x-amz-date': '20260101T000000Z' },
      body: DESCRIBE_VPCS
    });
    assertXmlError(
      response,
      400,
      'IncompleteSignature',
      "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256 Credential=x"
    );
  });
});

describe('SigV4 against the oracle (@smithy/signature-v4)', () => {
  const URL_BASE = 'http://127.0.0.1:4566';
  const key = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

  /** The request as the server receives it, from the oracle's signed output. */
  function received(signed: {
    method: string;
    path: string;
    headers: Record<string, string>;
    body?: string;
  }): SignedRequest {
    const rawHeaders = ['Host', '127.0.0.1:4566', ...Object.entries(signed.headers).flat()];
    return { method: signed.method, url: signed.path, rawHeaders, body: Buffer.from(signed.body ?? '') };
  }

  it('computes the same signature for headers with odd spacing, a session token, and a query with reserved characters', async () => {
    const date = new Date('2026-03-04T05:06:07Z');
    const requests = [
      { body: 'Action=DescribeVpcs&Version=2016-11-15', headers: { 'x-amz-meta-spaced': '  a   b \t c  ' } },
      {
        method: 'GET' as const,
        query: { Action: 'DescribeVpcs', Version: '2016-11-15', 'Filter.1.Value.1': "a b+c/d*e(f)!~'" }
      },
      { body: 'Action=DescribeTags&Version=2016-11-15&Filter.1.Name=key&Filter.1.Value.1=caf%C3%A9' }
    ];
    for (const request of requests) {
      for (const signingKey of [key, { ...key, sessionToken: 'FQoGZXIvYXdzEJr//////////wEaDM' }]) {
        const signed = await signRequest(URL_BASE, signingKey, request, { signingDate: date });
        const req = received(signed);
        const parsed = parseSignature(req)!;
        assert.equal(computeSignature(req, parsed, key.secretAccessKey), parsed.signature);
        verifySignature(req, parsed, key.secretAccessKey, date);
        assert.throws(() => verifySignature(req, parsed, 'other', date), { code: 'SignatureDoesNotMatch' });
      }
    }
  });

  it('joins the values of a repeated header with commas, as the oracle signs "a,b"', async () => {
    const date = new Date('2026-03-04T05:06:07Z');
    const signed = await signRequest(
      URL_BASE,
      key,
      { body: DESCRIBE_VPCS, headers: { 'x-amz-meta-list': 'a,b' } },
      { signingDate: date }
    );
    const { 'x-amz-meta-list': _list, ...rest } = signed.headers;
    const req = received({ ...signed, headers: rest });
    const split: SignedRequest = {
      ...req,
      rawHeaders: [...req.rawHeaders, 'X-Amz-Meta-List', 'a', 'x-amz-meta-list', 'b']
    };
    verifySignature(split, parseSignature(split)!, key.secretAccessKey, date);
  });

  it('verifies a presigned POST the oracle signed, body included', async () => {
    const date = new Date('2026-03-04T05:06:07Z');
    const presigned = await signer(key, {}).presign(
      {
        method: 'POST',
        protocol: 'http:',
        hostname: '127.0.0.1',
        port: 4566,
        path: '/',
        query: {},
        headers: { host: '127.0.0.1:4566' },
        body: DESCRIBE_VPCS
      },
      { signingDate: date, expiresIn: 600 }
    );
    const url = `/?${Object.entries(presigned.query as Record<string, string>)
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
      .join('&')}`;
    const req: SignedRequest = {
      method: 'POST',
      url,
      rawHeaders: ['host', '127.0.0.1:4566'],
      body: Buffer.from(DESCRIBE_VPCS)
    };
    const parsed = parseSignature(req)!;
    assert.equal(parsed.source, 'query');
    verifySignature(req, parsed, key.secretAccessKey, new Date(date.getTime() + 599_000));
    assert.throws(() => verifySignature(req, parsed, key.secretAccessKey, new Date(date.getTime() + 601_000)), {
      code: 'RequestExpired'
    });
    assert.throws(
      () => verifySignature({ ...req, body: Buffer.from('Action=DescribeSubnets') }, parsed, key.secretAccessKey, date),
      {
        code: 'SignatureDoesNotMatch'
      }
    );
  });
});
