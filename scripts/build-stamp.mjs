// Builds only when the sources changed since the last build: `npm start` and every `npm run cli`
// used to run the TypeScript build first (3–11 s here), which an operator pays on every command.
//   node scripts/build-stamp.mjs write    after a build: remember what it was built from
//   node scripts/build-stamp.mjs ensure   build (npm run build) unless dist/ is from these sources
// "These sources" is the newest modification time and the number of the files the build reads, so
// an edit, a new file, a deleted file or a new lock file each make the next start build again.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stamp = path.join(root, 'dist', '.built-from');
const INPUTS = [
  'types',
  'contracts',
  'knowledge',
  'flows',
  'bot',
  'integrations',
  'app',
  'widget',
  'tsconfig.json',
  'tsconfig.build.json',
  'package-lock.json',
];

function fingerprint() {
  let newest = 0;
  let count = 0;
  const visit = (p) => {
    const s = statSync(p, { throwIfNoEntry: false });
    if (!s) return;
    if (s.isDirectory()) {
      for (const name of readdirSync(p)) if (name !== 'node_modules') visit(path.join(p, name));
      return;
    }
    if (/\.test\.ts$/.test(p)) return;
    count++;
    newest = Math.max(newest, s.mtimeMs);
  };
  for (const input of INPUTS) visit(path.join(root, input));
  return `${Math.floor(newest)}:${count}`;
}

const mode = process.argv[2];
if (mode === 'write') {
  writeFileSync(stamp, fingerprint());
} else if (mode === 'ensure') {
  const built = existsSync(stamp) ? readFileSync(stamp, 'utf8') : '';
  if (built !== fingerprint()) {
    const npm = process.env.npm_execpath;
    const run = npm
      ? spawnSync(process.execPath, [npm, 'run', '--silent', 'build'], { cwd: root, stdio: 'inherit' })
      : spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
    process.exit(run.status ?? 1);
  }
} else {
  console.error('usage: node scripts/build-stamp.mjs write|ensure');
  process.exit(2);
}
