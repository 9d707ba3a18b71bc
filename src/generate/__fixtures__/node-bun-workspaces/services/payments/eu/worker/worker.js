import { Hono } from 'hono';
import { record } from '@platform/ledger';

const app = new Hono();
app.get('/healthz', (c) => c.text('ok'));
app.post('/charge', (c) => c.json(record('charge')));
export default { port: 9090, fetch: app.fetch };
