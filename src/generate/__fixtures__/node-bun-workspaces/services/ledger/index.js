export const record = (what) => ({ recorded: what });
