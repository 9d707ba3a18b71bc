import express from 'express';

export const app = express();
app.get('/', (_req, res) => res.send('hello'));
export function listen(port: number) {
  return app.listen(port);
}
