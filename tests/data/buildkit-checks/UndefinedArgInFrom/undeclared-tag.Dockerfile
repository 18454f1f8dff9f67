ARG tag=1
FROM local/busybox:${tag}${suffix} AS b
RUN true
