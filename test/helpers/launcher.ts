import assert from 'node:assert/strict';
import {
  DescribeInstancesCommand,
  type Instance,
  RunInstancesCommand,
  type RunInstancesCommandInput,
  type RunInstancesCommandOutput
} from '@aws-sdk/client-ec2';
import type { TestServer } from './ec2lite.js';

export interface Launcher {
  /** RunInstances of one instance (MinCount = MaxCount = 1) with the launcher's image and subnet, then `input`. */
  readonly run: (input: Partial<RunInstancesCommandInput>) => Promise<RunInstancesCommandOutput>;
  /** Launches one instance and returns it as RunInstances answered. */
  readonly launch: (input: Partial<RunInstancesCommandInput>) => Promise<Instance>;
  /** The instance as DescribeInstances shows it. */
  readonly describeInstance: (id: string) => Promise<Instance>;
}

/**
 * RunInstances helpers for a test file. The server and subnet are read at each call, so they may be set in the
 * file's `before` hook; without a subnet, RunInstances picks the default one.
 */
export function launcher(server: () => TestServer, options: { imageId: string; subnetId?: () => string }): Launcher {
  const run = (input: Partial<RunInstancesCommandInput>): Promise<RunInstancesCommandOutput> =>
    server().ec2.send(
      new RunInstancesCommand({
        ImageId: options.imageId,
        MinCount: 1,
        MaxCount: 1,
        ...(options.subnetId ? { SubnetId: options.subnetId() } : {}),
        ...input
      })
    );
  return {
    run,
    launch: async (input) => {
      const { Instances } = await run(input);
      assert.equal(Instances?.length, 1);
      return Instances[0]!;
    },
    describeInstance: async (id) => {
      const { Reservations } = await server().ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
      return Reservations![0]!.Instances![0]!;
    }
  };
}
