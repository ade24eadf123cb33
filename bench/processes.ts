// The assistant (and the echo yardstick) in a process of its own, for the sections that measure
// it from outside: started, ready when its log line says so.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { projectRoot } from '../knowledge/index.js';

export interface Child {
  proc: ChildProcess;
  url: string;
  readyMs: number;
}

export function startChild(
  args: string[],
  env: Record<string, string>,
  readyWhen: (line: string) => string | undefined,
): Promise<Child> {
  const t0 = performance.now();
  const proc = spawn(process.execPath, args, {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: proc.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      const url = readyWhen(line);
      if (url) resolve({ proc, url, readyMs: performance.now() - t0 });
    });
    proc.once('exit', (code) => reject(new Error(`child exited with ${code}`)));
  });
}

/** CPU time a process has used so far, in ms (user + system, from /proc: Linux only). */
export function cpuMs(pid: number): number {
  const fields = (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1] ?? '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // USER_HZ is 100 on Linux
}

export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** The built assistant (dist/app/main.js) on this port, no rate limits, sandbox on a free port. */
export async function startAssistant(dataDir: string, port: number): Promise<Child> {
  return startChild(
    ['dist/app/main.js'],
    {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      SANDBOX_PORT: '0',
      RATE_LIMIT_PER_MINUTE: '0',
      CONVERSATION_RATE_PER_MINUTE: '0',
    },
    (line) => (line.includes('refund-assistant ready') ? `http://127.0.0.1:${port}` : undefined),
  );
}
