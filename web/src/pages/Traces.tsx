import { useCallback, useEffect, useRef, useState } from "react";
import { api } from "../api/client";
import type { TraceItem } from "../api/types";
import { formatCost, formatSeconds, formatTime } from "../format";
import { Link, navigate, useLocation } from "../router";
import { Pager } from "./Pager";
import { FilterBuilder, parseFilters, type Filter } from "./TraceFilters";
import { onItemKeys } from "../keys";

const LIMIT = 50;
const RANGES: Record<string, number | null> = { all: null, "1h": 1, "24h": 24, "7d": 168, "30d": 720 };
const ALL_COLUMNS = ["timestamp", "name", "user", "session", "latency", "cost", "observations", "scores", "tags", "environment"] as const;
type Column = (typeof ALL_COLUMNS)[number];
const SORTABLE: Partial<Record<Column, string>> = { timestamp: "timestamp", name: "name", user: "userId", session: "sessionId", latency: "latency", cost: "totalCost" };

function useColumns(): [Set<Column>, (c: Column) => void] {
  const [columns, setColumns] = useState<Set<Column>>(() => {
    const saved = localStorage.getItem("traces.columns");
    return new Set(saved ? (JSON.parse(saved) as Column[]) : ALL_COLUMNS.filter((c) => c !== "environment"));
  });
  const toggle = (c: Column) => setColumns((current) => {
    const next = new Set(current);
    if (next.has(c)) next.delete(c); else next.add(c);
    localStorage.setItem("traces.columns", JSON.stringify([...next]));
    return next;
  });
  return [columns, toggle];
}

