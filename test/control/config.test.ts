import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CreateVpcCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { loadConfigFile, parseConfig } from '../../src/config-file.js';
import { assertSdkError } from '../helpers/ec2lite.js';

/**
 * The start-up config file (`ec2lite --config FILE`) and the CLI's --auth, --credentials and --throttle, run as
 * a real process and driven with the SDK.
 */

const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
const KEY = { accessKeyId: 'AKIDCONFIG0000000000', secretAccessKey: 'config-secret' };

interface Running {
  readonly child: ChildProcess;
  readonly url: string;
}

/** Starts `ec2lite ARGS` and waits for its "listening on" line. */
function startCli(args: string[]): Promise<Running> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `import(${JSON.stringify(CLI)}).then((m) => m.main(process.argv.slice(1)))`,
        '--',
        ...args
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }
      }
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve({ child, url: match[1]! });
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`ec2lite exited with ${code}: ${err}${out}`)));
  });
}

function runCli(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `import(${JSON.stringify(CLI)}).then((m) => m.main(process.argv.slice(1)))`,
        '--',
        ...args
      ],
      {
        stdio: ['ignore', 'ignore', 'pipe']
      }
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

async function stop(running: Running): Promise<void> {
  const exited = new Promise((resolve) => running.child.once('exit', resolve));
  running.child.kill('SIGTERM');
  await exited;
}

describe('the start-up config file', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ec2lite-config-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("reads every setting, resolving paths from the file's folder", () => {
    const file = join(dir, 'ec2lite.json');
    writeFileSync(
      file,
      JSON.stringify({
        port: 0,
        ephemeral: true,
        dataDir: 'state',
        accountId: '111122223333',
        auth: 'verify',
        credentialsFile: 'keys.ini',
        credentials: [{ ...KEY, policy: { deny: ['Delete*'] } }],
        throttle: { rate: 5, burst: 10, actions: { 'Describe*': { rate: 1, burst: 2 } } },
        faults: [{ action: 'CreateVpc', code: 'InternalError', sticky: true }],
        latency: [{ action: '*', ms: 5 }],
        prefixCapacity: ['subnet-0123456789abcdef0'],
        callLogSize: 50,
        store: 'postgres://localhost/ec2lite'
      })
    );
    const config = loadConfigFile(file);
    assert.equal(config.store, 'postgres://localhost/ec2lite');
    assert.equal(config.dataDir, join(dir, 'state'));
    assert.equal(config.credentialsFile, join(dir, 'keys.ini'));
    assert.deepEqual(config.credentials, [{ ...KEY, policy: { deny: ['Delete*'] } }]);
    assert.deepEqual(config.faults, [
      {
        action: 'CreateVpc',
        code: 'InternalError',
        message: 'An internal error has occurred. Retry your request, but if the problem persists, contact us.',
        status: 500,
        sticky: true
      }
    ]);
    assert.deepEqual(config.latency, [{ action: '*', ms: 5 }]);
    assert.equal(config.callLogSize, 50);
  });

  it('names the file and the setting at fault', () => {
    const cases: [unknown, RegExp][] = [
      [[], /the config is a JSON object/],
      [{ prot: 1 }, /unknown setting "prot" \(known: .*port/],
      [{ port: '4566' }, /"port" must be a whole number, not "4566"/],
      [{ ephemeral: 'yes' }, /"ephemeral" must be a boolean/],
      [{ auth: 'strict' }, /"auth" must be one of open, verify, not "strict"/],
      [{ placement: 'dense' }, /"placement" must be one of random, lowest/],
      [{ faults: {} }, /"faults" must be a list/],
      [{ faults: [{ action: '*' }] }, /"faults"\[0\]: "code" must be an EC2 error code/],
      [
        { credentials: [{ accessKeyId: 'A', secretAccessKey: 'b', accountId: '12' }] },
        /the account id of A must be 12 digits, not "12"/
      ],
      [{ prefixCapacity: ['sub-1'] }, /"prefixCapacity"\[0\] must be a subnet id/]
    ];
    for (const [value, message] of cases) assert.throws(() => parseConfig(value, 'ec2lite.json', dir), message);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ "port": ');
    assert.throws(() => loadConfigFile(broken), /broken\.json: not valid JSON/);
    assert.throws(() => loadConfigFile(join(dir, 'missing.json')), /cannot read the config file/);
  });
});

