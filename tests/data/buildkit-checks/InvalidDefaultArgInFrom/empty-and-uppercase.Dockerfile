# bench: build-arg TAG=1
# bench: build-arg REPO=local/busybox
ARG TAG=
ARG REPO=Local/Busybox
ARG IMAGE=local/busybox:1
FROM local/busybox:${TAG} AS a
FROM ${REPO}:1 AS b
FROM ${IMAGE} AS c
