import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DescribeSubnetsCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { Controls } from '../../src/control/controls.js';
import { parseThrottleFlag } from '../../src/control/settings.js';
import { control } from '../helpers/control.js';
import { type TestServer, assertSdkError, startTestServer } from '../helpers/ec2lite.js';

/**
 * Throttling (control/controls.ts): a token bucket per account and action, RATE tokens a second up to BURST,
 * answering RequestLimitExceeded (503) "Request limit exceeded." when empty; off by default.
 */

const LIMITED = 'Request limit exceeded.';

describe('throttling', () => {
  let server: TestServer;
  let other: EC2Client;

  before(async () => {
    server = await startTestServer({ throttle: { rate: 1, burst: 2 } });
    // A 12-digit access key is its own account in open mode: a second account with no credentials file.
    other = new EC2Client({
      endpoint: server.url,
      region: 'us-east-1',
      credentials: { accessKeyId: '222233334444', secretAccessKey: 'x' },
      maxAttempts: 1
    });
  });
  after(async () => {
    other.destroy();
    await server.close();
  });

  it('lets BURST calls through at once, then answers RequestLimitExceeded (503), per account and per action', async () => {
    const describe = () => server.ec2.send(new DescribeVpcsCommand({}));
    await describe();
    await describe();
    await assertSdkError(describe(), 'RequestLimitExceeded', LIMITED, 503);
    await server.ec2.send(new DescribeSubnetsCommand({}));
    await other.send(new DescribeVpcsCommand({}));
    const [call] = (await control(server, 'GET', '/calls?code=RequestLimitExceeded&limit=1')).json.calls;
    assert.equal(call.status, 503);
    assert.equal(call.action, 'DescribeVpcs');
  });

  it('is a throttle the AWS CLI recognises: it backs off and retries until a token is back', async () => {
    await control(server, 'POST', '/throttle', { rate: 2, burst: 1 });
    await server.ec2.send(new DescribeVpcsCommand({}));
    const result = await server.aws('ec2', 'describe-vpcs');
    assert.equal(result.code, 0, result.stderr);
    const calls = (await control(server, 'GET', '/calls?action=DescribeVpcs&limit=50')).json.calls;
    assert.ok(calls.some((c: { code?: string }) => c.code === 'RequestLimitExceeded'));
    assert.equal(calls.at(-1).status, 200);
  });

  it('refills RATE tokens a second', async () => {
    await control(server, 'POST', '/throttle', { rate: 2, burst: 1 });
    await server.ec2.send(new DescribeVpcsCommand({}));
    await assertSdkError(server.ec2.send(new DescribeVpcsCommand({})), 'RequestLimitExceeded', LIMITED, 503);
    await new Promise((resolve) => setTimeout(resolve, 600));
    await server.ec2.send(new DescribeVpcsCommand({}));
  });

  it('takes per-action rates, and turns off', async () => {
    const set = await control(server, 'POST', '/throttle', {
      rate: 1000,
      burst: 1000,
      actions: { 'Describe*': { rate: 1, burst: 1 } }
    });
    assert.deepEqual(set.json.throttle, { rate: 1000, burst: 1000, actions: { 'Describe*': { rate: 1, burst: 1 } } });
    await server.ec2.send(new DescribeSubnetsCommand({}));
    await assertSdkError(server.ec2.send(new DescribeSubnetsCommand({})), 'RequestLimitExceeded', LIMITED, 503);
    assert.equal((await server.json({ Action: 'CreateVpc', CidrBlock: '10.0.0.0/16' })).status, 200);
    const off = await control(server, 'DELETE', '/throttle');
    assert.deepEqual(off.json, { throttle: null });
    for (let i = 0; i < 5; i++) await server.ec2.send(new DescribeSubnetsCommand({}));
  });
});

describe('the token bucket', () => {
  it('holds at most BURST tokens and refills continuously', async () => {
    let now = 0;
    const controls = new Controls({ callLogSize: 10, throttle: { rate: 2, burst: 3 } }, () => now);
    // admit throws at once when a call is refused, and returns a promise only when it has to wait.
    const take = async (): Promise<boolean> => {
      try {
        await controls.admit('DescribeVpcs', '123456789012', {});
        return true;
      } catch {
        return false;
      }
    };
    assert.deepEqual([await take(), await take(), await take(), await take()], [true, true, true, false]);
    now += 499;
    assert.equal(await take(), false, 'half a second less a millisecond is not one token at 2/s');
    now += 1;
    assert.equal(await take(), true);
    now += 60_000;
    assert.deepEqual(
      [await take(), await take(), await take(), await take()],
      [true, true, true, false],
      'never more than BURST'
    );
  });

  it('reads --throttle RATE:BURST', () => {
    assert.deepEqual(parseThrottleFlag('10:20'), { rate: 10, burst: 20 });
    assert.deepEqual(parseThrottleFlag('0.5'), { rate: 0.5, burst: 1 });
    assert.throws(() => parseThrottleFlag('fast'), /--throttle takes RATE:BURST/);
    assert.throws(() => parseThrottleFlag('10:0'), /"burst" must be a whole number from 1/);
  });
});
