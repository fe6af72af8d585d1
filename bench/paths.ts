import { join } from "node:path";

export const PAPER_EXPERIMENT = join(import.meta.dirname, "../experiments/paper.yaml");
