process.env.TRACING = 'on';
