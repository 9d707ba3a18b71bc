const express = require('express');

const app = express();
const port = Number(process.env.PORT ?? 3000);

app.get('/', (_req, res) => {
  res.type('text/plain').send(`hello from yarn as uid ${process.getuid()}\n`);
});

app.listen(port);
