# distributed-db: one image, three roles. ROLE (registry|storage|leader) and CLUSTER_SECRET are
# set per container; storage and leader also need REGISTRY_URL. See docker-compose.yml.
#
#   docker build -t distributed-db .
#   docker run --init -e ROLE=registry -e CLUSTER_SECRET=... -p 3000:3000 distributed-db
#
# NODE_IMAGE is the base of both stages: any image with Node >= 20.19 on glibc (lmdb ships prebuilt
# binaries for it), e.g. --build-arg NODE_IMAGE=node:22-bookworm-slim or a home-made debian + nodejs.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# lmdb and msgpackr-extract pick their prebuilt native binary in an install script; package.json's
# "allowScripts" approves exactly those two (npm 11), and denies the analytics one.
COPY package.json package-lock.json ./
RUN SCARF_ANALYTICS=false npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
# The build also bundles the leader's dashboard (src/dashboard) with esbuild.
COPY scripts/build-dashboard.mjs ./scripts/
# typescript survives the prune: @nestjs/swagger lists it as an optional peer (for its build-time CLI
# plugin only), so npm counts it as an optional production dependency. Nothing loads it at run time.
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf node_modules/typescript node_modules/.bin/tsc node_modules/.bin/tsserver
# Fail here, not at the first write in production, if lmdb's native binding does not load.
RUN node --input-type=module -e "const { open } = await import('lmdb'); const db = open({ path: '/tmp/lmdb-check' }); await db.put('k', 'v'); if (db.get('k') !== 'v') throw new Error('lmdb does not read back'); await db.close();" \
 && rm -rf /tmp/lmdb-check*

FROM ${NODE_IMAGE}
WORKDIR /app
# Official node images have a "node" user (uid 1000); a home-made base may not, so create it there.
# /data belongs to that user, and a fresh named volume mounted there starts out with the same owner
# (docker and podman both copy the mount point's owner into an empty volume). No VOLUME line: it
# would give the registry and the leader, which keep nothing on disk, an anonymous volume each.
RUN if ! id -u node >/dev/null 2>&1; then \
      (getent group node >/dev/null || groupadd --system node) \
      && useradd --system --gid node --home-dir /app --no-create-home --shell /usr/sbin/nologin node; \
    fi \
 && mkdir -p /data \
 && chown node:node /data
# No default ROLE on purpose: without one the node exits at once with
# "ROLE is required: must be one of registry, storage, leader" instead of silently being the wrong role.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
# The app is owned by root and only readable by the node user: it can write to /data, nowhere else.
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
# Slim images have no curl; Node 18+ has fetch. /health needs no credential. The timeout is generous:
# starting node for the check took over 3 s on a 2-core machine under load.
HEALTHCHECK --interval=10s --timeout=10s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# The node closes its HTTP server, deregisters and flushes its store on SIGTERM.
STOPSIGNAL SIGTERM
CMD ["node", "dist/main.js"]
