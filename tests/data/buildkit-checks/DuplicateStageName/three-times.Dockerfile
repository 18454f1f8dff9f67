FROM scratch AS build
FROM scratch AS build
FROM scratch AS build
FROM scratch
FROM scratch
