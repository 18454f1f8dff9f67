FROM scratch
FROM scratch AS contexts
