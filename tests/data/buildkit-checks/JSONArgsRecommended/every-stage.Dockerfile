FROM local/busybox:1 AS base
CMD echo base

FROM base AS final
CMD ["echo", "final"]

FROM local/busybox:1 AS other
ENTRYPOINT exec sleep 1
