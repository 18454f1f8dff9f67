FROM local/busybox:1
WORKDIR app/
WORKDIR /srv
WORKDIR sub
