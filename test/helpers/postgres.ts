import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PostgresStore, type PostgresStoreOptions } from '../../src/store/postgres-store.js';
import type { Store } from '../../src/store/store.js';

/**
 * The PostgreSQL the tests use: EC2LITE_TEST_POSTGRES_URL, which `npm test` (scripts/run-tests.mjs) sets to a
 * throwaway database it creates. Without it the PostgreSQL tests fail, loudly: a backend left untested must never
 * look like a pass.
 */
export function postgresUrl(): string | undefined {
  const url = process.env.EC2LITE_TEST_POSTGRES_URL;
  return url === undefined || url === '' ? undefined : url;
}

export const MISSING_POSTGRES =
  'EC2LITE_TEST_POSTGRES_URL is not set, so the PostgreSQL store cannot be tested. Run the tests with `npm test` ' +
  '(it installs and starts PostgreSQL and creates a throwaway database), or set EC2LITE_TEST_POSTGRES_URL to a ' +
  'database the tests may create schemas in.';

/** A schema name no other test uses. */
export function freshSchemaName(prefix = 'test'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
  } finally {
    await client.end();
  }
}

/** A PostgresStore in a schema of its own, dropped when the store closes: a fresh, empty, migrated store. */
export async function openThrowawayStore(
  url: string,
  options: Partial<PostgresStoreOptions> = {}
): Promise<PostgresStore & Store> {
  const schema = options.schema ?? freshSchemaName('contract');
  const store = await PostgresStore.open({ url, ...options, schema });
  const close = store.close.bind(store);
  store.close = async () => {
    await close();
    await dropSchema(url, schema);
  };
  return store;
}
