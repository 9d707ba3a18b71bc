process.env.GREETING_FROM = 'node-root-entry';
