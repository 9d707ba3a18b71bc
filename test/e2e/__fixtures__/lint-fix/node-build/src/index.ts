const app: string = "lint-fix-node-build";
console.log(`hello from ${app}`);
export {};
