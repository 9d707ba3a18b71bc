const express = require('express');
const { greeting } = require('@shop/greeting');

const app = express();
app.get('/', (_req, res) => res.type('text/plain').send(`${greeting('workspace')} as uid ${process.getuid()}\n`));
app.listen(Number(process.env.PORT ?? 8080));
