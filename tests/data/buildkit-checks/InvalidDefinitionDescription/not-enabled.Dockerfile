# a comment that is not a description
ARG foo=bar
# neither is this
FROM local/busybox:1 AS base
