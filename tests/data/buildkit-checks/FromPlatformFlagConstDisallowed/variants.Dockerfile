FROM --platform=linux/arm64 scratch AS arm-builder
FROM --platform=linux scratch AS amd64-stage
FROM --platform="linux/amd64" scratch AS quoted
FROM --platform=$BUILDPLATFORM scratch AS variable
FROM --platform=linux/arm64/v8 scratch AS for-arm64
