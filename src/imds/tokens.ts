import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Store } from '../store/store.js';

/** Longest session an IMDSv2 token may ask for: six hours (instance-metadata-v2-how-it-works.md). */
export const MAX_TOKEN_TTL_SECONDS = 21600;

/** Who a token was minted for: one instance, or the shared address's root (valid for any instance read by path). */
export type TokenScope = { readonly instanceId: string } | 'shared';

/**
 * IMDSv2 session tokens, stateless: the scope and expiry signed with a secret kept in the store, so that a token
 * stays valid across a restart of ec2lite until its TTL runs out. Opaque to clients.
 */
export class TokenMinter {
  private constructor(private readonly secret: Buffer) {}

  static async open(store: Store): Promise<TokenMinter> {
    const secret = await store.transaction(async (tx) => {
      const stored = await tx.getMeta('imds-token-secret');
      if (stored) return stored;
      const fresh = randomBytes(32).toString('base64');
      await tx.setMeta('imds-token-secret', fresh);
      return fresh;
    });
    return new TokenMinter(Buffer.from(secret, 'base64'));
  }

  mint(scope: TokenScope, ttlSeconds: number, now: number): string {
    const payload = Buffer.from(`${scope === 'shared' ? '*' : scope.instanceId}|${now + ttlSeconds * 1000}`).toString(
      'base64url'
    );
    return `${payload}.${this.sign(payload)}`;
  }

  /** The token's scope if it is ours and has not expired; undefined otherwise. */
  verify(token: string, now: number): TokenScope | undefined {
    const [payload, signature, extra] = token.split('.');
    if (!payload || !signature || extra !== undefined) return undefined;
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    const [scope, expiry] = Buffer.from(payload, 'base64url').toString('utf8').split('|');
    if (!scope || !(Number(expiry) > now)) return undefined;
    return scope === '*' ? 'shared' : { instanceId: scope };
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url');
  }
}
