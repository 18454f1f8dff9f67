FROM scratch AS Scratch
FROM scratch AS CONTEXT
FROM scratch AS scratch-base
