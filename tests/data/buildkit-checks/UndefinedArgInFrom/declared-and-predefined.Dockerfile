ARG base=local/busybox:1
FROM $base
FROM --platform=$BUILDPLATFORM local/busybox:1
ARG DEBUG
FROM local/busybox:1${DEBUG}
