from local/busybox:1
run echo a
WORKDIR /app
copy a /a
