FROM local/busybox:1 AS app
MAINTAINER a
FROM app
Maintainer b
