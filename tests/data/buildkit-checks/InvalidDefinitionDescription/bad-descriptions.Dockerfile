# check=experimental=InvalidDefinitionDescription
# bar is what this is about
ARG foo=bar
# Build the base image
FROM local/busybox:1 AS base
# the version number
ARG version=latest
# three of them
ARG foo=baz bar=qux baz=quux
