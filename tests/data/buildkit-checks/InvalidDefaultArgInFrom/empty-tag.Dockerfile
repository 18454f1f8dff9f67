# bench: build-arg VERSION=1
ARG VERSION
FROM local/busybox:$VERSION