describe('the CLI', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ec2lite-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("starts from --config, with the file's keys, policy, faults and throttle, and options given on the command line win", async () => {
    const file = join(dir, 'ec2lite.json');
    writeFileSync(
      file,
      JSON.stringify({
        port: 4999,
        ephemeral: true,
        auth: 'verify',
        credentials: [{ ...KEY, accountId: '555566667777', policy: { deny: ['DeleteVpc'] } }],
        faults: [{ action: 'DescribeSubnets', code: 'Unavailable', sticky: true }],
        throttle: { rate: 1000, burst: 1000 }
      })
    );
    const running = await startCli(['--config', file, '--port', '0', '--throttle', '1:2']);
    const sdk = new EC2Client({ endpoint: running.url, region: 'us-east-1', credentials: KEY, maxAttempts: 1 });
    try {
      assert.doesNotMatch(running.url, /:4999$/, '--port wins over the file');
      const { Vpc } = await sdk.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
      assert.equal(Vpc?.OwnerId, '555566667777');
      await sdk.send(new DescribeVpcsCommand({}));
      await sdk.send(new DescribeVpcsCommand({}));
      await assertSdkError(
        sdk.send(new DescribeVpcsCommand({})),
        'RequestLimitExceeded',
        'Request limit exceeded.',
        503
      );
      const stranger = new EC2Client({
        endpoint: running.url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'AKIDX', secretAccessKey: 'y' },
        maxAttempts: 1
      });
      await assertSdkError(
        stranger.send(new DescribeVpcsCommand({})),
        'AuthFailure',
        'AWS was not able to validate the provided access credentials',
        401
      );
      stranger.destroy();
      const faults = await (await fetch(`${running.url}/_ec2lite/faults`)).json();
      assert.equal(faults.faults[0].code, 'Unavailable');
    } finally {
      sdk.destroy();
      await stop(running);
    }
  });

  it('takes --auth verify --credentials FILE', async () => {
    const keys = join(dir, 'credentials');
    writeFileSync(
      keys,
      `[default]\naws_access_key_id = ${KEY.accessKeyId}\naws_secret_access_key = ${KEY.secretAccessKey}\nec2lite_deny = Create*\n`
    );
    const running = await startCli(['--port', '0', '--ephemeral', '--auth', 'verify', '--credentials', keys]);
    const sdk = new EC2Client({ endpoint: running.url, region: 'us-east-1', credentials: KEY, maxAttempts: 1 });
    try {
      await sdk.send(new DescribeVpcsCommand({}));
      await assertSdkError(
        sdk.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' })),
        'UnauthorizedOperation',
        'You are not authorized to perform this operation.',
        403
      );
      const unsigned = await fetch(`${running.url}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'Action=DescribeVpcs&Version=2016-11-15'
      });
      assert.equal(unsigned.status, 400);
    } finally {
      sdk.destroy();
      await stop(running);
    }
  });

  it('refuses bad options and files with a message', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"auth": "strict"}');
    const cases: [string[], RegExp][] = [
      [['--config', bad], /"auth" must be one of open, verify/],
      [['--auth', 'strict', '--ephemeral'], /--auth takes one of open, verify, not 'strict'/],
      [['--throttle', 'fast', '--ephemeral'], /--throttle takes RATE:BURST/],
      [['--auth', 'verify', '--ephemeral', '--port', '0'], /auth verify needs access keys/],
      [['--credentials', join(dir, 'none'), '--ephemeral', '--port', '0'], /cannot read the credentials file/]
    ];
    for (const [args, message] of cases) {
      const result = await runCli(args);
      assert.notEqual(result.code, 0, args.join(' '));
      assert.match(result.stderr, message);
    }
  });
});
