'use strict';
const express = require('express');
const { greeting } = require('./lib/greeting');

const app = express();
app.get('/', (req, res) => {
  res.json({ message: greeting(), uid: process.getuid(), node: process.version });
});

const port = Number(process.env.PORT || 8080);
app.listen(port, '127.0.0.1', () => {
  console.log(`listening on ${port}`);
});
