from local/busybox:1 AS build
from local/busybox:1 as fine
