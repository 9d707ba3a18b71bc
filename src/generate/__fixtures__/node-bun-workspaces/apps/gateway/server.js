import { Hono } from 'hono';

const app = new Hono();
app.get('/', (c) => c.text('gateway'));
export default { port: 8080, fetch: app.fetch };
