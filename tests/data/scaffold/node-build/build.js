// The build step: writes dist/server.js from src/server.js with the version filled in.
const fs = require("fs");
const version = require("./package.json").version;
fs.mkdirSync("dist", { recursive: true });
const source = fs.readFileSync("src/server.js", "utf8");
fs.writeFileSync("dist/server.js", source.replace("__VERSION__", version));
