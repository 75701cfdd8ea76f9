import { useEffect, useState } from "react";
import { api } from "../api/client";
import { Pager } from "./Pager";
import type { UserItem } from "../api/types";
import { formatCost, formatTime } from "../format";
import { Link, navigate, useLocation } from "../router";
import { onItemKeys } from "../keys";

const LIMIT = 50;

/** Users: the user ids of the traces with their trace count, tokens, cost, first and last seen. */
export function Users({ projectId }: { projectId: string }) {
  const { query } = useLocation();
  const page = Number(query.get("page") ?? "1");
  const [rows, setRows] = useState<UserItem[] | null>(null);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api("get", "/api/app/projects/{projectId}/users", { params: { projectId }, query: { page, limit: LIMIT } })
      .then((a) => { setRows(a.data ?? []); setTotal(a.meta?.totalItems ?? 0); }, (e: Error) => setError(e.message));
  }, [projectId, page]);
  return (
    <div>
      <div className="toolbar"><h1>Users</h1><span className="count">{total} users</span></div>
      {error && <p className="error" role="alert">{error}</p>}
      {rows === null ? <p className="loading">Loading…</p> : rows.length === 0 ? (
        <p className="empty">No users yet. Give traces a <code>userId</code> in the SDK to see usage per user.</p>
      ) : (
        <table>
          <thead><tr><th>User</th><th>Traces</th><th>Tokens</th><th>Cost</th><th>First seen</th><th>Last seen</th></tr></thead>
          <tbody>
            {rows.map((u) => (
              <tr key={u.userId} tabIndex={0} onKeyDown={(e) => onItemKeys(e, () => navigate(`/project/${projectId}/users/${encodeURIComponent(u.userId!)}`))}>
                <td><Link to={`/project/${projectId}/users/${encodeURIComponent(u.userId!)}`}>{u.userId}</Link></td>
                <td>{u.traceCount}</td><td>{u.totalTokens}</td><td>{formatCost(u.totalCost)}</td>
                <td>{formatTime(u.firstSeen)}</td><td>{formatTime(u.lastSeen)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager total={total} limit={LIMIT} />
    </div>
  );
}
