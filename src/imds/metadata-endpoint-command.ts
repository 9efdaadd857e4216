import { parseArgs } from 'node:util';

export const METADATA_ENDPOINT_HELP = `Usage: ec2lite metadata-endpoint INSTANCE_ID [--endpoint-url URL] [--json]

Prints the URL at which the instance's metadata service answers, asking a running ec2lite.

Options:
  --endpoint-url URL   the running ec2lite's EC2 endpoint (default $EC2LITE_ENDPOINT or http://127.0.0.1:4566)
  --form loopback|path which URL to print (default: loopback where it works, else path)
  --json               print every form as JSON
`;

/** `ec2lite metadata-endpoint i-…`: asks a running server's control API and prints the instance's IMDS URL. */
export async function metadataEndpointCommand(argv: string[], defaultEndpoint: string): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'endpoint-url': { type: 'string' },
        form: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' }
      }
    });
  } catch (error) {
    process.stderr.write(`ec2lite: ${(error as Error).message}\n\n${METADATA_ENDPOINT_HELP}`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(METADATA_ENDPOINT_HELP);
    return 0;
  }
  const [instanceId, ...rest] = parsed.positionals;
  const form = parsed.values.form;
  if (instanceId === undefined || rest.length > 0 || (form !== undefined && form !== 'loopback' && form !== 'path')) {
    process.stderr.write(`ec2lite: metadata-endpoint takes one instance id\n\n${METADATA_ENDPOINT_HELP}`);
    return 2;
  }
  const base = (parsed.values['endpoint-url'] ?? process.env.EC2LITE_ENDPOINT ?? defaultEndpoint).replace(/\/+$/, '');
  let response: Response;
  try {
    response = await fetch(`${base}/_ec2lite/instances/${encodeURIComponent(instanceId)}/metadata-endpoint`);
  } catch (error) {
    process.stderr.write(`ec2lite: cannot reach ec2lite at ${base}: ${(error as Error).message}\n`);
    return 1;
  }
  const body = (await response.json().catch(() => undefined)) as
    | {
        endpoint?: string;
        loopbackEndpoint?: string | null;
        pathEndpoint?: string;
        error?: { code: string; message: string };
      }
    | undefined;
  if (!response.ok || !body || body.error) {
    process.stderr.write(
      `ec2lite: ${body?.error ? `${body.error.code}: ${body.error.message}` : `HTTP ${response.status}`}\n`
    );
    return 1;
  }
  if (parsed.values.json) {
    process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
    return 0;
  }
  const chosen = form === 'path' ? body.pathEndpoint : form === 'loopback' ? body.loopbackEndpoint : body.endpoint;
  if (!chosen) {
    process.stderr.write('ec2lite: this ec2lite does not serve instances at loopback addresses; use --form path\n');
    return 1;
  }
  process.stdout.write(`${chosen}\n`);
  return 0;
}
