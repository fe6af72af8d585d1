import type { Writable } from "node:stream";
import type { RunStore } from "../store/run-store.ts";
import { type TidyValue, tidyTurnTable } from "./tidy-turn-table.ts";

/**
 * The judged-turn table as Parquet, typed (integers, doubles, nullable booleans, strings), for
 * pandas, R and DuckDB. Parquet is written whole (it is columnar), so this holds the judged turns'
 * columns in memory, one run at a time.
 */
export async function exportParquet(
  store: RunStore,
  out: Writable,
  verdictSet?: string,
): Promise<number> {
  const table = tidyTurnTable(store, verdictSet);
  const data = new Map<string, TidyValue[]>(table.columns.map((column) => [column.name, []]));
  let rows = 0;
  for (const row of table.rows()) {
    for (const [name, values] of data) values.push(row[name] ?? null);
    rows += 1;
  }
  const { parquetWriteBuffer } = await import("hyparquet-writer");
  const buffer = parquetWriteBuffer({
    columnData: table.columns.map((column) => ({
      name: column.name,
      type: column.type,
      data: data.get(column.name) ?? [],
    })),
  });
  await new Promise<void>((resolve, reject) =>
    out.write(Buffer.from(buffer), (error) => (error ? reject(error) : resolve())),
  );
  return rows;
}
