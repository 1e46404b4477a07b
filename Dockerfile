# orch's own image: `orch serve --server NAME` is what a pod runs (see `orch export kubernetes`).
#   docker build -t orch:VERSION .
# Two stages: the build (esbuild) needs the dev dependencies, the image only the runtime ones.
# `npm ci --omit=dev` alone would run the `prepare` script (the build) without TypeScript, so both
# installs skip scripts; no runtime dependency has an install script of its own.
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json ./
COPY scripts scripts
COPY src src
COPY ui ui
RUN npm run build

FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY bin bin
COPY ui ui
COPY examples examples
COPY --from=build /app/dist dist
# The image's unprivileged user (uid 1000); the exported Deployments run as that uid.
USER node
EXPOSE 8080
ENTRYPOINT ["node", "/app/bin/orch.js"]
CMD ["--help"]
