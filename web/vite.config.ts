import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { gzipPlugin, serviceWorkerPlugin } from './pwa/service-worker-plugin';

const root = fileURLToPath(new URL('.', import.meta.url));

// Two pages in one build: the citizens' app at / and the admin console at /console/. The
// console loads each page as a chunk of its own (see src/console/router.tsx).
export default defineConfig({
  plugins: [
    react(),
    // `app` is the citizens' app's input below.
    serviceWorkerPlugin(resolve(root, 'pwa/service-worker.js'), 'app'),
    gzipPlugin(resolve(root, 'dist')),
  ],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    rolldownOptions: {
      input: {
        app: resolve(root, 'index.html'),
        console: resolve(root, 'console/index.html'),
      },
      output: {
        codeSplitting: {
          groups: [
            // Libraries that both pages load and that change rarely, in one long-cached file.
            {
              name: 'react',
              test: /node_modules[\\/](react|react-dom|scheduler|react-router|react-router-dom|@tanstack)[\\/]/,
              priority: 2,
            },
            // The domain rules and the API client that both pages share.
            {
              name: 'shared',
              test: /packages[\\/]domain[\\/]|web[\\/]src[\\/]lib[\\/]/,
              priority: 1,
            },
          ],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:3000',
    },
  },
});
