import react from "@vitejs/plugin-react";
import { defaultClientConditions, defineConfig } from "vite";

// A static site with a relative base, so `dist/` works from any sub-path (GitHub Pages project
// sites, Netlify, a file server) without rewrites. No cross-origin isolation headers are needed:
// tfjs-wasm and onnxruntime-web both run single-threaded here.
export default defineConfig({
  base: "./",
  plugins: [react()],
  resolve: {
    // Workspace packages resolve to their TypeScript sources (docs/decisions/0002), so the site
    // bundles the real packages without building them first.
    conditions: ["@irlkit/source", ...defaultClientConditions],
  },
  worker: {
    format: "es",
  },
  build: {
    target: "es2022",
    chunkSizeWarningLimit: 2048,
  },
});
