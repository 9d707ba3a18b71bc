const { cpSync } = require('node:fs');
cpSync('src', 'dist', { recursive: true });
