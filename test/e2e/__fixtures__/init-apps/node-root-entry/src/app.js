const http = require('node:http');
const port = Number(process.env.PORT || 3000);
// GREETING_FROM is set by the preload the start script names (tracing.js): the answer shows that it ran
http.createServer((_req, res) => res.end(`hello from ${process.env.GREETING_FROM} as uid ${process.getuid()}\n`)).listen(port);
