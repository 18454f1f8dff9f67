ARG VERSION="1"
FROM local/busybox:${VERSION}
ARG VARIANT=""
FROM local/busybox:1${VARIANT}
