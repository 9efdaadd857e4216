import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { type Socket, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import {
  CreateNetworkInterfaceCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeNetworkInterfacesCommand
} from '@aws-sdk/client-ec2';
import { type ChildServer, runCheck, startChildServer } from '../helpers/child-server.js';
import { xmlParser } from '../helpers/ec2lite.js';

/**
 * Graceful shutdown (issue part 7): on SIGTERM or SIGINT ec2lite stops accepting connections, finishes the
 * requests it has already received, commits and closes the store, and exits 0.
 */

function open(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Everything the server sends until it closes the connection. */
function collect(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(text));
  });
}

function parseResponse(text: string): { status: number; headers: Map<string, string>; body: string } {
  const [head, ...rest] = text.split('\r\n\r\n');
  const [statusLine, ...lines] = head!.split('\r\n');
  const headers = new Map(
    lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()])
  );
  return { status: Number(statusLine!.split(' ')[1]), headers, body: rest.join('\r\n\r\n') };
}

async function refusesConnections(url: string): Promise<boolean> {
  try {
    (await open(url)).destroy();
    return false;
  } catch (error) {
    return (error as { code?: string }).code === 'ECONNREFUSED';
  }
}

describe('graceful shutdown', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'ec2lite-shutdown-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  async function serverWithInterface(
    dataDir: string,
    ...args: string[]
  ): Promise<{ server: ChildServer; eniId: string }> {
    const server = await startChildServer(['--data', dataDir, ...args]);
    const ec2 = server.client();
    try {
      const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.30.0.0/16' }));
      const { Subnet } = await ec2.send(new CreateSubnetCommand({ VpcId: Vpc!.VpcId!, CidrBlock: '10.30.1.0/24' }));
      const { NetworkInterface } = await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: Subnet!.SubnetId! }));
      return { server, eniId: NetworkInterface!.NetworkInterfaceId! };
    } finally {
      ec2.destroy();
    }
  }

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`on ${signal}: refuses new connections, answers the slow request in flight with 200, keeps its change and exits 0`, async () => {
      const dataDir = join(root, signal);
      const { server, eniId } = await serverWithInterface(dataDir);
      // An idle keep-alive connection must not hold the shutdown up.
      const idle = await open(server.url);
      const idleClosed = collect(idle);
      idle.write(`GET /?Action=DescribeVpcs&Version=2016-11-15 HTTP/1.1\r\nhost: ec2lite\r\n\r\n`);

      // A request whose body is still arriving when the signal comes.
      const body = `Action=AssignPrivateIpAddresses&Version=2016-11-15&NetworkInterfaceId=${eniId}&SecondaryPrivateIpAddressCount=2`;
      const slow = await open(server.url);
      const answer = collect(slow);
      slow.write(
        `POST / HTTP/1.1\r\nhost: ec2lite\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: ${body.length}\r\n\r\n` +
          body.slice(0, 40)
      );
      await sleep(300);
      const signalledAt = Date.now();
      server.process.kill(signal);
      await sleep(300);
      assert.ok(await refusesConnections(server.url), 'still accepting connections after the signal');
      slow.write(body.slice(40));

      const response = parseResponse(await answer);
      assert.equal(response.status, 200, response.body);
      assert.equal(response.headers.get('connection'), 'close');
      const assigned = xmlParser.parse(response.body).AssignPrivateIpAddressesResponse.assignedPrivateIpAddressesSet
        .item;
      assert.equal(assigned.length, 2);
      const exit = await server.exited;
      assert.deepEqual(exit, { code: 0, signal: null }, server.output().stderr);
      assert.ok(Date.now() - signalledAt < 5_000, `took ${Date.now() - signalledAt} ms to stop`);
      assert.match(parseResponse(await idleClosed).body, /DescribeVpcsResponse/);

      // The change answered during the shutdown was committed before the exit.
      const check = await runCheck(dataDir);
      assert.equal(check.code, 0, check.stdout + check.stderr);
      const again = await startChildServer(['--data', dataDir]);
      const ec2 = again.client();
      try {
        const { NetworkInterfaces } = await ec2.send(
          new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eniId] })
        );
        const held = NetworkInterfaces![0]!.PrivateIpAddresses!.map((a) => a.PrivateIpAddress);
        for (const item of assigned) assert.ok(held.includes(item.privateIpAddress), `${item.privateIpAddress} lost`);
      } finally {
        ec2.destroy();
        again.process.kill('SIGTERM');
        assert.equal((await again.exited).code, 0);
      }
    });
  }

  it('cuts off a client that never finishes its body, and still exits 0', async () => {
    const dataDir = join(root, 'stalled');
    const { server, eniId } = await serverWithInterface(
      dataDir,
      '--request-timeout-ms',
      '1500',
      '--headers-timeout-ms',
      '1000'
    );
    const stalled = await open(server.url);
    const closed = collect(stalled);
    stalled.write(
      `POST / HTTP/1.1\r\nhost: ec2lite\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: 500\r\n\r\nAction=Assign` +
        `PrivateIpAddresses&NetworkInterfaceId=${eniId}`
    );
    await sleep(100);
    const signalledAt = Date.now();
    server.process.kill('SIGTERM');
    assert.deepEqual(await server.exited, { code: 0, signal: null }, server.output().stderr);
    assert.ok(Date.now() - signalledAt < 4_000, `took ${Date.now() - signalledAt} ms to stop`);
    await closed;
    const check = await runCheck(dataDir);
    assert.equal(check.code, 0, check.stdout + check.stderr);
  });
});
