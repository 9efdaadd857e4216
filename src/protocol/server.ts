import { type IncomingMessage, type OutgoingHttpHeaders, type Server, ServerResponse, createServer } from 'node:http';
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
  let closing = false;
  /**
   * Once the server is closing, every response answers `connection: close`, so that a keep-alive client cannot keep
   * the server open by sending more. Decided as the head is written rather than through a set of the responses in
   * flight: such a set, holding each response and its request while the transaction commits, got them promoted to
   * the old generation, the largest GC cost of a request.
   */
  class Ec2Response extends ServerResponse {
    override writeHead(statusCode: number, ...rest: unknown[]): this {
      if (closing && !this.headersSent) this.setHeader('connection', 'close');
      // Passed on as given (a status message and/or headers).
      return super.writeHead(statusCode, ...(rest as [OutgoingHttpHeaders?]));
    }
  }
  const server = createServer(
    {
      requestTimeout,
      headersTimeout,
      // node checks both timeouts only this often (30 s by default), so short timeouts need a shorter period.
      connectionsCheckingInterval: Math.max(25, Math.min(headersTimeout / 4, 1_000)),
      // Stated rather than inherited: a request head past it is answered RequestHeaderSectionTooLarge.
      maxHeaderSize: MAX_HEADER_BYTES,
      ServerResponse: Ec2Response
    },
    handler
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
      // Requests already being handled end their connection once answered (Ec2Response).
      closing = true;
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
