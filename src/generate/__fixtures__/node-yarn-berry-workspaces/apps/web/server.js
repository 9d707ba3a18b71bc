const express = require('express');
const { greet } = require('@shop/greeting');

const app = express();
app.get('/healthz', (_req, res) => res.send('ok'));
app.get('/', (_req, res) => res.send(greet('shop')));
app.listen(process.env.PORT || 3000);
