// Bundles the extension (dist/extension.js), the command line (dist/cli.js) and the visual editor's webview
// (dist/webview/editor.js + editor.css + the codicon font, no CDN) with esbuild.
import { build } from 'esbuild';

const production = process.argv.includes('--production');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // jsonc-parser's UMD main hides its requires from esbuild; its ES module build bundles cleanly.
  mainFields: ['module', 'main'],
};

// The webview runs in VS Code's Chromium under a strict CSP: one script and one stylesheet from the
// extension folder; CSS imports (React Flow's, codicons', ours) go to editor.css, the font beside it.
const webview = {
  bundle: true,
  platform: 'browser',
  target: 'chrome120',
  format: 'iife',
  minify: true,
  sourcemap: false,
  jsx: 'automatic',
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"' },
  legalComments: 'none',
  loader: { '.ttf': 'file' },
  assetNames: '[name]',
  tsconfig: 'webview/tsconfig.json',
};

// The visual editor is written against React's API (and type-checked with React's types) but bundled with
// Preact's compatibility layer: 357 KB instead of 553 KB, and the first drawing of a 250-step process about
// 300 ms sooner in Chromium (bench/editor.mjs), which is most of the gap to the 1 s open target.
const preact = {
  alias: { react: 'preact/compat', 'react-dom': 'preact/compat', 'react-dom/client': 'preact/compat/client', 'react/jsx-runtime': 'preact/jsx-runtime' },
};

// dist/extension.js stays small (VS Code counts its loading in the activation time); the engine goes to
// dist/engine.js, which src/vscode/lazy.ts requires at run time on first use.
const engineOnDemand = {
  name: 'engine-on-demand',
  setup(b) {
    b.onResolve({ filter: /^\.\/engine$/ }, (args) => (/[\\/]src[\\/]vscode[\\/]lazy\.ts$/.test(args.importer) ? { path: './engine.js', external: true } : undefined));
  },
};

await Promise.all([
  // elements.js: the form controls, which the editor page loads after its first drawing (webview/src/elements.ts).
  build({ ...webview, ...preact, entryPoints: { editor: 'webview/src/editor.tsx', elements: 'webview/src/elements.ts' }, outdir: 'dist/webview' }),
  build({ ...webview, entryPoints: { trace: 'webview/trace/main.ts' }, outdir: 'dist/webview', tsconfig: 'webview/trace/tsconfig.json' }),
  build({ ...common, entryPoints: ['src/vscode/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'], plugins: [engineOnDemand] }),
  build({ ...common, entryPoints: ['src/vscode/engine.ts'], outfile: 'dist/engine.js', external: ['vscode'] }),
  build({ ...common, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
]);
