FROM --platform=$TARGETPLATFORM local/busybox:1 AS a
FROM --platform=${TARGETPLATFORM} local/busybox:1 AS b
FROM --platform=$BUILDPLATFORM local/busybox:1 AS c
