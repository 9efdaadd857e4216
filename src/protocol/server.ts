import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MAX_HEADER_BYTES, answerClientError } from './http.js';

export interface Ec2ServerOptions {
  /** A client must have sent its whole request (headers and body) within this time, or it is answered 408. */
  readonly requestTimeoutMs: number;
  /** A client must have sent its request headers within this time; node requires it to be ≤ requestTimeoutMs. */
  readonly headersTimeoutMs: number;
}

/** The EC2 endpoint's HTTP server, which can stop gracefully. */
export interface Ec2Server {
  readonly server: Server;
  listen(port: number, host: string): Promise<number>;
  /**
   * Stops gracefully: accepts no new connection, lets every request already received finish and answers it with
   * `connection: close`, closes idle keep-alive connections, and cuts off whatever is still open after `graceMs`
   * (a client that never finishes its body; node stops enforcing its own timeouts once the server closes).
   */
  close(graceMs: number): Promise<void>;
}

export function createEc2Server(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  options: Ec2ServerOptions
): Ec2Server {
  const requestTimeout = options.requestTimeoutMs;
  const headersTimeout = Math.min(options.headersTimeoutMs, requestTimeout);
  const inFlight = new Set<ServerResponse>();
  let closing = false;
  const server = createServer(
    {
      requestTimeout,
      headersTimeout,
      // node checks both timeouts only this often (30 s by default), so short timeouts need a shorter period.
      connectionsCheckingInterval: Math.max(25, Math.min(headersTimeout / 4, 1_000)),
      // Stated rather than inherited: a request head past it is answered RequestHeaderSectionTooLarge.
      maxHeaderSize: MAX_HEADER_BYTES
    },
    (req, res) => {
      if (closing) res.setHeader('connection', 'close');
      inFlight.add(res);
      res.once('close', () => inFlight.delete(res));
      handler(req, res);
    }
  );
  server.keepAliveTimeout = 5_000;
  // node answers a head it cannot parse, a head past maxHeaderSize and a timed-out request itself, with a bare
  // status line; EC2 clients expect an EC2 error body.
  server.on('clientError', answerClientError);
  return {
    server,
    listen(port, host) {
      return new Promise<number>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve((server.address() as AddressInfo).port);
        });
      });
    },
    close(graceMs) {
      closing = true;
      // Requests already being handled end their connection once answered, so a keep-alive client cannot keep
      // the server open by sending more.
      for (const res of inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
      return new Promise<void>((resolve) => {
        const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
        deadline.unref();
        server.close(() => {
          clearTimeout(deadline);
          resolve();
        });
        server.closeIdleConnections();
      });
    }
  };
}
