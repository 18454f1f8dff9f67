FROM local/busybox:1 AS a
WORKDIR /app

FROM a AS b
WORKDIR subdir/

FROM local/busybox:1 AS c
WORKDIR relative
