'use strict';
const http = require('node:http');
const { createApp } = require('./router');

const app = createApp();
const started = new Date().toISOString();
const items = [
  { id: 1, name: 'container', size: 'small' },
  { id: 2, name: 'image', size: 'smaller' },
];

app.get('/', (req, res) => res.json({ hello: 'from naive-node-app', uid: process.getuid ? process.getuid() : null }));
app.get('/health', (req, res) => res.json({ ok: true, started }));
app.get('/api/items', (req, res) => res.json(items));

const port = Number(process.env.PORT || 3000);
http.createServer(app).listen(port, () => console.log(`listening on ${port}`));
