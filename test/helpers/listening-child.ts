import { type ChildProcess, spawn } from 'node:child_process';

/** A node process started by spawnListening. */
export interface ListeningChild {
  readonly child: ChildProcess;
  /** Resolves with the URL of its "listening on <url>" line; rejects if it exits first or stays silent too long. */
  readonly listening: Promise<string>;
}

export interface SpawnOptions {
  readonly cwd: string;
  /** How the process is named in errors. */
  readonly name?: string;
  readonly timeoutMs?: number;
  /** `pipe` to read the process's stderr (child.stderr); by default it goes to this process's. */
  readonly stderr?: 'inherit' | 'pipe';
}

/**
 * Starts `node …args` — ec2lite, or the bench's bare server, both of which print "listening on <url>" once they
 * accept connections — for the tests and the benchmarks. The caller may attach its own listeners to the child's
 * output before awaiting `listening`; the output keeps flowing afterwards.
 */
export function spawnListening(args: readonly string[], options: SpawnOptions): ListeningChild {
  const name = options.name ?? 'ec2lite';
  const timeoutMs = options.timeoutMs ?? 30_000;
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', options.stderr ?? 'inherit']
  });
  const listening = new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      cleanUp();
      reject(new Error(`${name} did not start listening within ${timeoutMs / 1000} s:\n${output}`));
    }, timeoutMs);
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      cleanUp();
      reject(new Error(`${name} exited (${code ?? signal}) before listening:\n${output}`));
    };
    const onData = (chunk: Buffer | string): void => {
      output += String(chunk);
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (!match) return;
      cleanUp();
      resolve(match[1]!);
    };
    const cleanUp = (): void => {
      clearTimeout(timer);
      child.off('exit', onExit);
      child.stdout!.off('data', onData);
      // Nobody else may be reading: keep the pipe drained so the child never blocks on a full one.
      child.stdout!.resume();
    };
    child.once('exit', onExit);
    child.stdout!.on('data', onData);
  });
  return { child, listening };
}

/** Stops a child with SIGTERM (its graceful shutdown), or SIGKILL after `graceMs`; resolves once it has exited. */
export async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
