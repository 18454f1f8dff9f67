FROM local/busybox:1
ENV GREETING hello world
ENV "QUOTED" value
