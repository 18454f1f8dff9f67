FROM local/busybox:1
ENV A=1 \

    B=2
RUN true
LABEL x=1 \
      y=2 \

      z=3
