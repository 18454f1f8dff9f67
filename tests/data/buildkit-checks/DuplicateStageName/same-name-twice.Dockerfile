FROM local/busybox:1 AS build
RUN echo one
FROM local/busybox:1 AS build
RUN echo two
