# syntax=docker/dockerfile:1
# steering: build the TypeScript once, ship only compiled JavaScript and production dependencies.
#   docker build -t steering .
#   docker run --rm -p 3000:3000 steering                 # embedded database, in-process queues
#   docker compose up                                      # PostgreSQL, Redis, migrate, api, worker

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.mjs ./scripts/build.mjs
COPY src ./src
RUN npm run build && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    STEERING_DATA_DIR=/var/lib/steering
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY migrations ./migrations
COPY guidelines ./guidelines
COPY webhooks/app-manifest.json ./webhooks/app-manifest.json
RUN mkdir -p /var/lib/steering && chown node:node /var/lib/steering
# The image's `node` user (uid 1000); nothing in /app is writable by it.
USER node
EXPOSE 3000
VOLUME ["/var/lib/steering"]
HEALTHCHECK --interval=30s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "bin/steering.js"]
CMD ["serve"]
