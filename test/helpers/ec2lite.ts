import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { EC2Client } from '@aws-sdk/client-ec2';
import { XMLParser } from 'fast-xml-parser';
import type { Ec2liteConfig } from '../../src/config.js';
import { type Emulator, startEmulator } from '../../src/emulator.js';

/** A throwaway ec2lite on a free port, with the real clients pointed at it. */
export interface TestServer {
  readonly emulator: Emulator;
  readonly url: string;
  readonly ec2: EC2Client;
  /** Runs Debian's AWS CLI v2 (`/usr/bin/aws ec2 …`) against the server. */
  aws(...args: string[]): Promise<CliResult>;
  /** The same CLI with other credentials (and region), e.g. a wrong secret. */
  awsAs(as: { accessKeyId: string; secretAccessKey: string; region?: string }, ...args: string[]): Promise<CliResult>;
  /** Sends a raw request; `body` as a form object, a string, or JSON. */
  raw(request: RawRequest): Promise<RawResponse>;
  /** Sends a Query (form) request and parses the XML answer with the SDK's parser settings. */
  query(params: Record<string, string | number | boolean>): Promise<RawResponse & { xml: any }>;
  /** Sends a JSON-face request. */
  json(body: unknown): Promise<RawResponse & { json: any }>;
  close(): Promise<void>;
}

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly json: any;
}

export interface RawRequest {
  readonly method?: string;
  readonly path?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

export const xmlParser = new XMLParser({ parseTagValue: false, ignoreAttributes: false });

/** The members of an EC2 XML list element (`<…Set><item>…</item></…Set>`) as parsed: none, one or several. */
export function items(set: unknown): any[] {
  const item = (set as { item?: unknown } | undefined)?.item;
  return item === undefined ? [] : Array.isArray(item) ? item : [item];
}

export const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

export async function startTestServer(overrides: Partial<Ec2liteConfig> = {}): Promise<TestServer> {
  const emulator = await startEmulator({ port: 0, ephemeral: true, ...overrides });
  const url = emulator.url;
  const ec2 = new EC2Client({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1 });
  const raw = async (request: RawRequest): Promise<RawResponse> => {
    const response = await fetch(url + (request.path ?? '/'), {
      method: request.method ?? 'POST',
      headers: request.headers ?? {},
      ...(request.body !== undefined
        ? { body: typeof request.body === 'string' ? request.body : new Uint8Array(request.body) }
        : {})
    });
    return { status: response.status, headers: response.headers, text: await response.text() };
  };
  return {
    emulator,
    url,
    ec2,
    aws: (...args) => runAws(url, args),
    awsAs: (as, ...args) => runAws(url, args, as),
    raw,
    async query(params) {
      const body = new URLSearchParams({
        Version: '2016-11-15',
        ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)]))
      });
      const response = await raw({
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: body.toString()
      });
      return { ...response, xml: xmlParser.parse(response.text) };
    },
    async json(body) {
      const response = await raw({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { ...response, json: JSON.parse(response.text) };
    },
    async close() {
      ec2.destroy();
      await emulator.close();
    }
  };
}

function runAws(
  url: string,
  args: string[],
  as: { accessKeyId: string; secretAccessKey: string; region?: string } = credentials
): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      '/usr/bin/aws',
      ['--endpoint-url', url, '--output', 'json', ...args],
      {
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: process.env.HOME ?? '/tmp',
          AWS_ACCESS_KEY_ID: as.accessKeyId,
          AWS_SECRET_ACCESS_KEY: as.secretAccessKey,
          AWS_DEFAULT_REGION: as.region ?? 'us-east-1',
          AWS_PAGER: '',
          AWS_EC2_METADATA_DISABLED: 'true',
          AWS_CONFIG_FILE: '/dev/null',
          AWS_SHARED_CREDENTIALS_FILE: '/dev/null'
        }
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        let json: unknown;
        try {
          json = stdout.trim() ? JSON.parse(stdout) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ code, stdout, stderr, json });
      }
    );
  });
}

/** Asserts that an SDK call fails with EC2's exact code, message and HTTP status. */
export async function assertSdkError(
  call: Promise<unknown>,
  code: string,
  message: string | RegExp,
  status = 400
): Promise<void> {
  await assert.rejects(call, (error: any) => {
    assert.equal(error.name, code, `code: ${error.name}: ${error.message}`);
    if (typeof message === 'string') assert.equal(error.message, message);
    else assert.match(error.message, message);
    assert.equal(error.$metadata?.httpStatusCode, status);
    return true;
  });
}

/** Asserts that an AWS CLI call failed with EC2's code and message, as the CLI prints them. */
export function assertCliError(result: CliResult, code: string, message: string): void {
  assert.notEqual(result.code, 0, `expected failure, got: ${result.stdout}`);
  assert.ok(
    result.stderr.includes(`An error occurred (${code})`) && result.stderr.includes(message),
    `stderr was: ${result.stderr}`
  );
}

/** Asserts a raw XML error response: status, code, message, request id in body and header. */
export function assertXmlError(response: RawResponse, status: number, code: string, message: string | RegExp): void {
  assert.equal(response.status, status, response.text);
  const xml = xmlParser.parse(response.text);
  const error = xml.Response?.Errors?.Error;
  assert.ok(error, `not an EC2 error body: ${response.text}`);
  assert.equal(error.Code, code);
  if (typeof message === 'string') assert.equal(error.Message, message);
  else assert.match(error.Message, message);
  assert.match(xml.Response.RequestID, /^[0-9a-f-]{36}$/);
  assert.equal(response.headers.get('x-amzn-requestid'), xml.Response.RequestID);
}
