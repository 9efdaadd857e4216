import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { MetadataService } from '@aws-sdk/ec2-metadata-service';
import type { MetadataEndpoints } from '../../src/imds/imds-server.js';
import { type TestServer, startTestServer } from '../helpers/ec2lite.js';
import {
  TOKEN_HEADER,
  TTL_HEADER,
  imdsRequest,
  imdsToken,
  launchInstance,
  metadataEndpoints,
  sdkMetadataClient
} from '../helpers/imds.js';
import { VpcLab } from '../helpers/vpc-lab.js';

const INSTANCE_ID_PATH = '/latest/meta-data/instance-id';

describe('IMDS: IMDSv2 tokens, IMDSv1 and who may read', () => {
  let server: TestServer;
  /** HttpTokens optional (the RunInstances default), required, and HttpEndpoint disabled. */
  let optional: { id: string; endpoints: MetadataEndpoints };
  let required: { id: string; endpoints: MetadataEndpoints };
  let disabled: { id: string; endpoints: MetadataEndpoints };

  before(async () => {
    server = await startTestServer({ imdsDelayMs: 0 });
    const subnet = await (await VpcLab.create(server)).subnet();
    const launch = async (MetadataOptions: {
      HttpTokens?: 'optional' | 'required';
      HttpEndpoint?: 'enabled' | 'disabled';
    }) => {
      const instance = await launchInstance(server, { SubnetId: subnet.id, MetadataOptions });
      return { id: instance.InstanceId!, endpoints: await metadataEndpoints(server, instance.InstanceId!) };
    };
    optional = await launch({});
    required = await launch({ HttpTokens: 'required' });
    disabled = await launch({ HttpEndpoint: 'disabled' });
  });
  after(() => server.close());

  /** Both ways to reach an instance: its own loopback address and the path prefix on 127.0.0.1. */
  const forms = (endpoints: MetadataEndpoints): [string, string][] => [
    ['loopback', endpoints.loopbackEndpoint!],
    ['path', endpoints.pathEndpoint]
  ];

  describe('serving', () => {
    it('names each instance a loopback endpoint of its own and a path endpoint on the shared address', () => {
      const { endpoints } = optional;
      assert.equal(endpoints.instanceId, optional.id);
      assert.match(endpoints.loopbackEndpoint!, /^http:\/\/127\.\d+\.\d+\.\d+:\d+$/);
      assert.equal(endpoints.endpoint, endpoints.loopbackEndpoint);
      assert.equal(endpoints.pathEndpoint, `${server.emulator.imds.url}/${optional.id}`);
      assert.notEqual(endpoints.loopbackEndpoint, required.endpoints.loopbackEndpoint);
      assert.equal(new URL(endpoints.loopbackEndpoint!).port, String(server.emulator.imds.port));
    });

    it('mints a token on PUT /latest/api/token, echoing the TTL, and reads with it', async () => {
      for (const [form, endpoint] of forms(optional.endpoints)) {
        const put = await imdsRequest(endpoint, '/latest/api/token', {
          method: 'PUT',
          headers: { [TTL_HEADER]: '300' }
        });
        assert.equal(put.status, 200, form);
        assert.equal(put.headers.get(TTL_HEADER), '300', form);
        assert.match(put.headers.get('content-type') ?? '', /^text\/plain/);
        assert.ok(put.text.length >= 20 && !/\s/.test(put.text), `${form}: an opaque token, got ${put.text}`);
        const get = await imdsRequest(endpoint, INSTANCE_ID_PATH, { headers: { [TOKEN_HEADER]: put.text } });
        assert.equal(get.status, 200, form);
        assert.equal(get.text, optional.id);
      }
    });

    it('accepts TTLs of 1 and 21600 seconds', async () => {
      for (const ttl of [1, 21600]) {
        const token = await imdsToken(optional.endpoints.endpoint, ttl);
        const get = await imdsRequest(optional.endpoints.endpoint, INSTANCE_ID_PATH, {
          headers: { [TOKEN_HEADER]: token }
        });
        assert.equal(get.status, 200);
      }
    });

    it('answers 400 for a missing or bad TTL', async () => {
      for (const ttl of [undefined, '0', '21601', '-5', '1.5', 'abc', '']) {
        const headers: Record<string, string> = ttl === undefined ? {} : { [TTL_HEADER]: ttl };
        const put = await imdsRequest(optional.endpoints.endpoint, '/latest/api/token', { method: 'PUT', headers });
        assert.equal(put.status, 400, `TTL ${ttl}`);
      }
    });

    it('collapses repeated slashes, as the JS SDK sends //latest/…', async () => {
      const token = await imdsToken(optional.endpoints.endpoint);
      for (const path of [
        '//latest/meta-data/instance-id',
        '/latest//meta-data///instance-id',
        '///latest/meta-data/instance-id/'
      ]) {
        const get = await imdsRequest(optional.endpoints.endpoint, path, { headers: { [TOKEN_HEADER]: token } });
        assert.equal(get.status, 200, path);
        assert.equal(get.text, optional.id);
      }
      const prefixed = await imdsRequest(server.emulator.imds.url, `//${optional.id}//latest/meta-data/instance-id`, {
        headers: { [TOKEN_HEADER]: await imdsToken(optional.endpoints.pathEndpoint) }
      });
      assert.equal(prefixed.text, optional.id);
    });

    it('answers HEAD like GET without a body', async () => {
      const token = await imdsToken(optional.endpoints.endpoint);
      const head = await imdsRequest(optional.endpoints.endpoint, INSTANCE_ID_PATH, {
        method: 'HEAD',
        headers: { [TOKEN_HEADER]: token }
      });
      assert.equal(head.status, 200);
      assert.equal(head.text, '');
      assert.equal(head.headers.get('content-length'), String(optional.id.length));
    });

    it('answers well under the SDK timeout of 500 ms', async () => {
      const token = await imdsToken(optional.endpoints.endpoint);
      let slowest = 0;
      for (let i = 0; i < 50; i++) {
        const started = performance.now();
        const get = await imdsRequest(optional.endpoints.endpoint, '/latest/meta-data/network/interfaces/macs/', {
          headers: { [TOKEN_HEADER]: token }
        });
        assert.equal(get.status, 200);
        slowest = Math.max(slowest, performance.now() - started);
      }
      assert.ok(slowest < 250, `slowest answer took ${slowest.toFixed(1)} ms`);
    });
  });

  describe('refusals', () => {
    it('answers 401 to an expired token', async () => {
      const token = await imdsToken(optional.endpoints.endpoint, 1);
      await sleep(1100);
      const get = await imdsRequest(optional.endpoints.endpoint, INSTANCE_ID_PATH, {
        headers: { [TOKEN_HEADER]: token }
      });
      assert.equal(get.status, 401);
      assert.match(get.text, /401 - Unauthorized/);
    });

    it('answers 401 to a token another instance minted, in either form', async () => {
      for (const [form, endpoint] of forms(optional.endpoints)) {
        const foreign = await imdsToken(forms(required.endpoints).find(([f]) => f === form)![1]);
        const get = await imdsRequest(endpoint, INSTANCE_ID_PATH, { headers: { [TOKEN_HEADER]: foreign } });
        assert.equal(get.status, 401, form);
      }
      // Minted at one instance's address, shown at another's path: still foreign.
      const fromAddress = await imdsToken(required.endpoints.loopbackEndpoint!);
      const get = await imdsRequest(optional.endpoints.pathEndpoint, INSTANCE_ID_PATH, {
        headers: { [TOKEN_HEADER]: fromAddress }
      });
      assert.equal(get.status, 401);
    });

    it('answers 401 to a made-up or tampered token, even where IMDSv1 is allowed', async () => {
      const good = await imdsToken(optional.endpoints.endpoint);
      for (const token of ['nonsense', `${good}x`, `x${good.slice(1)}`, '']) {
        const get = await imdsRequest(optional.endpoints.endpoint, INSTANCE_ID_PATH, {
          headers: { [TOKEN_HEADER]: token }
        });
        assert.equal(get.status, 401, `token ${JSON.stringify(token)}`);
      }
    });

    it('takes a token minted at the shared root for path reads only, not at an instance address', async () => {
      const shared = await imdsToken(server.emulator.imds.url);
      const byPath = await imdsRequest(required.endpoints.pathEndpoint, INSTANCE_ID_PATH, {
        headers: { [TOKEN_HEADER]: shared }
      });
      assert.equal(byPath.status, 200);
      assert.equal(byPath.text, required.id);
      const atAddress = await imdsRequest(required.endpoints.loopbackEndpoint!, INSTANCE_ID_PATH, {
        headers: { [TOKEN_HEADER]: shared }
      });
      assert.equal(atAddress.status, 401);
    });

    it('refuses a token PUT that carries X-Forwarded-For with 403', async () => {
      const put = await imdsRequest(optional.endpoints.endpoint, '/latest/api/token', {
        method: 'PUT',
        headers: { [TTL_HEADER]: '300', 'x-forwarded-for': '203.0.113.7' }
      });
      assert.equal(put.status, 403);
    });

    it('answers 403 to a token PUT on a versioned path and 405 to other methods and paths', async () => {
      const endpoint = optional.endpoints.endpoint;
      const versioned = await imdsRequest(endpoint, '/2021-03-23/api/token', {
        method: 'PUT',
        headers: { [TTL_HEADER]: '300' }
      });
      assert.equal(versioned.status, 403);
      const elsewhere = await imdsRequest(endpoint, '/latest/meta-data/instance-id', {
        method: 'PUT',
        headers: { [TTL_HEADER]: '300' }
      });
      assert.equal(elsewhere.status, 405);
      const post = await imdsRequest(endpoint, INSTANCE_ID_PATH, { method: 'POST' });
      assert.equal(post.status, 405);
      assert.equal(post.headers.get('allow'), 'GET, HEAD, PUT');
    });

    it('answers 404 where no instance is named or the instance does not exist', async () => {
      const shared = await imdsRequest(server.emulator.imds.url, INSTANCE_ID_PATH);
      assert.equal(shared.status, 404);
      const unknown = await imdsRequest(server.emulator.imds.url, `/i-0123456789abcdef0${INSTANCE_ID_PATH}`);
      assert.equal(unknown.status, 404);
      const nobody = await imdsRequest(`http://127.254.255.254:${server.emulator.imds.port}`, INSTANCE_ID_PATH);
      assert.equal(nobody.status, 404);
    });

    it('has no metadata for a terminated instance', async () => {
      const subnet = await (await VpcLab.create(server, '10.9.0.0/16')).subnet();
      const doomed = await launchInstance(server, { SubnetId: subnet.id });
      const endpoints = await metadataEndpoints(server, doomed.InstanceId!);
      assert.equal((await imdsRequest(endpoints.endpoint, INSTANCE_ID_PATH)).status, 200);
      await server.ec2.send(new TerminateInstancesCommand({ InstanceIds: [doomed.InstanceId!] }));
      assert.equal((await imdsRequest(endpoints.endpoint, INSTANCE_ID_PATH)).status, 404);
      const put = await imdsRequest(endpoints.pathEndpoint, '/latest/api/token', {
        method: 'PUT',
        headers: { [TTL_HEADER]: '60' }
      });
      assert.equal(put.status, 404);
    });
  });

  describe('IMDSv1 and HttpTokens', () => {
    it('answers a GET without a token when HttpTokens is optional', async () => {
      for (const [form, endpoint] of forms(optional.endpoints)) {
        const get = await imdsRequest(endpoint, INSTANCE_ID_PATH);
        assert.equal(get.status, 200, form);
        assert.equal(get.text, optional.id);
      }
    });

    it('answers 401 to a GET without a token when HttpTokens is required, and 200 with one', async () => {
      for (const [form, endpoint] of forms(required.endpoints)) {
        assert.equal((await imdsRequest(endpoint, INSTANCE_ID_PATH)).status, 401, form);
        const token = await imdsToken(endpoint);
        const get = await imdsRequest(endpoint, INSTANCE_ID_PATH, { headers: { [TOKEN_HEADER]: token } });
        assert.equal(get.status, 200, form);
        assert.equal(get.text, required.id);
      }
    });

    it('lets the SDK metadata client read an IMDSv2-only instance with nothing but its endpoint URL', async () => {
      for (const [form, endpoint] of forms(required.endpoints)) {
        const client = sdkMetadataClient(endpoint);
        assert.equal(await client.request('/latest/meta-data/instance-id', {}), required.id, form);
        assert.equal(typeof (await client.fetchMetadataToken()), 'string');
      }
    });

    it('lets an SDK client with IMDSv1 (no token fetching) read an instance where HttpTokens is optional only', async () => {
      const v1 = (endpoint: string) => new MetadataService({ endpoint, retries: 0, disableFetchToken: true });
      assert.equal(await v1(optional.endpoints.endpoint).request('/latest/meta-data/instance-id', {}), optional.id);
      await assert.rejects(
        v1(required.endpoints.endpoint).request('/latest/meta-data/instance-id', {}),
        (error: any) => {
          assert.equal(error.$metadata?.httpStatusCode, 401);
          return true;
        }
      );
    });
  });

  describe('HttpEndpoint disabled', () => {
    it('answers 403 to token PUTs and to reads, in either form', async () => {
      for (const [form, endpoint] of forms(disabled.endpoints)) {
        const put = await imdsRequest(endpoint, '/latest/api/token', {
          method: 'PUT',
          headers: { [TTL_HEADER]: '300' }
        });
        assert.equal(put.status, 403, form);
        assert.equal((await imdsRequest(endpoint, INSTANCE_ID_PATH)).status, 403, form);
      }
      const shared = await imdsToken(server.emulator.imds.url);
      const get = await imdsRequest(disabled.endpoints.pathEndpoint, INSTANCE_ID_PATH, {
        headers: { [TOKEN_HEADER]: shared }
      });
      assert.equal(get.status, 403);
    });

    it('makes the SDK client fail with 403', async () => {
      await assert.rejects(
        sdkMetadataClient(disabled.endpoints.endpoint).request('/latest/meta-data/instance-id', {}),
        (error: any) => {
          assert.equal(error.$metadata?.httpStatusCode, 403);
          return true;
        }
      );
    });
  });
});
