#!/usr/bin/env node
// Runs every test/**/*.test.ts with node's test runner (Node 20 neither finds .ts files nor expands globs
// itself) and fails when no test ran, so that an empty suite can never pass.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return find(path);
    return path.endsWith('.test.ts') ? [path] : [];
  });
}

// Arguments narrow the run to those files and folders.
const only = process.argv.slice(2).flatMap((path) => (statSync(path).isDirectory() ? find(path).sort() : [path]));
const files = only.length > 0 ? only : find('test').sort();
if (files.length === 0) {
  console.error('run-tests: no test files found under test/');
  process.exit(1);
}
// The PostgreSQL store's tests need a database: unless EC2LITE_TEST_POSTGRES_URL names one, make a throwaway one
// (installing and starting PostgreSQL when needed) and drop it afterwards. If that fails, those tests fail.
let postgresUrl = process.env.EC2LITE_TEST_POSTGRES_URL || undefined;
let dropPostgres = false;
if (postgresUrl === undefined) {
  const up = spawnSync('bash', [join(import.meta.dirname, 'test-postgres.sh'), 'up', String(process.pid)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit']
  });
  if (up.status === 0 && up.stdout.trim() !== '') {
    postgresUrl = up.stdout.trim();
    dropPostgres = true;
  } else {
    console.error(
      'run-tests: no PostgreSQL database for the tests (scripts/test-postgres.sh failed): the PostgreSQL tests will fail'
    );
  }
}
const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], {
  stdio: ['ignore', 'pipe', 'inherit'],
  env: {
    ...process.env,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...(postgresUrl !== undefined ? { EC2LITE_TEST_POSTGRES_URL: postgresUrl } : {})
  }
});
let output = '';
child.stdout.on('data', (chunk) => {
  output += chunk;
  process.stdout.write(chunk);
});
child.on('close', (code) => {
  if (dropPostgres)
    spawnSync('bash', [join(import.meta.dirname, 'test-postgres.sh'), 'down', postgresUrl], { stdio: 'inherit' });
  const tests = Number(/^ℹ tests (\d+)/m.exec(output)?.[1] ?? 0);
  if (tests === 0) {
    console.error('run-tests: no test ran');
    process.exit(1);
  }
  process.exit(code ?? 1);
});
