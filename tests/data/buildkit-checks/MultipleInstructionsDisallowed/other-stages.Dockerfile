FROM local/busybox:1 AS a
CMD ["a"]
ENTRYPOINT ["a"]

FROM a AS b
CMD ["b"]
ENTRYPOINT ["b"]
