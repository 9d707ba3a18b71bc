import { createServer } from 'node:http';
import { greeting } from '@shop-yarn/greeting';

const port = Number(process.env.PORT ?? 8080);

createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' }).end(`${greeting('yarn-workspaces-ts')} as uid ${process.getuid?.() ?? -1}\n`);
}).listen(port);
