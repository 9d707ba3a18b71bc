'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { createApp } = require('../src/router');

test('unknown routes answer 404', () => {
  const app = createApp();
  let status;
  app({ method: 'GET', url: '/nope' }, { writeHead: (s) => (status = s), end: () => {} });
  assert.strictEqual(status, 404);
});
