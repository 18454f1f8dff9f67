FROM local/busybox:1 AS base
SHELL ["/bin/sh", "-ec"]
CMD echo uses the chosen shell

FROM base AS child
ENTRYPOINT echo inherits the shell
