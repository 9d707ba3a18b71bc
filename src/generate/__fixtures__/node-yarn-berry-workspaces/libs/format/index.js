exports.format = (n) => n.toFixed(2);
