import { useEffect, useState } from "react";

/**
 * A page of rows shown as soon as they arrive, and figures for those rows from a second, slower call filled in after
 * (the users' tokens, the sessions' duration and cost): on a large project the figures take longer than the list,
 * and the list should not wait for them. A later page or project discards an earlier answer that arrives late.
 */
export function useFilledList<Row, Figures>(
  load: () => Promise<{ rows: Row[]; total: number }>,
  fill: (rows: Row[]) => Promise<Figures[]>,
  keyOf: (figures: Figures) => string,
  deps: unknown[],
) {
  const [rows, setRows] = useState<Row[] | null>(null);
  const [total, setTotal] = useState(0);
  const [figures, setFigures] = useState<Map<string, Figures> | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    setFigures(null);
    load()
      .then((page) => {
        if (!current) return;
        setRows(page.rows);
        setTotal(page.total);
        if (page.rows.length === 0) return;
        return fill(page.rows).then((f) => { if (current) setFigures(new Map(f.map((x) => [keyOf(x), x]))); });
      })
      .catch((e: Error) => { if (current) setError(e.message); });
    return () => { current = false; };
  }, deps);
  return { rows, total, figures, error };
}
