FROM local/busybox:1
CMD ["a"]
RUN echo between
COPY <<EOF /a.txt
hello
EOF
CMD ["b"]
