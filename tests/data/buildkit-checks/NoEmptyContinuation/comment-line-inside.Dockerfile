FROM local/busybox:1
RUN echo one \
# a comment inside the continuation is fine
    && echo two
