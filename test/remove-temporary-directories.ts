/** Test setup: after each test file, the temporary directories it made are removed. */
import { afterAll } from "vitest";
import { removeTemporaryDirectories } from "./run-fixture.ts";

afterAll(removeTemporaryDirectories);
