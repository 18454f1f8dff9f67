ARG VARIANT
FROM local/busybox:${VARIANT:-1}
