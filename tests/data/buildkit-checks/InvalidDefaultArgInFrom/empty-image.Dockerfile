# bench: build-arg IMAGE=local/busybox:1
ARG IMAGE
FROM $IMAGE
