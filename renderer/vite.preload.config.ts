// Bundles the preload into one CommonJS file: a sandboxed preload can require only 'electron'.
import path from 'node:path';
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    outDir: path.resolve(__dirname, '..', 'dist', 'preload'),
    emptyOutDir: true,
    minify: false,
    lib: { entry: path.resolve(__dirname, '..', 'main', 'preload.ts'), formats: ['cjs'], fileName: () => 'preload.cjs' },
    rollupOptions: { external: ['electron'] },
  },
});
