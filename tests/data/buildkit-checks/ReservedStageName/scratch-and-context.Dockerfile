FROM local/busybox:1 AS scratch
FROM local/busybox:1 AS context
FROM local/busybox:1 AS fine
