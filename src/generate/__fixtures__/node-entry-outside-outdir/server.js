// the entry stays at the root; the compiled app is in build/
require('./build/app.js').listen(Number(process.env.PORT || 5000));
