// Tables of refused requests: each refusal an `it` of its own, checked on the face it is sent on.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CliResult, type RawResponse, assertCliError, assertSdkError, assertXmlError } from './ec2lite.js';

/**
 * A request EC2 refuses, on one face, with the error it answers (status 400 unless given). The request, and a message
 * given as a function, are read only when the refusal is asserted, so that a table of refusals may name resources
 * made later, in a `before` hook.
 */
export type Refusal = { readonly code: string } & (
  | { readonly sdk: () => Promise<unknown>; readonly message: Message | RegExp; readonly status?: number }
  | { readonly query: () => Promise<RawResponse>; readonly message: Message | RegExp; readonly status?: number }
  | { readonly cli: () => Promise<CliResult>; readonly message: Message }
  | { readonly json: () => Promise<RawResponse & { json: any }>; readonly message: Message; readonly status?: number }
);
type Message = string | (() => string);

/** A refusal of a table, named for the `it` it becomes. */
export type RefusalCase = Refusal & { readonly title: string };

/** A rule and the refusals that show it, for {@link describeRefusals}. */
export type RefusalRule = readonly [rule: string, refusals: readonly RefusalCase[]];

/** Sends the refusal's request and asserts EC2's code, message and status as that face shows them. */
export async function assertRefused(refusal: Refusal): Promise<void> {
  const message = typeof refusal.message === 'function' ? refusal.message() : refusal.message;
  if ('sdk' in refusal) await assertSdkError(refusal.sdk(), refusal.code, message, refusal.status);
  else if ('query' in refusal) assertXmlError(await refusal.query(), refusal.status ?? 400, refusal.code, message);
  else if ('cli' in refusal) assertCliError(await refusal.cli(), refusal.code, message as string);
  else {
    const response = await refusal.json();
    assert.equal(response.status, refusal.status ?? 400, response.text);
    assert.equal(response.json.error.ec2Code, refusal.code);
    assert.equal(response.json.error.message, message);
  }
}

/**
 * One `describe` per rule and one `it` per refusal under it, so that each refusal passes or fails on its own;
 * `check`, when given, runs after each refusal (to show that it left nothing behind, say).
 */
export function describeRefusals(rules: readonly RefusalRule[], check?: () => Promise<void>): void {
  for (const [rule, refusals] of rules) {
    describe(rule, () => {
      for (const refusal of refusals) {
        it(refusal.title, async () => {
          await assertRefused(refusal);
          await check?.();
        });
      }
    });
  }
}
