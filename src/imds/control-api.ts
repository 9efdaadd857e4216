import type { IncomingMessage, ServerResponse } from 'node:http';
import { isWellFormedId } from '../domain/ids.js';
import type { ImdsServer } from './imds-server.js';

const ENDPOINT_PATH = /^\/_ec2lite\/instances\/([^/]+)\/metadata-endpoint\/?$/;

/**
 * The metadata service's route of the control API (control/control-api.ts, under the EC2 endpoint's reserved
 * /_ec2lite/ path): GET /_ec2lite/instances/{instanceId}/metadata-endpoint → `{"instanceId","endpoint","loopbackEndpoint",
 * "pathEndpoint"}`: where a client reaches that instance's metadata service. Errors carry EC2's code.
 */
export function handleControlRequest(req: IncomingMessage, res: ServerResponse, imds: ImdsServer): void {
  req.resume();
  const path = (req.url ?? '/').split('?')[0]!;
  const reply = (status: number, body: unknown): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  const match = ENDPOINT_PATH.exec(path);
  if (!match) {
    reply(404, { error: { code: 'NotFound', message: `No such ec2lite path: ${path}` } });
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    reply(405, { error: { code: 'MethodNotAllowed', message: 'Use GET.' } });
    return;
  }
  const instanceId = decodeURIComponent(match[1]!);
  if (!isWellFormedId(instanceId, 'i')) {
    reply(400, {
      error: { code: 'InvalidInstanceID.Malformed', message: `Invalid id: "${instanceId}" (expecting "i-...")` }
    });
    return;
  }
  imds.endpointsFor(instanceId).then(
    (endpoints) => {
      if (endpoints) reply(200, endpoints);
      else
        reply(404, {
          error: { code: 'InvalidInstanceID.NotFound', message: `The instance ID '${instanceId}' does not exist` }
        });
    },
    (error: unknown) => {
      console.error('ec2lite: internal error in the control API:', error);
      reply(500, { error: { code: 'InternalError', message: 'An internal error has occurred.' } });
    }
  );
}
