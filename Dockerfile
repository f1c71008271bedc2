# Tollgate as a container image, for CI runners without Node.js:
#   docker build -t tollgate .
#   docker run --rm -v /var/run/docker.sock:/var/run/docker.sock tollgate image scan docker:myapp:1.0 --fail-on HIGH
# The image is what `npm install -g` of the packed package gives (the same files npm users get),
# on Debian 12 (bookworm) slim with Node.js 22 from the official Node.js image.

# Build: the package as `npm pack` makes it, installed globally with its native modules compiled.
FROM node:22-bookworm AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build \
 && npm pack --pack-destination /tmp \
 && npm install -g --no-audit --no-fund /tmp/tollgate-*.tgz \
 && npm cache clean --force

# Run: only Node.js, the installed package and CA certificates (registries and the database
# artifact are fetched over HTTPS); no compilers, no npm cache.
FROM node:22-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /usr/local/lib/node_modules/tollgate /usr/local/lib/node_modules/tollgate
RUN ln -s ../lib/node_modules/tollgate/dist/bin/tollgate.cjs /usr/local/bin/tollgate
# The layer cache and the vulnerability database live under XDG_CACHE_HOME; mount a volume there
# to keep them between runs.
ENV XDG_CACHE_HOME=/var/cache/tollgate
RUN mkdir -p /var/cache/tollgate
# Runs as root, as the Docker socket (for docker: references) is root's unless the run says
# otherwise; `docker run --user node ...` runs without root when no socket is needed.
WORKDIR /work
ENTRYPOINT ["tollgate"]
CMD ["--help"]
