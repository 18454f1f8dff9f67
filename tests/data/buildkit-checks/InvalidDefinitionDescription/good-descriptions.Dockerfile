# check=experimental=InvalidDefinitionDescription
# foo the first argument
ARG foo=bar

# base the base image
FROM local/busybox:1 AS base

# baz one of three arguments
ARG foo=baz bar=qux baz=quux
#
ARG reset=1

# a comment above something else
COPY Dockerfile .
