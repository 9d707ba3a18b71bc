// the entry stays outside the build output (dist/), which holds the app
require('./dist/app.js');
