import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Instance, RunInstancesCommand, type RunInstancesCommandInput } from '@aws-sdk/client-ec2';
import { MetadataService } from '@aws-sdk/ec2-metadata-service';
import type { MetadataEndpoints } from '../../src/imds/imds-server.js';
import type { TestServer } from './ec2lite.js';

export const TOKEN_HEADER = 'x-aws-ec2-metadata-token';
export const TTL_HEADER = 'x-aws-ec2-metadata-token-ttl-seconds';

export interface ImdsResponse {
  readonly status: number;
  readonly text: string;
  readonly headers: Headers;
}

/** One raw request to a metadata endpoint; `path` is appended as is (so `//latest/…` stays doubled). */
export async function imdsRequest(
  endpoint: string,
  path: string,
  init: { method?: string; headers?: Record<string, string> } = {}
): Promise<ImdsResponse> {
  const response = await fetch(endpoint + path, { method: init.method ?? 'GET', headers: init.headers ?? {} });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

/** PUT /latest/api/token and returns the token, asserting the 200 and the echoed TTL. */
export async function imdsToken(endpoint: string, ttl = 21600): Promise<string> {
  const response = await imdsRequest(endpoint, '/latest/api/token', {
    method: 'PUT',
    headers: { [TTL_HEADER]: String(ttl) }
  });
  assert.equal(response.status, 200, response.text);
  assert.equal(response.headers.get(TTL_HEADER), String(ttl));
  return response.text;
}

/** GET with a fresh token (IMDSv2); the path under /latest/meta-data/ unless it starts with /latest. */
export async function imdsGet(endpoint: string, path: string): Promise<ImdsResponse> {
  const token = await imdsToken(endpoint);
  const full = path.startsWith('/latest') ? path : `/latest/meta-data/${path}`;
  return imdsRequest(endpoint, full, { headers: { [TOKEN_HEADER]: token } });
}

/** The value at `path`, asserting a 200. */
export async function imdsValue(endpoint: string, path: string): Promise<string> {
  const response = await imdsGet(endpoint, path);
  assert.equal(response.status, 200, `${path}: ${response.status} ${response.text}`);
  return response.text;
}

/** A newline list as an array; a 404 as an empty one. */
export async function imdsList(endpoint: string, path: string): Promise<string[]> {
  const response = await imdsGet(endpoint, path);
  if (response.status === 404) return [];
  assert.equal(response.status, 200, `${path}: ${response.status} ${response.text}`);
  return response.text === '' ? [] : response.text.split('\n');
}

/** The instance's metadata endpoints, from the control API of the EC2 endpoint. */
export async function metadataEndpoints(server: TestServer, instanceId: string): Promise<MetadataEndpoints> {
  const response = await fetch(`${server.url}/_ec2lite/instances/${instanceId}/metadata-endpoint`);
  assert.equal(response.status, 200);
  return (await response.json()) as MetadataEndpoints;
}

/** The SDK's own metadata client, configured with nothing but the endpoint URL (no retries, to fail fast). */
export function sdkMetadataClient(endpoint: string): MetadataService {
  return new MetadataService({ endpoint, retries: 0, httpOptions: { timeout: 2000 } });
}

/** Launches one instance and returns it as RunInstances answered (its interfaces carry their MACs). */
export async function launchInstance(server: TestServer, input: Partial<RunInstancesCommandInput>): Promise<Instance> {
  const { Instances } = await server.ec2.send(
    new RunInstancesCommand({
      ImageId: 'ami-0123456789abcdef0',
      InstanceType: 'm5.large',
      MinCount: 1,
      MaxCount: 1,
      ...input
    })
  );
  const instance = Instances?.[0];
  assert.ok(instance?.InstanceId);
  return instance;
}

/**
 * Polls `probe` until `done` holds; returns the value and the time (ms) the satisfying answer had arrived by.
 * Fails after `timeoutMs`.
 */
export async function eventually<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 10_000,
  everyMs = 25
): Promise<{ value: T; at: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    const at = Date.now();
    if (done(value)) return { value, at };
    if (at > deadline) assert.fail(`condition not reached in ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await sleep(everyMs);
  }
}
