FROM local/busybox:1
RUN echo one \

    && echo two
COPY a \
     /a
