import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Instance } from '../domain/model.js';
import type { Store } from '../store/store.js';
import { LoopbackDirectory, isInstanceLoopback } from './loopback.js';
import { type MetadataSnapshot, readSnapshotAt } from './metadata-journal.js';
import { metadataTree, resolve } from './metadata-tree.js';
import { MAX_TOKEN_TTL_SECONDS, TokenMinter, type TokenScope } from './tokens.js';

/**
 * The instance metadata service: IMDSv2 (PUT /latest/api/token, then GET with the token) and IMDSv1 where the
 * instance allows it, serving each instance's lagged view of the control plane (metadata-journal.ts).
 *
 * Which instance is asking, two ways on one port:
 * - its own loopback address, `http://127.x.y.z:<port>` (loopback.ts): the address the connection arrived on
 *   names the instance, so an unmodified client needs only that endpoint URL. Needs the wildcard bind (the
 *   default on Linux, where all of 127.0.0.0/8 is the host's); connections on any non-loopback address are
 *   closed at once, so nothing beyond the machine can reach it.
 * - a path prefix on the shared address, `http://127.0.0.1:<port>/i-0123…/latest/meta-data/…`, for machines
 *   with only 127.0.0.1. SDKs put the endpoint's path before metadata paths but not before the token path, so a
 *   token minted at the shared root (`PUT /latest/api/token`) is good for any instance read by path there, while a
 *   token minted under `/i-…/` or at an instance's own address is good for that instance only.
 */

export interface ImdsOptions {
  /** Keeps the secret that signs session tokens. */
  readonly store: Store;
  /**
   * Every store that holds instances: one per account and region (store/partitions.ts), read again when an
   * instance is not found, since another node sharing the state may have added one. Default: `store` alone.
   */
  readonly partitions?: () => Promise<readonly Store[]>;
  /** TCP port; 0 picks a free one. */
  readonly port: number;
  /** Address to listen on; the wildcard ('0.0.0.0') makes every instance's loopback address reachable. */
  readonly host: string;
  /** The region of an instance whose zone does not name one. */
  readonly region: string;
  /** The clock, ms since the epoch. */
  readonly now?: () => number;
}

/** Where a client reaches one instance's metadata service. */
export interface MetadataEndpoints {
  readonly instanceId: string;
  /** The one to use: the loopback form where it works, else the path form. */
  readonly endpoint: string;
  /** `http://127.x.y.z:<port>`, or null where the instance addresses are not served. */
  readonly loopbackEndpoint: string | null;
  /** `http://127.0.0.1:<port>/i-…`. */
  readonly pathEndpoint: string;
}

const WILDCARDS = new Set(['0.0.0.0', '::', '']);
const TOKEN_HEADER = 'x-aws-ec2-metadata-token';
const TTL_HEADER = 'x-aws-ec2-metadata-token-ttl-seconds';

const REASONS: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed'
};

/** The real service's error page (an XHTML document with the status in title and heading). */
function errorPage(status: number): string {
  const title = `${status} - ${REASONS[status] ?? 'Error'}`;
  return `<?xml version="1.0" encoding="iso-8859-1"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"
         "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">
 <head>
  <title>${title}</title>
 </head>
 <body>
  <h1>${title}</h1>
 </body>
</html>
`;
}

function plainAddress(address: string | undefined): string {
  return (address ?? '').replace(/^::ffff:/, '');
}

function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1';
}

/** The instance if it has not been terminated: a terminated instance has no metadata service to ask. */
function live(instance: Instance | undefined): Instance | undefined {
  return instance && instance.state !== 'terminated' && instance.state !== 'shutting-down' ? instance : undefined;
}

export class ImdsServer {
  readonly port: number;
  /** The shared address: `http://127.0.0.1:<port>`, path-prefix form. */
  readonly url: string;
  private readonly sharedHost: string;
  private readonly loopbackServed: boolean;
  private readonly partitionOf = new Map<string, Store>();

  private constructor(
    private readonly server: Server,
    private readonly options: ImdsOptions,
    private readonly tokens: TokenMinter,
    private readonly loopback: LoopbackDirectory
  ) {
    this.port = (server.address() as AddressInfo).port;
    const wildcard = WILDCARDS.has(options.host);
    this.sharedHost = wildcard ? '127.0.0.1' : options.host;
    // Only Linux routes all of 127.0.0.0/8 to the host without configuration.
    this.loopbackServed = wildcard && process.platform === 'linux';
    this.url = `http://${this.sharedHost.includes(':') ? `[${this.sharedHost}]` : this.sharedHost}:${this.port}`;
  }

