FROM --platform=linux/amd64 local/busybox:1 AS my_amd64_stage
FROM --platform=linux/amd64 local/busybox:1 AS linux
FROM --platform=linux/amd64 local/busybox:1 AS builder
