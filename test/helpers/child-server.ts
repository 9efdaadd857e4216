import { type ChildProcess, execFile, execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { EC2Client } from '@aws-sdk/client-ec2';
import { credentials } from './ec2lite.js';
import { spawnListening } from './listening-child.js';

/** The repository root. */
export const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'ec2lite.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path);
    newest = Math.max(newest, stat.isDirectory() ? newestMtime(path) : stat.mtimeMs);
  }
  return newest;
}

/**
 * These tests run the shipped server (`bin/ec2lite.js` → `dist/`), which CI builds on install. When `src/` is
 * newer than `dist/` (a local edit), build it first, once, under a lock so test files running side by side do not
 * build at the same time.
 */
export async function ensureBuilt(): Promise<void> {
  const built = (): number => {
    try {
      return statSync(join(root, 'dist', 'cli.js')).mtimeMs;
    } catch {
      return 0;
    }
  };
  if (built() >= newestMtime(join(root, 'src'))) return;
  mkdirSync(join(root, 'dist'), { recursive: true });
  const lock = join(root, 'dist', '.build-lock');
  for (let waited = 0; ; waited += 200) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock left by a run that died is older than any build takes.
      const stat = statSync(lock, { throwIfNoEntry: false });
      if (stat && (waited > 120_000 || Date.now() - stat.mtimeMs > 60_000))
        rmSync(lock, { recursive: true, force: true });
      await sleep(200);
    }
  }
  try {
    if (built() < newestMtime(join(root, 'src'))) {
      execFileSync(
        process.execPath,
        [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
        {
          cwd: root,
          stdio: 'pipe'
        }
      );
    }
  } catch (error) {
    // tsc emits despite type errors (the typecheck step reports those); only a missing output is fatal here.
    if (built() === 0) throw error;
  } finally {
    rmdirSync(lock);
  }
}

/** `bin/ec2lite.js` running in its own process. */
export interface ChildServer {
  readonly url: string;
  readonly process: ChildProcess;
  /** Resolves once the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): { stdout: string; stderr: string };
  /** An SDK client for it; each call gives a client with its own connections. */
  client(): EC2Client;
}

/** Starts `ec2lite --port 0 …args` and waits for its "listening on" line. */
export async function startChildServer(args: readonly string[]): Promise<ChildServer> {
  await ensureBuilt();
  const { child, listening } = spawnListening([bin, '--port', '0', ...args], {
    cwd: root,
    timeoutMs: 20_000,
    stderr: 'pipe'
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal }))
  );
  let url: string;
  try {
    url = await listening;
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${stderr}`);
  }
  return {
    url,
    process: child,
    exited,
    output: () => ({ stdout, stderr }),
    client: () => new EC2Client({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1 })
  };
}

/** Runs `ec2lite check --data DIR`, or `ec2lite check …args` when given a list. */
export async function runCheck(
  dataDirOrArgs: string | readonly string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  await ensureBuilt();
  const args = typeof dataDirOrArgs === 'string' ? ['--data', dataDirOrArgs] : dataDirOrArgs;
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, 'check', ...args], { cwd: root }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
