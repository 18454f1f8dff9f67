FROM local/busybox:1 as build
FROM local/busybox:1 AS ok
