// Answers GET / on $PORT; --version prints the version (filled in by the build).
const http = require("http");
const VERSION = "sample-node-build __VERSION__";
if (process.argv.includes("--version")) {
  console.log(VERSION);
} else {
  const port = Number(process.env.PORT || 3000);
  const server = http.createServer((req, res) => res.end(VERSION + "\n"));
  server.listen(port);
  process.on("SIGTERM", () => server.close(() => process.exit(0)));
}
