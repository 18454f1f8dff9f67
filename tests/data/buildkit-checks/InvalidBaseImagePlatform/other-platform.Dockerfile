# local/busybox-arm64:1 is a linux/arm64 image (the bench imports it); the build is for linux/amd64
FROM local/busybox-arm64:1
RUN true