  static async start(options: ImdsOptions): Promise<ImdsServer> {
    const tokens = await TokenMinter.open(options.store);
    const loopback = new LoopbackDirectory(options.partitions ?? (() => Promise.resolve([options.store])));
    let imds: ImdsServer | undefined;
    const server = createServer((req, res) => {
      imds!.handle(req, res).catch((error: unknown) => {
        console.error('ec2lite: internal error in the metadata service:', error);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end();
      });
    });
    if (WILDCARDS.has(options.host)) {
      // Listening on every address is only to receive every loopback address: anything else is turned away.
      server.on('connection', (socket) => {
        if (!isLoopback(plainAddress(socket.localAddress))) socket.destroy();
      });
    }
    server.keepAliveTimeout = 5_000;
    server.headersTimeout = 10_000;
    server.requestTimeout = 30_000;
    await new Promise<void>((resolvePromise, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => resolvePromise());
    });
    imds = new ImdsServer(server, options, tokens, loopback);
    return imds;
  }

  /** The endpoints of an instance's metadata service, or undefined for an unknown instance. */
  async endpointsFor(instanceId: string): Promise<MetadataEndpoints | undefined> {
    const address = await this.loopback.addressOf(instanceId);
    if (address === undefined) return undefined;
    const loopbackEndpoint = this.loopbackServed ? `http://${address}:${this.port}` : null;
    const pathEndpoint = `${this.url}/${instanceId}`;
    return { instanceId, endpoint: loopbackEndpoint ?? pathEndpoint, loopbackEndpoint, pathEndpoint };
  }

  /** Stops listening; answers already under way finish, and any connection still open after a second is cut. */
  async close(): Promise<void> {
    await new Promise<void>((resolvePromise) => {
      const deadline = setTimeout(() => this.server.closeAllConnections(), 1_000);
      deadline.unref();
      this.server.close(() => {
        clearTimeout(deadline);
        resolvePromise();
      });
      this.server.closeIdleConnections();
    });
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    // The JS SDK asks for `//latest/meta-data/…` (ecosystem notes): repeated slashes collapse.
    let path = (req.url ?? '/').split('?')[0]!.replace(/\/{2,}/g, '/');
    const local = plainAddress(req.socket.localAddress);

    // Which instance: the address the connection arrived on, or on the shared address a path prefix.
    let instanceId: string | undefined;
    const atInstanceAddress = this.loopbackServed && local !== this.sharedHost && isInstanceLoopback(local);
    if (atInstanceAddress) {
      instanceId = await this.loopback.instanceAt(local);
      if (instanceId === undefined) return this.fail(res, method, 404);
    } else {
      const prefixed = /^\/(i-[0-9a-f]+)(?=\/|$)/.exec(path);
      if (prefixed) {
        instanceId = prefixed[1]!;
        path = path.slice(prefixed[0].length) || '/';
      }
    }
    const segments = path.split('/').filter((s) => s !== '');

    if (method === 'PUT') {
      if (atInstanceAddress && (await this.instanceRecord(instanceId!)) === undefined) {
        instanceId = await this.lookAgain(local);
        if (instanceId === undefined) return this.fail(res, method, 404);
      }
      return this.putToken(req, res, segments, instanceId);
    }
    if (method !== 'GET' && method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD, PUT');
      return this.fail(res, method, 405);
    }
    // The shared root names no instance: there is no metadata to read there.
    if (instanceId === undefined) return this.fail(res, method, 404);
    const now = this.now();
    let view = await this.view(instanceId, now);
    if (view === 'unknown' && atInstanceAddress) {
      const current = await this.lookAgain(local);
      if (current === undefined) return this.fail(res, method, 404);
      instanceId = current;
      view = await this.view(instanceId, now);
    }
    if (view === 'unknown' || view === 'terminated') return this.fail(res, method, 404);
    const { instance, snapshot } = view;
    // "If you specify a value of disabled, you cannot access your instance metadata" (API reference).
    if (instance.metadataOptions.httpEndpoint === 'disabled') return this.fail(res, method, 403);
    const token = req.headers[TOKEN_HEADER];
    if (token !== undefined) {
      // An invalid, expired or foreign token is refused even where IMDSv1 is allowed (spec §4.1).
      const scope = typeof token === 'string' ? this.tokens.verify(token, now) : undefined;
      if (!this.tokenFits(scope, instanceId, atInstanceAddress)) return this.fail(res, method, 401);
    } else if (instance.metadataOptions.httpTokens === 'required') {
      return this.fail(res, method, 401);
    }
    // An instance launched with a request signed for another region lives there: its zone names the region.
    const region = /^[a-z]{2}(-[a-z]+)+-[0-9]+/.exec(instance.availabilityZone)?.[0] ?? this.options.region;
    const answer = resolve(metadataTree(instance, snapshot, now, region), segments);
    if (answer === 'not-found') return this.fail(res, method, 404);
    this.send(res, method, 200, answer.body);
  }

  /** PUT /latest/api/token with the TTL header: a session token for the asking instance (spec §4.1). */
  private async putToken(
    req: IncomingMessage,
    res: ServerResponse,
    segments: readonly string[],
    instanceId: string | undefined
  ): Promise<void> {
    const isTokenPath = segments.length === 3 && segments[1] === 'api' && segments[2] === 'token';
    if (!isTokenPath) {
      res.setHeader('allow', 'GET, HEAD');
      return this.fail(res, 'PUT', 405);
    }
    // Tokens come from /latest/ only; a versioned token path is forbidden (spec §4.1).
    if (segments[0] !== 'latest') return this.fail(res, 'PUT', 403);
    // A PUT that passed through a proxy is refused, the SSRF guard of IMDSv2 (instance-metadata-v2-how-it-works.md).
    if (req.headers['x-forwarded-for'] !== undefined) return this.fail(res, 'PUT', 403);
    if (instanceId !== undefined) {
      const instance = await this.instance(instanceId);
      if (!instance) return this.fail(res, 'PUT', 404);
      if (instance.metadataOptions.httpEndpoint === 'disabled') return this.fail(res, 'PUT', 403);
    }
    const ttlText = req.headers[TTL_HEADER];
    const ttl = typeof ttlText === 'string' && /^[0-9]{1,6}$/.test(ttlText.trim()) ? Number(ttlText.trim()) : NaN;
    if (!(ttl >= 1 && ttl <= MAX_TOKEN_TTL_SECONDS)) return this.fail(res, 'PUT', 400);
    const token = this.tokens.mint(instanceId === undefined ? 'shared' : { instanceId }, ttl, this.now());
    // The Go SDK parses this echo and fails without it (real-clients §b).
    res.setHeader(TTL_HEADER, String(ttl));
    this.send(res, 'PUT', 200, token);
  }

  private tokenFits(scope: TokenScope | undefined, instanceId: string, atInstanceAddress: boolean): boolean {
    if (scope === undefined) return false;
    if (scope === 'shared') return !atInstanceAddress;
    return scope.instanceId === instanceId;
  }

  /** The instance at a loopback address whose instance is gone: it may have been wiped (a reset of the state). */
  private async lookAgain(local: string): Promise<string | undefined> {
    await this.loopback.refresh();
    return this.loopback.instanceAt(local);
  }

  /** The instance with the snapshot its metadata shows at `now`. */
  private async view(
    instanceId: string,
    now: number
  ): Promise<{ instance: Instance; snapshot: MetadataSnapshot } | 'unknown' | 'terminated'> {
    const store = await this.storeOf(instanceId);
    if (!store) return 'unknown';
    return store.transaction(
      async (tx) => {
        const instance = await tx.getInstance(instanceId);
        if (!instance) return 'unknown';
        if (!live(instance)) return 'terminated';
        return { instance, snapshot: await readSnapshotAt(tx, instanceId, now) };
      },
      { readOnly: true }
    );
  }

  private async instance(instanceId: string): Promise<Instance | undefined> {
    return live(await this.instanceRecord(instanceId));
  }

  private async instanceRecord(instanceId: string): Promise<Instance | undefined> {
    const store = await this.storeOf(instanceId);
    return store?.transaction((tx) => tx.getInstance(instanceId), { readOnly: true });
  }

  /** The store of the partition holding an instance; an instance never changes partition, so it is remembered. */
  private async storeOf(instanceId: string): Promise<Store | undefined> {
    const known = this.partitionOf.get(instanceId);
    if (known) return known;
    const stores = this.options.partitions ? await this.options.partitions() : [this.options.store];
    for (const store of stores) {
      if (await store.transaction((tx) => tx.getInstance(instanceId), { readOnly: true })) {
        this.partitionOf.set(instanceId, store);
        return store;
      }
    }
    return undefined;
  }

  private fail(res: ServerResponse, method: string, status: number): void {
    this.send(res, method, status, errorPage(status), 'text/html');
  }

  private send(res: ServerResponse, method: string, status: number, body: string, contentType = 'text/plain'): void {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(status, {
      'content-type': contentType,
      'content-length': Buffer.byteLength(body),
      server: 'EC2ws'
    });
    res.end(method === 'HEAD' ? undefined : body);
  }
}
