FROM local/busybox-arm64:1 AS tools
FROM --platform=linux/arm64 local/busybox-arm64:1 AS asked-for
FROM local/busybox:1
COPY --from=tools /bin/busybox /opt/
