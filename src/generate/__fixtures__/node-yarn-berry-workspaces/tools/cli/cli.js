#!/usr/bin/env node
console.log(require('@shop/format').format(1));
