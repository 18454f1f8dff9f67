// Answers GET / on $PORT; --version prints the version. No dependencies.
const http = require("http");
const VERSION = "sample-node 1.0.0";
if (process.argv.includes("--version")) {
  console.log(VERSION);
} else {
  const port = Number(process.env.PORT || 3000);
  const server = http.createServer((req, res) => res.end(VERSION + "\n"));
  server.listen(port);
  process.on("SIGTERM", () => server.close(() => process.exit(0)));
}
