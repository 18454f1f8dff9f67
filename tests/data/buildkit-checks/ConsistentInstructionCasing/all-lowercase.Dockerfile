from local/busybox:1
run echo a
cmd ["sh"]
