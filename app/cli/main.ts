import { cli } from './index.js';

// `npm run --silent cli -- eval big.jsonl | head` closes the pipe early: that is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

/** Errors the user can act on from their message alone (by name: their modules load only if used). */
const PLAIN = new Set(['ConfigError', 'ContentProblems', 'FlowProblems']);

cli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof Error && PLAIN.has(err.name)) process.stderr.write(`${err.message}\n`);
    else if ((err as { code?: string }).code === 'ENOENT')
      process.stderr.write(`${(err as Error).message}\n`);
    else process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
