FROM local/busybox:1 AS build-env
FROM local/busybox:1 AS app.v2
FROM local/busybox:1
