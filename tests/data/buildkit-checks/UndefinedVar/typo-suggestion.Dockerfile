FROM local/busybox:1
ARG DIR_BINARIES=binaries/
ARG DIR_ASSETS=assets/
COPY $DIR_ASSET .
ENV PATH=$PAHT:/tmp/bin
