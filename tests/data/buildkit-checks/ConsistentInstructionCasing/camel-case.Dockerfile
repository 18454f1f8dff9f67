FROM local/busybox:1
Run echo a
RUN echo b
