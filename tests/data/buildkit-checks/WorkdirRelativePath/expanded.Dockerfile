FROM local/busybox:1
ARG DIR=/opt/app
WORKDIR $DIR
ENV SUB=data
WORKDIR $SUB
