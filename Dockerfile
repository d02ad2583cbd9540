# Confab's image (docs/deployment.md). Two stages:
#   build    Debian 12 with what scripts/setup installs (the same script CI
#            runs), then the same CMake/Ninja build (warnings are errors);
#            the tests are not run here: CI runs them (scripts/test).
#   runtime  Debian 12 with only the server's shared libraries and the
#            engines' models (scripts/setup --runtime), the binary, the web
#            client and a default config; runs as an unprivileged user.
# No Docker engine runs on the machines this project is developed on: this
# file is not built in CI; deploy/compose.yaml is validated there with
# `docker-compose config` (tests/deploy).

FROM debian:12 AS build
WORKDIR /src
COPY scripts/setup scripts/setup
COPY package.json package-lock.json ./
RUN ./scripts/setup && rm -rf /var/lib/apt/lists/*
COPY . .
RUN cmake -S . -B build -G Ninja -DCONFAB_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    && ninja -C build confab

FROM debian:12 AS runtime
COPY scripts/setup /opt/confab/scripts/setup
RUN /opt/confab/scripts/setup --runtime && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home-dir /var/lib/confab --create-home --shell /usr/sbin/nologin confab
COPY --from=build /src/build/confab /opt/confab/bin/confab
COPY web /opt/confab/web
COPY deploy/confab.toml /etc/confab/confab.toml
USER confab
WORKDIR /var/lib/confab
# Plain HTTP/WebSocket inside the private network; TLS ends at the proxy
# (deploy/haproxy.cfg) or is configured with --tls-cert/--tls-key.
EXPOSE 8080
# SIGTERM drains: /readyz turns 503, sessions finish within
# server.drain_timeout_ms, the rest are told server_shutting_down.
STOPSIGNAL SIGTERM
# /healthz: the process answers. (/readyz is the load balancer's: it is 503
# while the node is full, which is not unhealthy.) bash's /dev/tcp: no curl
# in the image.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /healthz HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q '200 OK' <&3"]
ENTRYPOINT ["/opt/confab/bin/confab", "--config", "/etc/confab/confab.toml"]
