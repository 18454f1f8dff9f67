FROM local/busybox:1 AS Builder
RUN echo build > /out

FROM local/busybox:1 AS runtime
COPY --from=builder /out /out
