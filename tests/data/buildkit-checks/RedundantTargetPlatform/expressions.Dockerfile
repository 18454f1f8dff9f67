FROM --platform=${TARGETPLATFORM:-linux/amd64} scratch AS a
FROM --platform=$TARGETOS/$TARGETARCH scratch AS b
FROM --platform="$TARGETPLATFORM" scratch AS c
FROM --platform=$BUILDPLATFORM scratch AS d
