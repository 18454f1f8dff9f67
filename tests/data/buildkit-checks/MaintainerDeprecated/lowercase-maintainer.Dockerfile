from local/busybox:1
maintainer someone
