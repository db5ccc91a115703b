# Rally's container image. Build: docker build -t rally . (or az acr build, see deploy/README.md).
# Nothing Rally uses needs native modules or install scripts, so every install runs with --ignore-scripts.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3978 \
    RALLY_DATA_DIR=/data
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# Adaptive Card templates are read at run time from <app>/cards.
COPY cards ./cards
# The page prompt WAVs Rally serves under /media, one per language, read at run time from <app>/assets/prompts.
COPY assets ./assets
# The embedded file store (RALLY_STORE=file, one instance only) writes here; deploy/main.bicep runs several
# replicas on Blob Storage instead (RALLY_STORE=blob), which leaves this directory unused.
RUN mkdir -p /data && chown node:node /data
# The node images' unprivileged user (uid 1000).
USER node
EXPOSE 3978
# Slim images have no curl: Node's own fetch asks the health route.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3978) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js"]
