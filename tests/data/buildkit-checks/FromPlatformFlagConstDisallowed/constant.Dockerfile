FROM --platform=linux/amd64 local/busybox:1
