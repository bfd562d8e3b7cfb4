// Bundles the dashboard (src/dashboard) into dist/dashboard, which the leader serves at `/`.
// Runs after `nest build` (which empties dist/), see the build script in package.json.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, statSync } from 'node:fs';

const out = 'dist/dashboard';
mkdirSync(out, { recursive: true });
await build({
  entryPoints: ['src/dashboard/app.ts'],
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: false,
  outfile: `${out}/app.js`,
  logLevel: 'warning',
});
for (const file of ['index.html', 'app.css']) copyFileSync(`src/dashboard/${file}`, `${out}/${file}`);
const total = ['index.html', 'app.css', 'app.js'].reduce((sum, f) => sum + statSync(`${out}/${f}`).size, 0);
console.log(`dashboard: ${out} (${total} bytes)`);
