// A minimal Express-style router: app.get(path, handler), JSON replies, 404 otherwise.
'use strict';

function createApp() {
  const routes = new Map();
  function handle(req, res) {
    const url = new URL(req.url, 'http://localhost');
    const handler = routes.get(`${req.method} ${url.pathname}`);
    res.json = (body, status = 200) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(`${JSON.stringify(body)}\n`);
    };
    if (!handler) return res.json({ error: 'not found' }, 404);
    return handler(req, res, url);
  }
  handle.get = (path, handler) => routes.set(`GET ${path}`, handler);
  return handle;
}

module.exports = { createApp };
