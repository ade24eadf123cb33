// Builds the /insights page's script: dist/public/insights.js, ECharts tree-shaken to the charts the
// page draws. Part of `npm run build`. Prints its size; fails over its budget.
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(here, '..', '..', '..', 'dist', 'public');
mkdirSync(out, { recursive: true });
const file = path.join(out, 'insights.js');
const BUDGET = 200 * 1024;

const result = await build({
  entryPoints: [path.join(here, 'client', 'main.ts')],
  outfile: file,
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2020',
  legalComments: 'none',
  metafile: true,
  define: { 'process.env.NODE_ENV': '"production"' },
});
const bytes = Object.values(result.metafile.outputs)[0]?.bytes ?? 0;
const gz = gzipSync(readFileSync(file), { level: 9 }).length;
const echarts = Object.entries(result.metafile.inputs)
  .filter(([p]) => /node_modules\/(echarts|zrender)\//.test(p))
  .reduce((n, [, i]) => n + i.bytes, 0);
if (!process.argv.includes('--quiet'))
  console.log(
    `insights: insights.js ${(bytes / 1024).toFixed(1)} KB, ${(gz / 1024).toFixed(1)} KB gzipped (ECharts + zrender sources in it: ${(echarts / 1024).toFixed(0)} KB before minifying)`,
  );
if (gz > BUDGET) throw new Error(`insights.js is ${gz} bytes gzipped, over its budget of ${BUDGET}`);
