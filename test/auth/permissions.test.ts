import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateVpcCommand, DeleteVpcCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { actionMatches, isActionAllowed, parsePolicy } from '../../src/auth/policy.js';
import { type TestServer, assertCliError, assertSdkError, startTestServer } from '../helpers/ec2lite.js';

/**
 * Permissions (auth/policy.ts): an optional policy per access key, checked right after authentication and before
 * anything is decoded or read, answering UnauthorizedOperation (403) in EC2's words; DryRun answers
 * DryRunOperation (412) with the permission and UnauthorizedOperation without it (spec §5).
 */

const DENIED = 'You are not authorized to perform this operation.';
const DRY_RUN = 'Request would have succeeded, but DryRun flag is set.';

const READER = {
  accessKeyId: 'AKIDREADER0000000000',
  secretAccessKey: 'reader-secret',
  policy: { allow: ['Describe*', 'AssignPrivateIpAddresses'], deny: ['Delete*'] }
};
const NO_DELETE = {
  accessKeyId: 'AKIDNODELETE00000000',
  secretAccessKey: 'nodelete-secret',
  policy: { deny: ['ec2:delete*'] }
};
const ADMIN = { accessKeyId: 'AKIDADMIN00000000000', secretAccessKey: 'admin-secret' };

describe('permissions', () => {
  let server: TestServer;
  const clients: EC2Client[] = [];
  const as = (key: { accessKeyId: string; secretAccessKey: string }): EC2Client => {
    const c = new EC2Client({ endpoint: server.url, region: 'us-east-1', credentials: key, maxAttempts: 1 });
    clients.push(c);
    return c;
  };

  before(async () => {
    server = await startTestServer({ auth: 'verify', credentials: [READER, NO_DELETE, ADMIN] });
  });
  after(async () => {
    for (const c of clients) c.destroy();
    await server.close();
  });

  it('allows what the policy allows and answers anything else with UnauthorizedOperation (403)', async () => {
    const reader = as(READER);
    const { Vpcs } = await reader.send(new DescribeVpcsCommand({}));
    assert.ok(Vpcs!.length >= 1);
    await assertSdkError(
      reader.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' })),
      'UnauthorizedOperation',
      DENIED,
      403
    );
    assertCliError(
      await server.awsAs(READER, 'ec2', 'create-vpc', '--cidr-block', '10.0.0.0/16'),
      'UnauthorizedOperation',
      DENIED
    );
    const cli = await server.awsAs(READER, 'ec2', 'describe-vpcs');
    assert.equal(cli.code, 0, cli.stderr);
  });

  it('denies before anything is read or checked: no NotFound, no Malformed, and nothing changes', async () => {
    const { Vpc } = await as(ADMIN).send(new CreateVpcCommand({ CidrBlock: '10.5.0.0/16' }));
    const noDelete = as(NO_DELETE);
    await assertSdkError(
      noDelete.send(new DeleteVpcCommand({ VpcId: Vpc!.VpcId })),
      'UnauthorizedOperation',
      DENIED,
      403
    );
    await assertSdkError(
      noDelete.send(new DeleteVpcCommand({ VpcId: 'vpc-0000000000000000f' })),
      'UnauthorizedOperation',
      DENIED,
      403
    );
    await assertSdkError(
      noDelete.send(new DeleteVpcCommand({ VpcId: 'not-an-id' })),
      'UnauthorizedOperation',
      DENIED,
      403
    );
    const { Vpcs } = await noDelete.send(new DescribeVpcsCommand({ VpcIds: [Vpc!.VpcId!] }));
    assert.equal(Vpcs?.length, 1, 'the denied delete changed nothing');
    // A deny list alone leaves everything else allowed.
    const { Vpc: own } = await noDelete.send(new CreateVpcCommand({ CidrBlock: '10.6.0.0/16' }));
    assert.ok(own?.VpcId);
  });

  it('answers DryRun with DryRunOperation (412) when allowed and UnauthorizedOperation (403) when not', async () => {
    const reader = as(READER);
    await assertSdkError(reader.send(new DescribeVpcsCommand({ DryRun: true })), 'DryRunOperation', DRY_RUN, 412);
    await assertSdkError(
      reader.send(new CreateVpcCommand({ CidrBlock: '10.7.0.0/16', DryRun: true })),
      'UnauthorizedOperation',
      DENIED,
      403
    );
    await assertSdkError(
      as(ADMIN).send(new CreateVpcCommand({ CidrBlock: '10.7.0.0/16', DryRun: true })),
      'DryRunOperation',
      DRY_RUN,
      412
    );
  });

  it('records the refusal in the call log', async () => {
    await assertSdkError(
      as(READER).send(new CreateVpcCommand({ CidrBlock: '10.8.0.0/16' })),
      'UnauthorizedOperation',
      DENIED,
      403
    );
    const [call] = server.emulator.controls.calls({ action: 'CreateVpc', limit: 1 }).calls;
    assert.equal(call?.status, 403);
    assert.equal(call?.code, 'UnauthorizedOperation');
    assert.equal(call?.accessKeyId, READER.accessKeyId);
    assert.deepEqual(call?.params, { CidrBlock: '10.8.0.0/16' });
  });
});

