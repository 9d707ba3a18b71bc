console.log(`hello from ${require('./package.json').name}`);
