import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { stylesheetsAfterLoadingScreen } from './pwa/loading-screen-plugin';
import { gzipPlugin, serviceWorkerPlugin } from './pwa/service-worker-plugin';

const root = fileURLToPath(new URL('.', import.meta.url));

// Two pages in one build: the citizens' app at / and the admin console at /console/. The
// console loads each page as a chunk of its own (see src/console/router.tsx).
export default defineConfig({
  plugins: [
    react(),
    // `app` is the citizens' app's input below.
    serviceWorkerPlugin(resolve(root, 'pwa/service-worker.js'), 'app'),
    stylesheetsAfterLoadingScreen(resolve(root, 'index.html')),
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
            // Babel's runtime helpers, classnames and rc-util serve antd and antd-mobile alike.
            // Without them here the mobile-ui group below would take them, so the console would
            // load antd-mobile too.
            {
              name: 'react',
              test: /node_modules[\\/](react|react-dom|scheduler|react-router|react-router-dom|@tanstack|@babel[\\/]runtime|classnames|rc-util)[\\/]/,
              priority: 2,
            },
            // antd-mobile and the libraries only it uses, which the citizens' app alone loads.
            // It contains the components of every page, about 35 KB gzipped more than the home
            // page needs. One file instead of a dozen small chunks saves several round trips,
            // which cost more than those bytes on a slow mobile network.
            {
              name: 'mobile-ui',
              test: /node_modules[\\/](antd-mobile|antd-mobile-icons|antd-mobile-v5-count|@react-spring|@use-gesture|ahooks|@floating-ui|runes2|staged-components|nano-memoize|deepmerge|react-fast-compare|rc-field-form|rc-segmented)[\\/]/,
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
