FROM local/busybox:1
EXPOSE 80/tcp 53/udp 9000
