FROM scratch AS one
FROM scratch AS two
FROM scratch
