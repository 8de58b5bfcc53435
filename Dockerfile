# syntax=docker/dockerfile:1
#
# One image for the Homeward services. The build stage installs every workspace, runs the
# generate tasks (buf, openapi-typescript) and tsc through turbo, then drops the dev
# dependencies. The runtime stage carries only production node_modules, each workspace's
# package.json and dist/, and the files services read at runtime (openapi/).
#
#   docker build -t homeward .                                  # registration (the default)
#   docker build --build-arg SERVICE=registration -t homeward-registration .
#
# docker-compose.yml builds and runs it; the way without Docker is `npm start`.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV TURBO_TELEMETRY_DISABLED=1 \
    DO_NOT_TRACK=1 \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false

# `npm ci` runs with the npm bundled in the image (10.8.x for Node 20); the lock file lists every
# platform's optional binaries (buf, turbo, swc), so npm 10 and 11 both install from it. npm 10 ignores
# package.json "allowScripts" and runs every install script.

# Manifests first, so the dependency layer is reused while only sources change.
# A new workspace needs its package.json listed here, or `npm ci` fails on the out-of-sync lock file.
COPY package.json package-lock.json ./
COPY packages/api-client/package.json packages/api-client/
COPY packages/assert-never/package.json packages/assert-never/
COPY packages/auth/package.json packages/auth/
COPY packages/certificate-print/package.json packages/certificate-print/
COPY packages/classifications/package.json packages/classifications/
COPY packages/command-handling/package.json packages/command-handling/
COPY packages/contract-fuzz/package.json packages/contract-fuzz/
COPY packages/contracts/package.json packages/contracts/
COPY packages/credentials/package.json packages/credentials/
COPY packages/demo-data/package.json packages/demo-data/
COPY packages/event-store/package.json packages/event-store/
COPY packages/ledger/package.json packages/ledger/
COPY packages/messaging/package.json packages/messaging/
COPY packages/names/package.json packages/names/
COPY packages/personal-data/package.json packages/personal-data/
COPY packages/pg-kit/package.json packages/pg-kit/
COPY packages/projections/package.json packages/projections/
COPY packages/service-kit/package.json packages/service-kit/
COPY packages/telemetry/package.json packages/telemetry/
COPY packages/testing/package.json packages/testing/
COPY services/agency-view/package.json services/agency-view/
COPY services/emergency-fund/package.json services/emergency-fund/
COPY services/employment-matching/package.json services/employment-matching/
COPY services/mission-view/package.json services/mission-view/
COPY services/registration/package.json services/registration/
COPY services/skills-certification/package.json services/skills-certification/
COPY services/statistics/package.json services/statistics/
COPY bench/package.json bench/
COPY test/faults/package.json test/faults/
COPY test/infra/package.json test/infra/
RUN --mount=type=cache,target=/root/.npm npm ci

COPY . .
RUN npm run build \
 && npm prune --omit=dev

# Gather what the runtime needs: production node_modules (the @homeward/* entries are relative
# symlinks into packages/ and services/), and per workspace its package.json (the "exports" map
# points at dist/), dist/, nested node_modules where npm placed any, and openapi/.
RUN set -eu; \
    mkdir -p /out; \
    cp -a package.json node_modules /out/; \
    for dir in packages/* services/*; do \
      mkdir -p "/out/$dir"; \
      cp -a "$dir/package.json" "$dir/dist" "/out/$dir/"; \
      for extra in node_modules openapi asyncapi; do \
        if [ -e "$dir/$extra" ]; then cp -a "$dir/$extra" "/out/$dir/"; fi; \
      done; \
    done


FROM ${NODE_IMAGE} AS runtime
ARG SERVICE=registration
ENV NODE_ENV=production \
    SERVICE=${SERVICE} \
    HOST=0.0.0.0 \
    PORT=3001

# Owned by root and read-only for the service: it writes nothing to its own files.
COPY --from=build /out /app
WORKDIR /app/services/${SERVICE}

USER node
EXPOSE 3001
CMD ["node", "--enable-source-maps", "dist/main.js"]
