import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// In development the API runs beside Vite; in production the API serves the built `dist` itself.
const api = 'http://localhost:3000';

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: { '/trpc': api, '/v1': api, '/healthz': api, '/sdk': api },
  },
  build: { outDir: 'dist', emptyOutDir: true },
});
