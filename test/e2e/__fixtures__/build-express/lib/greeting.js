'use strict';
// changed by the benchmark's warm rebuild (one source file)
exports.greeting = () => 'hello from shipshape build';
