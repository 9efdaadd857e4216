// RunInstances helpers the action tests share.
import assert from 'node:assert/strict';
import {
  DescribeInstancesCommand,
  type Instance,
  type Reservation,
  RunInstancesCommand,
  type RunInstancesCommandInput,
  type RunInstancesCommandOutput
} from '@aws-sdk/client-ec2';
import type { CliResult, RawResponse, TestServer } from './ec2lite.js';

/** Query parameters; one set to undefined is left out, so that a default of the launcher can be dropped. */
export type QueryParams = Record<string, string | number | boolean | undefined>;

export interface Launcher {
  /** RunInstances of one instance (MinCount = MaxCount = 1) with the launcher's image and subnet, then `input`. */
  readonly run: (input: Partial<RunInstancesCommandInput>) => Promise<RunInstancesCommandOutput>;
  /** Launches one instance and returns it as RunInstances answered. */
  readonly launch: (input: Partial<RunInstancesCommandInput>) => Promise<Instance>;
  /** The instance as DescribeInstances shows it. */
  readonly describeInstance: (id: string) => Promise<Instance>;
  /** The same request as `run` on the Query face, then `params`; a parameter set to undefined is left out. */
  readonly query: (params: QueryParams) => Promise<RawResponse & { xml: any }>;
  /** The same request as `run` on the JSON face, then `body`; a member set to undefined is left out. */
  readonly json: (body: Record<string, unknown>) => Promise<RawResponse & { json: any }>;
  /** The AWS CLI's `ec2 run-instances` with the launcher's image and subnet, then `args`. */
  readonly cli: (...args: string[]) => Promise<CliResult>;
  /** The reservations DescribeInstances lists under the filter `name` = any of `values`, as the SDK parsed them. */
  readonly reservationsWhere: (name: string, ...values: string[]) => Promise<Reservation[] | undefined>;
  /** The instances of those reservations. */
  readonly instancesWhere: (name: string, ...values: string[]) => Promise<Instance[]>;
}

/**
 * RunInstances helpers for a test file. The server and subnet are read at each call, so they may be set in the
 * file's `before` hook; without a subnet, RunInstances picks the default one.
 */
export function launcher(server: () => TestServer, options: { imageId: string; subnetId?: () => string }): Launcher {
  /** One instance of the image, in the subnet if there is one: what every face below starts from. */
  const defaults = () => ({
    ImageId: options.imageId,
    MinCount: 1,
    MaxCount: 1,
    ...(options.subnetId ? { SubnetId: options.subnetId() } : {})
  });
  const run = (input: Partial<RunInstancesCommandInput>): Promise<RunInstancesCommandOutput> =>
    server().ec2.send(new RunInstancesCommand({ ...defaults(), ...input }));
  const query = (params: QueryParams) => {
    const all: QueryParams = { Action: 'RunInstances', ...defaults(), ...params };
    const given = Object.entries(all).filter((e): e is [string, string | number | boolean] => e[1] !== undefined);
    return server().query(Object.fromEntries(given));
  };
  const reservationsWhere = async (name: string, ...values: string[]) =>
    (await server().ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: name, Values: values }] }))).Reservations;
  const cli = (...args: string[]) => {
    const subnetArgs = options.subnetId ? ['--subnet-id', options.subnetId()] : [];
    return server().aws('ec2', 'run-instances', '--image-id', options.imageId, ...subnetArgs, ...args);
  };
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
    },
    query,
    json: (body) => server().json({ Action: 'RunInstances', ...defaults(), ...body }),
    cli,
    reservationsWhere,
    instancesWhere: async (name, ...values) =>
      ((await reservationsWhere(name, ...values)) ?? []).flatMap((r) => r.Instances ?? [])
  };
}
