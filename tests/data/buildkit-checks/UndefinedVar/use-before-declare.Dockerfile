FROM local/busybox:1
COPY $foo .
ARG foo=bar
RUN echo $foo
