// Bundles the CLI, the extension host code and the report webview script.
// Type checking is separate (`npm run typecheck`); esbuild only strips types.
// `--watch` (npm run watch) rebuilds on change and runs `tsc --noEmit --watch` beside it.
const { spawn } = require('child_process');
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

// ssh2 falls back to pure JavaScript without its optional native pieces, and net-ping's
// raw-socket is a native addon built for one Node ABI: it is loaded lazily at run time
// (and may fail to load inside Electron, where the system `ping` fallback takes over).
const nodeExternals = ['cpu-features', './crypto/build/Release/sshcrypto.node', 'raw-socket', 'net-ping'];

const targets = [
  {
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
    external: nodeExternals,
  },
  {
    entryPoints: ['src/vscode/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', ...nodeExternals],
  },
  {
    entryPoints: ['src/webview/main.ts'],
    outfile: 'media/report.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
];

async function main() {
  const missing = targets.filter((t) => !fs.existsSync(path.join(__dirname, t.entryPoints[0])));
  if (missing.length) throw new Error(`entry point missing: ${missing.map((t) => t.entryPoints[0]).join(', ')}`);
  const builds = targets;
  const contexts = await Promise.all(
    builds.map((t) =>
      esbuild.context({
        ...t,
        bundle: true,
        minify: production,
        sourcemap: !production,
        sourcesContent: false,
        logLevel: 'warning',
        metafile: true,
      }),
    ),
  );
  if (watch) {
    await Promise.all(contexts.map((c) => c.watch()));
    // Type errors in the same terminal: esbuild only strips types.
    const tsc = spawn(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', '.', '--noEmit', '--watch', '--preserveWatchOutput'], { cwd: __dirname, stdio: 'inherit' });
    const stop = () => { tsc.kill(); process.exit(0); };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return;
  }
  for (const ctx of contexts) {
    const result = await ctx.rebuild();
    for (const [file, info] of Object.entries(result.metafile.outputs)) {
      if (file.endsWith('.js')) console.log(`${file} ${(info.bytes / 1024).toFixed(1)} KiB`);
    }
    await ctx.dispose();
  }
  if (fs.existsSync('dist/cli.js')) fs.chmodSync('dist/cli.js', 0o755);
  // A production build has no source maps: drop stale ones from an earlier development build
  // so they cannot end up in the VSIX.
  if (production) {
    for (const t of builds) fs.rmSync(`${t.outfile}.map`, { force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
