import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { MetadataService } from '@aws-sdk/ec2-metadata-service';
import { type TestServer, startTestServer } from '../helpers/ec2lite.js';
import { launchInstance, metadataEndpoints } from '../helpers/imds.js';
import { VpcLab } from '../helpers/vpc-lab.js';

const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));

/** Runs `ec2lite …` from the sources. */
function ec2lite(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `import(${JSON.stringify(CLI)}).then((m) => m.main(process.argv.slice(1)))`,
        '--',
        ...args
      ],
      { env: { ...process.env, EC2LITE_ENDPOINT: '' } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr })
    );
  });
}

describe('finding an instance metadata endpoint', () => {
  let server: TestServer;
  let instanceId: string;

  before(async () => {
    server = await startTestServer({ imdsDelayMs: 0 });
    const subnet = await (await VpcLab.create(server)).subnet();
    instanceId = (await launchInstance(server, { SubnetId: subnet.id })).InstanceId!;
  });
  after(() => server.close());

  describe('control API: GET /_ec2lite/instances/{id}/metadata-endpoint', () => {
    it('answers JSON with the endpoint, the loopback form and the path form', async () => {
      const response = await fetch(`${server.url}/_ec2lite/instances/${instanceId}/metadata-endpoint`);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'application/json');
      const body = await response.json();
      assert.deepEqual(Object.keys(body).sort(), ['endpoint', 'instanceId', 'loopbackEndpoint', 'pathEndpoint']);
      assert.equal(body.instanceId, instanceId);
      assert.equal(body.pathEndpoint, `http://127.0.0.1:${server.emulator.imds.port}/${instanceId}`);
      // The same instance, the same address, every time.
      assert.deepEqual(await metadataEndpoints(server, instanceId), body);
    });

    it('answers 404 with EC2 codes for an unknown instance, 400 for a malformed id, 404 for other paths', async () => {
      const unknown = await fetch(`${server.url}/_ec2lite/instances/i-0123456789abcdef0/metadata-endpoint`);
      assert.equal(unknown.status, 404);
      assert.deepEqual(await unknown.json(), {
        error: { code: 'InvalidInstanceID.NotFound', message: "The instance ID 'i-0123456789abcdef0' does not exist" }
      });
      const malformed = await fetch(`${server.url}/_ec2lite/instances/vpc-123/metadata-endpoint`);
      assert.equal(malformed.status, 400);
      assert.equal((await malformed.json()).error.code, 'InvalidInstanceID.Malformed');
      assert.equal((await fetch(`${server.url}/_ec2lite/nothing`)).status, 404);
      assert.equal(
        (await fetch(`${server.url}/_ec2lite/instances/${instanceId}/metadata-endpoint`, { method: 'POST' })).status,
        405
      );
    });

    it('leaves EC2 requests on the same endpoint alone', async () => {
      const response = await server.query({ Action: 'DescribeInstances', 'InstanceId.1': instanceId });
      assert.equal(response.status, 200);
    });
  });

  describe('ec2lite metadata-endpoint', () => {
    it('prints the endpoint an unmodified SDK client can use', async () => {
      const result = await ec2lite('metadata-endpoint', instanceId, '--endpoint-url', server.url);
      assert.equal(result.code, 0, result.stderr);
      const endpoint = result.stdout.trim();
      assert.equal(result.stdout, `${endpoint}\n`);
      assert.equal(endpoint, (await metadataEndpoints(server, instanceId)).endpoint);
      assert.equal(
        await new MetadataService({ endpoint, retries: 0 }).request('/latest/meta-data/instance-id', {}),
        instanceId
      );
    });

    it('prints the path form or every form as JSON on request', async () => {
      const path = await ec2lite('metadata-endpoint', instanceId, '--endpoint-url', server.url, '--form', 'path');
      assert.equal(path.stdout, `${server.emulator.imds.url}/${instanceId}\n`);
      const json = await ec2lite('metadata-endpoint', '--json', instanceId, '--endpoint-url', server.url);
      assert.deepEqual(JSON.parse(json.stdout), await metadataEndpoints(server, instanceId));
    });

    it('fails with the EC2 error for an unknown instance, and with usage for no instance', async () => {
      const unknown = await ec2lite('metadata-endpoint', 'i-0123456789abcdef0', '--endpoint-url', server.url);
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /InvalidInstanceID\.NotFound: The instance ID 'i-0123456789abcdef0' does not exist/);
      const usage = await ec2lite('metadata-endpoint');
      assert.equal(usage.code, 2);
      assert.match(usage.stderr, /Usage: ec2lite metadata-endpoint/);
    });

    it('lists the metadata options in --help', async () => {
      const help = await ec2lite('--help');
      for (const flag of ['--imds-port', '--imds-host', '--imds-delay-ms', '--imds-linger-ms', 'metadata-endpoint']) {
        assert.ok(help.stdout.includes(flag), flag);
      }
    });
  });
});
