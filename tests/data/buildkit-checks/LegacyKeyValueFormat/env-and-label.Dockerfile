FROM local/busybox:1
ENV testkey value
LABEL key value
ENV ok=value
LABEL ok=value
