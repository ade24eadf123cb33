# syntax=docker/dockerfile:1
# refund-assistant: three stages, one runtime image.
#   build    every dependency (dev ones too), then `npm run build`: dist/ (server, CLI, browser bundles)
#   deps     production dependencies only, native modules compiled for this Node (build tools here)
#   runtime  node:20-bookworm-slim, non-root: dist/, the content it reads at run time, those deps
# Build: docker build -t refund-assistant .      Run with Redis and PostgreSQL: docker compose up

# ---- build ----------------------------------------------------------------------------------------
FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the package's own `prepare` runs the build, and the sources are not here yet;
# then only the install script the build needs (esbuild's; nothing native is loaded by the build)
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm rebuild esbuild
COPY tsconfig.json tsconfig.build.json ./
COPY types types
COPY contracts contracts
COPY knowledge knowledge
COPY flows flows
COPY bot bot
COPY integrations integrations
COPY app app
COPY widget widget
COPY scripts scripts
RUN npm run build

# ---- production dependencies ----------------------------------------------------------------------
FROM node:20-bookworm AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# better-sqlite3 is the one dependency with an install script: it fetches a prebuilt binary or
# compiles one (python3, make and g++ are in this image, not in the slim one). @node-rs/jieba's
# binary is an npm package of its own (@node-rs/jieba-linux-x64-gnu / -arm64-gnu), installed as is.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3 \
 && cd node_modules/better-sqlite3 \
 && rm -rf deps build/Release/obj build/Release/obj.target build/Release/.deps \
           build/Release/sqlite3.a build/Release/test_extension.node \
 && cd /app \
 && npm cache clean --force

# ---- runtime --------------------------------------------------------------------------------------
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3978 \
    DATA_DIR=/data
WORKDIR /app
# what `node dist/app/main.js` reads from disk: package.json (its root and version), dist/ (the
# compiled code, dist/public: widget and insights bundles), knowledge/ and flows/ (the content,
# YAML and Markdown), widget/demo/ (the demo pages at /demo)
COPY package.json package-lock.json ./
COPY --from=deps /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY knowledge knowledge
COPY flows flows
COPY widget/demo widget/demo
# DATA_DIR (caches, the sandbox's keys, SQLite files without Redis/PostgreSQL) belongs to the
# unprivileged user the server runs as; the code and content stay root's, read-only to it
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3978
# /healthz: the process is alive (readiness, /readyz, also checks Redis and the database)
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT||3978}/healthz`).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# node itself, not `npm start`: its prestart would look for the sources to rebuild, and npm does
# not pass SIGTERM on as promptly (the server stops gracefully on SIGTERM)
CMD ["node", "dist/app/main.js"]
