export { fisherExactTest } from "./fisher-exact-test.ts";
export { newcombeInterval } from "./newcombe-interval.ts";
export { wilsonInterval } from "./wilson-interval.ts";
