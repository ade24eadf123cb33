// Builds the embeddable widget: dist/public/widget.js (the launcher) and widget-panel.js (the chat
// panel, loaded on first open). Part of `npm run build`, so `npm start` always serves a fresh one.
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(root, '..', 'dist', 'public');
mkdirSync(out, { recursive: true });

const entries = [
  { in: 'src/launcher.ts', out: 'widget.js', budget: 5 * 1024 },
  { in: 'src/panel/index.ts', out: 'widget-panel.js', budget: 35 * 1024 },
];
const quiet = process.argv.includes('--quiet');
let total = 0;
for (const e of entries) {
  const result = await build({
    entryPoints: [path.join(root, e.in)],
    outfile: path.join(out, e.out),
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2020',
    legalComments: 'none',
    write: true,
    metafile: true,
  });
  const bytes = Object.values(result.metafile.outputs)[0]?.bytes ?? 0;
  const gz = gzipSync(readFileSync(path.join(out, e.out))).length;
  total += gz;
  if (!quiet)
    console.log(`widget: ${e.out} ${(bytes / 1024).toFixed(1)} KB, ${(gz / 1024).toFixed(1)} KB gzipped`);
  if (gz > e.budget) throw new Error(`${e.out} is ${gz} bytes gzipped, over its budget of ${e.budget}`);
}
if (total > 40 * 1024) throw new Error(`the widget is ${total} bytes gzipped, over the 40 KB budget`);