/** The traces table: time range, environment, search, filters, sorting, chosen columns, paging, bulk delete and a live tail. */
export function Traces({ projectId, userId }: { projectId: string; userId?: string }) {
  const { query } = useLocation();
  const search = query.get("search") ?? "";
  const page = Number(query.get("page") ?? "1");
  const range = query.get("range") ?? "all";
  const environment = query.get("environment") ?? "";
  const orderBy = query.get("orderBy") ?? "timestamp.desc";
  const filters = parseFilters(query.get("filter"));
  const filterJson = filters.length ? JSON.stringify(filters) : "";
  const [rows, setRows] = useState<TraceItem[] | null>(null);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [live, setLive] = useState(false);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [columns, toggleColumn] = useColumns();
  // Submitting the same search again reloads (the URL, and so the location, does not change).
  const [nonce, setNonce] = useState(0);
  const newest = useRef<string | null>(null);
  const hours = RANGES[range] ?? null;

  const base = useCallback(() => ({
    limit: LIMIT, search, userId, environment, orderBy, filter: filterJson,
    fromTimestamp: hours ? new Date(Date.now() - hours * 3_600_000).toISOString() : undefined,
  }), [search, userId, environment, orderBy, filterJson, hours]);

  const load = useCallback(async () => {
    try {
      const answer = await api("get", "/api/app/projects/{projectId}/traces", { params: { projectId }, query: { ...base(), page } });
      setRows(answer.data ?? []);
      setTotal(answer.meta?.totalItems ?? 0);
      newest.current = answer.data?.[0]?.timestamp ?? newest.current;
      setSelected(new Set());
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [projectId, page, base, nonce]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => void load(), [load]);

  // Live tail: every second, ask only for what is newer than the newest row shown, and put it on top.
  useEffect(() => {
    if (!live) return;
    const timer = window.setInterval(async () => {
      const since = newest.current ?? new Date(Date.now() - 60_000).toISOString();
      const answer = await api("get", "/api/app/projects/{projectId}/traces", { params: { projectId }, query: { ...base(), page: 1, orderBy: "timestamp.desc", fromTimestamp: since } });
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
  }, [live, projectId, base]);

  const setQuery = (next: Record<string, string>) => {
    const q = new URLSearchParams(query);
    Object.entries(next).forEach(([k, v]) => (v ? q.set(k, v) : q.delete(k)));
    if (!("page" in next)) q.delete("page");
    navigate(`${window.location.pathname}?${q.toString()}`);
    setNonce((n) => n + 1);
  };
  const sortBy = (column: Column) => {
    const field = SORTABLE[column];
    if (!field) return;
    setQuery({ orderBy: orderBy === `${field}.desc` ? `${field}.asc` : `${field}.desc` });
  };
  const deleteSelected = async () => {
    if (!window.confirm(`Delete ${selected.size} trace(s) with their observations and scores?`)) return;
    try {
      for (const id of selected) await api("delete", "/api/app/projects/{projectId}/traces/{traceId}", { params: { projectId, traceId: id } });
    } catch (e) {
      setError((e as Error).message);
    }
    await load();
  };
  const open = (t: TraceItem) => navigate(`/project/${projectId}/traces/${encodeURIComponent(t.id!)}`);
  const header = (c: Column, label: string) => {
    if (!columns.has(c)) return null;
    const field = SORTABLE[c];
    const arrow = field && orderBy.startsWith(field + ".") ? (orderBy.endsWith("desc") ? " ↓" : " ↑") : "";
    return <th key={c} className={field ? "sortable" : undefined} onClick={() => sortBy(c)} aria-sort={arrow ? (orderBy.endsWith("desc") ? "descending" : "ascending") : undefined}>{label}{arrow}</th>;
  };
  const show = (c: Column) => columns.has(c);

  return (
    <div>
      <div className="toolbar">
        <h1>{userId ? `Traces of user ${userId}` : "Traces"}</h1>
        <form onSubmit={(e) => { e.preventDefault(); setQuery({ search: String(new FormData(e.currentTarget).get("search")) }); }}>
          <input name="search" type="search" placeholder="Search id, name, user, session" defaultValue={search} aria-label="Search traces" />
        </form>
        <select aria-label="Time range" value={range} onChange={(e) => setQuery({ range: e.target.value === "all" ? "" : e.target.value })}>
          {Object.keys(RANGES).map((r) => <option key={r} value={r}>{r === "all" ? "All time" : `Last ${r}`}</option>)}
        </select>
        <form onSubmit={(e) => { e.preventDefault(); setQuery({ environment: String(new FormData(e.currentTarget).get("environment")) }); }}>
          <input name="environment" placeholder="Environment" defaultValue={environment} aria-label="Environment" size={12} />
        </form>
        <label className="toggle"><input type="checkbox" checked={live} onChange={(e) => setLive(e.target.checked)} /> Live</label>
        <details className="columns">
          <summary>Columns</summary>
          {ALL_COLUMNS.map((c) => <label key={c} className="toggle"><input type="checkbox" checked={columns.has(c)} onChange={() => toggleColumn(c)} /> {c}</label>)}
        </details>
        <span className="count">{total} traces</span>
        {selected.size > 0 && <button className="danger" onClick={deleteSelected}>Delete {selected.size} selected</button>}
      </div>
      <FilterBuilder filters={filters} onChange={(next: Filter[]) => setQuery({ filter: next.length ? JSON.stringify(next) : "" })} />
      {error && <p className="error" role="alert">{error}</p>}
      {rows === null ? <p className="loading">Loading…</p> : rows.length === 0 ? (
        <p className="empty">
          {search || filters.length || hours || environment ? "No trace matches these filters." : <>No traces yet. Create an API key in <Link to={`/project/${projectId}/settings`}>settings</Link> and send one from an SDK.</>}
        </p>
      ) : (
        <table className="traces">
          <thead>
            <tr>
              <th><input type="checkbox" aria-label="Select all" checked={selected.size === rows.length} onChange={(e) => setSelected(e.target.checked ? new Set(rows.map((r) => r.id!)) : new Set())} /></th>
              {header("timestamp", "Timestamp")}{header("name", "Name")}{header("user", "User")}{header("session", "Session")}{header("latency", "Latency")}
              {header("cost", "Cost")}{header("observations", "Observations")}{header("scores", "Scores")}{header("tags", "Tags")}{header("environment", "Environment")}
            </tr>
          </thead>
          <tbody>
            {rows.map((t) => (
              <tr key={t.id} tabIndex={0} onClick={() => open(t)} onKeyDown={(e) => onItemKeys(e, () => open(t))}>
                <td onClick={(e) => e.stopPropagation()}>
                  <input type="checkbox" aria-label={`Select ${t.name || t.id}`} checked={selected.has(t.id!)} onChange={(e) => setSelected((s) => {
                    const next = new Set(s);
                    if (e.target.checked) next.add(t.id!); else next.delete(t.id!);
                    return next;
                  })} />
                </td>
                {show("timestamp") && <td>{formatTime(t.timestamp)}</td>}
                {show("name") && <td><Link to={`/project/${projectId}/traces/${encodeURIComponent(t.id!)}`}>{t.name || t.id}</Link></td>}
                {show("user") && <td>{t.userId}</td>}
                {show("session") && <td>{t.sessionId}</td>}
                {show("latency") && <td>{formatSeconds(t.latency)}</td>}
                {show("cost") && <td>{formatCost(t.totalCost)}</td>}
                {show("observations") && <td>{t.observationCount}</td>}
                {show("scores") && <td>{t.scoreCount}</td>}
                {show("tags") && <td>{(t.tags ?? []).map((tag) => <span key={tag} className="tag">{tag}</span>)}</td>}
                {show("environment") && <td>{t.environment}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager total={total} limit={LIMIT} />
    </div>
  );
}
