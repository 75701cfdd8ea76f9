import { api } from "../api/client";
import { Pager } from "./Pager";
import { useFilledList } from "./useFilledList";
import type { UserItem, UserUsage } from "../api/types";
import { formatCost, formatTime } from "../format";
import { Link, navigate, useLocation } from "../router";
import { onItemKeys } from "../keys";

const LIMIT = 50;

/**
 * Users: the user ids of the traces with their trace count, first and last seen; tokens and cost arrive in a second
 * call for the page's users, which on a large project takes longer than the list itself.
 */
export function Users({ projectId }: { projectId: string }) {
  const { query } = useLocation();
  const page = Number(query.get("page") ?? "1");
  const { rows, total, figures: usage, error } = useFilledList(
    () => api("get", "/api/app/projects/{projectId}/users", { params: { projectId }, query: { page, limit: LIMIT } })
      .then((a) => ({ rows: a.data ?? [], total: a.meta?.totalItems ?? 0 })),
    (users: UserItem[]) => api("get", "/api/app/projects/{projectId}/users/usage", { params: { projectId }, query: { userIds: users.map((u) => u.userId!) } })
      .then((u) => u.data ?? []),
    (x: UserUsage) => x.userId!,
    [projectId, page],
  );
  const pending = <span className="loading" aria-label="loading">…</span>;
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
                <td>{u.traceCount}</td>
                <td>{usage ? usage.get(u.userId!)?.totalTokens ?? 0 : pending}</td>
                <td>{usage ? formatCost(usage.get(u.userId!)?.totalCost ?? 0) : pending}</td>
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
