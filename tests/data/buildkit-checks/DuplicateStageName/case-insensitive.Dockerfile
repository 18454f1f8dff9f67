FROM scratch AS app
FROM scratch AS App
FROM scratch AS other