describe('permissions in open mode', () => {
  it('apply to keys of the credentials file, while any other key may do anything', async () => {
    const server = await startTestServer({ credentials: [{ ...READER, secretAccessKey: 'unchecked' }] });
    const reader = new EC2Client({ endpoint: server.url, region: 'us-east-1', credentials: READER, maxAttempts: 1 });
    try {
      await assertSdkError(
        reader.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' })),
        'UnauthorizedOperation',
        DENIED,
        403
      );
      const response = await server.json({ Action: 'CreateVpc', CidrBlock: '10.1.0.0/16' });
      assert.equal(response.status, 200);
    } finally {
      reader.destroy();
      await server.close();
    }
  });
});

describe('policy patterns', () => {
  it('match action names with * and ?, without regard to case, with or without ec2:', () => {
    assert.ok(actionMatches('Describe*', 'DescribeNetworkInterfaces'));
    assert.ok(actionMatches('ec2:describe*', 'DescribeVpcs'));
    assert.ok(actionMatches('*', 'AssignPrivateIpAddresses'));
    assert.ok(actionMatches('?escribeVpcs', 'DescribeVpcs'));
    assert.ok(!actionMatches('Describe*', 'CreateVpc'));
    assert.ok(!actionMatches('DescribeVpc', 'DescribeVpcs'), 'no pattern, no prefix match');
    assert.ok(!actionMatches('Describe.pcs', 'DescribeVpcs'), 'a dot is a dot');
  });

  it('let an explicit deny win, and allow everything not denied without an allow list', () => {
    assert.equal(isActionAllowed({ allow: ['*'], deny: ['Delete*'] }, 'DeleteVpc'), false);
    assert.equal(isActionAllowed({ allow: ['*'], deny: ['Delete*'] }, 'CreateVpc'), true);
    assert.equal(isActionAllowed({ deny: ['Delete*'] }, 'CreateVpc'), true);
    assert.equal(isActionAllowed({ allow: [] }, 'DescribeVpcs'), false);
    assert.equal(isActionAllowed({}, 'DescribeVpcs'), true);
  });

  it('are checked when read', () => {
    assert.throws(() => parsePolicy({ allow: 'Describe*' }, 'key'), /"allow" is a list/);
    assert.throws(() => parsePolicy({ allow: ['Describe Vpcs'] }, 'key'), /"allow" is a list/);
    assert.throws(() => parsePolicy({ grant: ['*'] }, 'key'), /only "allow" and "deny", not "grant"/);
    assert.throws(() => parsePolicy(['*'], 'key'), /a policy is an object/);
    assert.deepEqual(parsePolicy({ deny: ['ec2:Delete*'] }, 'key'), { deny: ['ec2:Delete*'] });
  });
});
