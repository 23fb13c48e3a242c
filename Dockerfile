# The otelhub image: one distribution's static binary on distroless, as a
# non-root user. Not built in CI here (no Docker engine on the CI machine).
#
#   docker build --build-arg DIST=otelhub-gateway \
#     --build-arg VERSION=$(git describe --tags --always --dirty) -t otelhub/otelhub-gateway:0.1.0 .
#   docker build --build-arg DIST=otelhub-sidecar \
#     --build-arg VERSION=$(git describe --tags --always --dirty) -t otelhub/otelhub-sidecar:0.1.0 .
#
# .dockerignore leaves .git out, so the Makefile cannot ask git inside the
# build: without --build-arg VERSION, `--version` says "unknown".
#
# The chart runs it with --config=/conf/config.yaml (a ConfigMap) and a
# writable volume at /var/lib/otelhub (file_storage); the root filesystem
# can stay read-only.
ARG GO_VERSION=1.26

FROM golang:${GO_VERSION}-bookworm AS build
ARG DIST=otelhub-gateway
ARG VERSION=unknown
WORKDIR /src
COPY . .
# ocb builds with CGO_ENABLED=0: a static binary that runs on distroless.
RUN CGO_ENABLED=0 make ${DIST} VERSION=${VERSION}

FROM gcr.io/distroless/static-debian12:nonroot
ARG DIST=otelhub-gateway
COPY --from=build /src/bin/${DIST} /otelhub
USER 10001:10001
# OTLP gRPC, OTLP HTTP, own metrics, health check.
EXPOSE 4317 4318 8888 13133
ENTRYPOINT ["/otelhub"]
CMD ["--config=/conf/config.yaml"]
