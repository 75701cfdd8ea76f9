import { useEffect, useState } from "react";
import { api } from "../api/client";
import { Pager } from "./Pager";
import { useFilledList } from "./useFilledList";
import type { SessionItem, SessionTrace, SessionUsage } from "../api/types";
import { formatCost, formatSeconds, formatTime, pretty } from "../format";
import { Link, navigate, useLocation } from "../router";
import { onItemKeys } from "../keys";

const LIMIT = 50;

/**
 * Sessions: traces grouped by session id, newest first, with their trace count and users; duration and cost (which
 * need every observation of those traces) arrive in a second call and fill in when ready.
 */
export function Sessions({ projectId }: { projectId: string }) {
  const { query } = useLocation();
  const page = Number(query.get("page") ?? "1");
  const { rows, total, figures: usage, error } = useFilledList(
    () => api("get", "/api/app/projects/{projectId}/sessions", { params: { projectId }, query: { page, limit: LIMIT } })
      .then((a) => ({ rows: a.data ?? [], total: a.meta?.totalItems ?? 0 })),
    (sessions: SessionItem[]) => api("get", "/api/app/projects/{projectId}/sessions/usage", { params: { projectId }, query: { sessionIds: sessions.map((s) => s.id!) } })
      .then((u) => u.data ?? []),
    (x: SessionUsage) => x.sessionId!,
    [projectId, page],
  );
  const pending = <span className="loading" aria-label="loading">…</span>;
  return (
    <div>
      <div className="toolbar"><h1>Sessions</h1><span className="count">{total} sessions</span></div>
      {error && <p className="error" role="alert">{error}</p>}
      {rows === null ? <p className="loading">Loading…</p> : rows.length === 0 ? (
        <p className="empty">No sessions yet. Give traces a <code>sessionId</code> in the SDK to group a conversation.</p>
      ) : (
        <table>
          <thead><tr><th>Session</th><th>Created</th><th>Traces</th><th>Duration</th><th>Users</th><th>Cost</th></tr></thead>
          <tbody>
            {rows.map((s) => (
              <tr key={s.id} tabIndex={0} onKeyDown={(e) => onItemKeys(e, () => navigate(`/project/${projectId}/sessions/${encodeURIComponent(s.id!)}`))}>
                <td><Link to={`/project/${projectId}/sessions/${encodeURIComponent(s.id!)}`}>{s.id}</Link></td>
                <td>{formatTime(s.createdAt)}</td><td>{s.traceCount}</td>
                <td>{usage ? formatSeconds(usage.get(s.id!)?.duration ?? 0) : pending}</td>
                <td>{(s.users ?? []).map((u) => <Link key={u} to={`/project/${projectId}/users/${encodeURIComponent(u)}`}>{u} </Link>)}</td>
                <td>{usage ? formatCost(usage.get(s.id!)?.totalCost ?? 0) : pending}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager total={total} limit={LIMIT} />
    </div>
  );
}

/** One session as a conversation: each trace's input and output in time order. */
export function SessionDetail({ projectId, sessionId }: { projectId: string; sessionId: string }) {
  const [traces, setTraces] = useState<SessionTrace[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api("get", "/api/app/projects/{projectId}/sessions/{sessionId}", { params: { projectId, sessionId } })
      .then((a) => setTraces(a.traces ?? []), (e: Error) => setError(e.message));
  }, [projectId, sessionId]);
  if (error) return <p className="error" role="alert">{error}</p>;
  if (!traces) return <p className="loading">Loading…</p>;
  return (
    <div>
      <div className="toolbar"><h1>Session {sessionId}</h1><span className="count">{traces.length} traces</span></div>
      <div className="conversation">
        {traces.map((t) => (
          <div key={t.id} className="card">
            <p className="facts">
              <Link to={`/project/${projectId}/traces/${encodeURIComponent(t.id!)}`}>{t.name || t.id}</Link> · {formatTime(t.timestamp)}
              {t.userId && <> · {t.userId}</>}{t.totalCost ? <> · {formatCost(t.totalCost)}</> : null}
            </p>
            {t.input != null && <div className="message user"><span className="role">input</span><pre>{pretty(t.input)}</pre></div>}
            {t.output != null && <div className="message assistant"><span className="role">output</span><pre>{pretty(t.output)}</pre></div>}
          </div>
        ))}
      </div>
    </div>
  );
}
