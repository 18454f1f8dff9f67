FROM local/busybox:1 AS base
ARG foo=Dockerfile
ENV HOME_DIR=/home/app

FROM base
COPY $foo $HOME_DIR/
RUN echo $PATH $UNSET_IN_SHELL_IS_FINE
ENV X=${MISSING:-fallback}
