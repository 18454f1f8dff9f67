# check=experimental=all
# not the name

ARG spaced=1
# final the last stage
FROM local/busybox:1 AS final
# Final is not final
FROM local/busybox:1 AS Final2
