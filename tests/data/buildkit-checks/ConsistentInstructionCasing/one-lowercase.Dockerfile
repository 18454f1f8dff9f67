FROM local/busybox:1
RUN echo a
run echo b
COPY a /a
