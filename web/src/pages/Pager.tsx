import { navigate, useLocation } from "../router";

/**
 * Previous / next for a list whose page is the `page` query parameter (other parameters are kept): with a total, or
 * with `hasMore` for lists that do not count (counting would cost more than the page).
 */
export function Pager({ total, limit, hasMore }: { total?: number; limit: number; hasMore?: boolean }) {
  const { path, query } = useLocation();
  const page = Number(query.get("page") ?? "1");
  const pages = total === undefined ? (hasMore ? page + 1 : page) : Math.max(1, Math.ceil(total / limit));
  if (pages <= 1) return null;
  const go = (to: number) => {
    const q = new URLSearchParams(query);
    q.set("page", String(to));
    navigate(`${path}?${q.toString()}`);
  };
  return (
    <div className="pager">
      <button disabled={page <= 1} onClick={() => go(page - 1)}>Previous</button>
      <span>{total === undefined ? `Page ${page}` : `Page ${page} of ${pages}`}</span>
      <button disabled={page >= pages} onClick={() => go(page + 1)}>Next</button>
    </div>
  );
}
