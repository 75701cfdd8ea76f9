import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// Built into web/dist by the .NET build (Langfuse.csproj) and served by the service itself at /.
export default defineConfig({
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false },
});
