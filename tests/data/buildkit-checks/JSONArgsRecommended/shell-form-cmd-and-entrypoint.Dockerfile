FROM local/busybox:1
ENTRYPOINT my-server --port 80
CMD echo --verbose
