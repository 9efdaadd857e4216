import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { control } from '../helpers/control.js';
import { type TestServer, startTestServer } from '../helpers/ec2lite.js';

/**
 * The control API's answers to bad input: always JSON `{"error":{"code","message"}}` with a 4xx status, never a
 * 500, and nothing changed.
 */

describe('control API input', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('lists its endpoints at /_ec2lite', async () => {
    const index = await control(server, 'GET', '');
    assert.equal(index.status, 200);
    assert.ok(index.json.endpoints.includes('POST /_ec2lite/reset'));
  });

  it('answers bad requests with exact JSON errors', async () => {
    const cases: [string, string, unknown, number, string, string | RegExp][] = [
      ['POST', '/faults', '{"action": ', 400, 'InvalidJson', /^The body is not valid JSON: /],
      [
        'POST',
        '/faults',
        undefined,
        400,
        'InvalidRequest',
        'The body must be a JSON object, a list of them, or {"faults": [...]}.'
      ],
      [
        'POST',
        '/faults',
        { action: 'DescribeVpcs' },
        400,
        'InvalidRequest',
        'fault: "code" must be an EC2 error code such as "InsufficientFreeAddressesInSubnet"'
      ],
      [
        'POST',
        '/faults',
        { action: 'Describe Vpcs', code: 'X' },
        400,
        'InvalidRequest',
        'fault: "action" must be an action name or a pattern such as "*" or "Describe*"'
      ],
      [
        'POST',
        '/faults',
        { action: '*', code: 'X', status: 200 },
        400,
        'InvalidRequest',
        'fault: "status" must be a whole number from 400 to 599, not 200'
      ],
      [
        'POST',
        '/faults',
        { action: '*', code: 'X', count: 0 },
        400,
        'InvalidRequest',
        'fault: "count" must be a whole number from 1 to 1000000, not 0'
      ],
      [
        'POST',
        '/faults',
        { action: '*', code: 'X', count: 2, sticky: true },
        400,
        'InvalidRequest',
        'fault: give "count" or "sticky": true, not both'
      ],
      [
        'POST',
        '/faults',
        { action: '*', code: 'X', when: { a: 1 } },
        400,
        'InvalidRequest',
        'fault: "when" maps wire parameter names to string values; "a" is not a string'
      ],
      [
        'POST',
        '/faults',
        { action: '*', code: 'X', color: 'red' },
        400,
        'InvalidRequest',
        'fault: unknown field "color" (allowed: action, code, message, status, count, sticky, when)'
      ],
      ['POST', '/faults', [{ action: '*', code: 'X' }, 7], 400, 'InvalidRequest', 'fault 2 must be a JSON object'],
      ['POST', '/faults', { faults: 'x' }, 400, 'InvalidRequest', '"faults" must be a list.'],
      ['GET', '/faults/fault-000000000000', undefined, 404, 'NotFound', 'No fault fault-000000000000.'],
      ['PUT', '/faults', undefined, 405, 'MethodNotAllowed', 'PUT is not allowed here; use GET, POST, DELETE.'],
      [
        'POST',
        '/latency',
        { action: '*', ms: -1 },
        400,
        'InvalidRequest',
        'latency: "ms" must be a whole number from 0 to 600000, not -1'
      ],
      [
        'POST',
        '/latency',
        { action: '*', ms: 1.5 },
        400,
        'InvalidRequest',
        'latency: "ms" must be a whole number from 0 to 600000, not 1.5'
      ],
      ['DELETE', '/latency/CreateVpc', undefined, 404, 'NotFound', 'No latency is set for CreateVpc.'],
      [
        'POST',
        '/throttle',
        { rate: 'fast' },
        400,
        'InvalidRequest',
        'throttle: "rate" must be a number from 0.001 to 1000000, not "fast"'
      ],
      [
        'POST',
        '/throttle',
        { rate: 1, burst: 1, actions: { 'Describe*': { rate: 0 } } },
        400,
        'InvalidRequest',
        'throttle: "actions.Describe*": "rate" must be a number from 0.001 to 1000000, not 0'
      ],
      [
        'POST',
        '/throttle',
        { rate: 1, actions: { 'Describe*': { rate: 1, actions: {} } } },
        400,
        'InvalidRequest',
        'throttle: "actions.Describe*": unknown field "actions" (allowed: rate, burst)'
      ],
      [
        'GET',
        '/calls?limit=0',
        undefined,
        400,
        'InvalidRequest',
        "limit must be a whole number of at least 1, not '0'"
      ],
      [
        'GET',
        '/calls?limit=ten',
        undefined,
        400,
        'InvalidRequest',
        "limit must be a whole number of at least 1, not 'ten'"
      ],
      ['POST', '/calls', {}, 405, 'MethodNotAllowed', 'POST is not allowed here; use GET, DELETE.'],
      ['POST', '/reset', { state: 'yes' }, 400, 'InvalidRequest', '"state" must be true or false'],
      [
        'POST',
        '/reset',
        { everything: true },
        400,
        'InvalidRequest',
        'the body of a reset is empty or {"state": true|false}'
      ],
      ['GET', '/reset', undefined, 405, 'MethodNotAllowed', 'GET is not allowed here; use POST.'],
      [
        'POST',
        '/subnets/vpc-123/prefix-capacity',
        undefined,
        400,
        'InvalidRequest',
        'the subnet id in the path must be a subnet id such as subnet-0123456789abcdef0, not "vpc-123"'
      ],
      [
        'POST',
        '/subnets/subnet-0123/prefix-capacity',
        { atCapacity: 'yes' },
        400,
        'InvalidRequest',
        '"atCapacity" must be true or false'
      ],
      ['GET', '/nothing', undefined, 404, 'NotFound', /^No control endpoint GET \/_ec2lite\/nothing\. Endpoints: /],
      ['GET', '/%E0%A4%A', undefined, 400, 'InvalidRequest', 'The path is not valid percent-encoding.']
    ];
    for (const [method, path, body, status, code, message] of cases) {
      const response = await control(server, method, path, body);
      assert.equal(response.status, status, `${method} ${path}: ${JSON.stringify(response.json)}`);
      assert.equal(response.json.error?.code, code, `${method} ${path}`);
      if (typeof message === 'string') assert.equal(response.json.error.message, message);
      else assert.match(response.json.error.message, message);
      assert.equal(response.headers.get('content-type'), 'application/json');
    }
    assert.equal((await control(server, 'PUT', '/faults')).headers.get('allow'), 'GET, POST, DELETE');
    assert.deepEqual((await control(server, 'GET', '/faults')).json.faults, [], 'no bad request added anything');
  });

  it('refuses a body past the size limit with 413 and a non-JSON content type with 415', async () => {
    const big = await fetch(`${server.url}/_ec2lite/faults`, { method: 'POST', body: 'x'.repeat(2 * 1024 * 1024) });
    assert.equal(big.status, 413);
    assert.equal((await big.json()).error.code, 'RequestEntityTooLarge');
    const xml = await fetch(`${server.url}/_ec2lite/faults`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: '<a/>'
    });
    assert.equal(xml.status, 415);
    assert.equal((await xml.json()).error.code, 'UnsupportedMediaType');
  });

  it('takes curl -d bodies (form content type, JSON text)', async () => {
    const response = await fetch(`${server.url}/_ec2lite/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '{"action":"CreateVpc","code":"InternalError"}'
    });
    assert.equal(response.status, 201);
    await control(server, 'DELETE', '/faults');
  });

  it('never answers generated garbage with a 5xx', async () => {
    let seed = 42;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const values: unknown[] = [
      null,
      true,
      0,
      -1,
      1e308,
      'x',
      '',
      [],
      {},
      [1, 'a'],
      { action: '*' },
      '\u0000',
      'ä'.repeat(3000)
    ];
    const keys = [
      'action',
      'code',
      'message',
      'status',
      'count',
      'sticky',
      'when',
      'ms',
      'jitterMs',
      'rate',
      'burst',
      'actions',
      'state',
      'atCapacity',
      'faults'
    ];
    const paths = [
      '/faults',
      '/faults/x',
      '/latency',
      '/latency/%2A',
      '/throttle',
      '/calls',
      '/reset',
      '/prefix-capacity',
      '/subnets/subnet-1/prefix-capacity',
      '/subnets/x/y',
      '/'
    ];
    for (let i = 0; i < 300; i++) {
      const body: Record<string, unknown> = {};
      for (let k = Math.floor(random() * 4); k > 0; k--) body[pick(keys)] = pick(values);
      const method = pick(['GET', 'POST', 'PUT', 'DELETE', 'PATCH']);
      const sent =
        random() < 0.2
          ? JSON.stringify(body).slice(0, Math.floor(random() * 20))
          : random() < 0.2
            ? pick(values)
            : body;
      const response = await control(server, method, pick(paths), method === 'GET' ? undefined : (sent ?? null));
      assert.ok(
        response.status < 500,
        `${method}: ${JSON.stringify(sent)} → ${response.status} ${JSON.stringify(response.json)}`
      );
    }
    await control(server, 'POST', '/reset');
  });

  it("passes /_ec2lite/instances/… on to the metadata service's own endpoint", async () => {
    const response = await control(server, 'GET', '/instances/i-0123456789abcdef0/metadata-endpoint');
    assert.equal(response.status, 404);
    assert.equal(response.json.error.code, 'InvalidInstanceID.NotFound');
  });
});
