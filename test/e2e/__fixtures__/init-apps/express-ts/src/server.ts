import express from 'express';

const app = express();
const port = Number(process.env.PORT ?? 3000);

app.get('/', (_req, res) => {
  res.type('text/plain').send(`hello from express as uid ${process.getuid?.() ?? -1}\n`);
});

app.listen(port);
