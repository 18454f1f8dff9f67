FROM local/busybox:1
ENTRYPOINT ["/bin/sh", "-c"]
CMD ["echo hi"]
