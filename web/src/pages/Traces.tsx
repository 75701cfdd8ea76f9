import { useCallback, useEffect, useRef, useState } from "react";
import { api } from "../api/client";
import { Pager } from "./Pager";
import type { TraceItem } from "../api/types";
import { formatCost, formatSeconds, formatTime } from "../format";
import { Link, navigate, useLocation } from "../router";

const LIMIT = 50;

/** The traces table: search, paging, and a live tail that follows new traces as they arrive (polled every second). */
export function Traces({ projectId, userId }: { projectId: string; userId?: string }) {
  const { query } = useLocation();
  const search = query.get("search") ?? "";
  const page = Number(query.get("page") ?? "1");
  const [rows, setRows] = useState<TraceItem[] | null>(null);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [live, setLive] = useState(false);
  // Submitting the same search again reloads (the URL, and so the location, does not change).
  const [nonce, setNonce] = useState(0);
  const newest = useRef<string | null>(null);

  const load = useCallback(async () => {
    try {
      const answer = await api("get", "/api/app/projects/{projectId}/traces", { params: { projectId }, query: { page, limit: LIMIT, search, userId } });
      setRows(answer.data ?? []);
      setTotal(answer.meta?.totalItems ?? 0);
      newest.current = answer.data?.[0]?.timestamp ?? newest.current;
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [projectId, page, search, userId, nonce]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => void load(), [load]);

  // Live tail: every second, ask only for what is newer than the newest row shown, and put it on top.
  useEffect(() => {
    if (!live) return;
    const timer = window.setInterval(async () => {
      const since = newest.current ?? new Date(Date.now() - 60_000).toISOString();
      const answer = await api("get", "/api/app/projects/{projectId}/traces", { params: { projectId }, query: { page: 1, limit: LIMIT, search, userId, fromTimestamp: since } });
      const fresh = answer.data ?? [];
      if (!fresh.length) return;
      setRows((current) => {
        const seen = new Set((current ?? []).map((r) => r.id));
        const added = fresh.filter((r) => !seen.has(r.id));
        if (!added.length) return current;
        setTotal((t) => t + added.length);
        return [...added, ...(current ?? [])].slice(0, LIMIT);
      });
      newest.current = fresh[0].timestamp ?? newest.current;
    }, 1000);
    return () => window.clearInterval(timer);
  }, [live, projectId, search, userId]);

  const setQuery = (next: Record<string, string>) => {
    const q = new URLSearchParams(query);
    Object.entries(next).forEach(([k, v]) => (v ? q.set(k, v) : q.delete(k)));
    navigate(`${window.location.pathname}?${q.toString()}`);
    setNonce((n) => n + 1);
  };

  return (
    <div>
      <div className="toolbar">
        <h1>{userId ? `Traces of user ${userId}` : "Traces"}</h1>
        <form onSubmit={(e) => { e.preventDefault(); setQuery({ search: String(new FormData(e.currentTarget).get("search")), page: "" }); }}>
          <input name="search" type="search" placeholder="Search id, name, user, session" defaultValue={search} aria-label="Search traces" />
        </form>
        <label className="toggle"><input type="checkbox" checked={live} onChange={(e) => setLive(e.target.checked)} /> Live</label>
        <span className="count">{total} traces</span>
      </div>
      {error && <p className="error" role="alert">{error}</p>}
      {rows === null ? <p className="loading">Loading…</p> : rows.length === 0 ? (
        <p className="empty">
          {search ? "No trace matches this search." : <>No traces yet. Create an API key in <Link to={`/project/${projectId}/settings`}>settings</Link> and send one from an SDK.</>}
        </p>
      ) : (
        <table className="traces">
          <thead><tr><th>Timestamp</th><th>Name</th><th>User</th><th>Session</th><th>Latency</th><th>Cost</th><th>Observations</th><th>Scores</th><th>Tags</th></tr></thead>
          <tbody>
            {rows.map((t) => (
              <tr key={t.id} tabIndex={0} onClick={() => navigate(`/project/${projectId}/traces/${encodeURIComponent(t.id!)}`)}
                  onKeyDown={(e) => e.key === "Enter" && navigate(`/project/${projectId}/traces/${encodeURIComponent(t.id!)}`)}>
                <td>{formatTime(t.timestamp)}</td>
                <td><Link to={`/project/${projectId}/traces/${encodeURIComponent(t.id!)}`}>{t.name || t.id}</Link></td>
                <td>{t.userId}</td><td>{t.sessionId}</td>
                <td>{formatSeconds(t.latency)}</td><td>{formatCost(t.totalCost)}</td>
                <td>{t.observationCount}</td><td>{t.scoreCount}</td>
                <td>{(t.tags ?? []).map((tag) => <span key={tag} className="tag">{tag}</span>)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager total={total} limit={LIMIT} />
    </div>
  );
}
