import { useEffect, useState } from "react";
import { api } from "../api/client";
import { Pager } from "./Pager";
import type { components } from "../api/schema";
import { formatCost, formatSeconds, formatTime } from "../format";
import { navigate, useLocation } from "../router";
import { onItemKeys } from "../keys";

type Item = components["schemas"]["LangfuseFeaturesTracingBrowseObservationsObservationItem"];
const LIMIT = 50;
const TYPES = ["GENERATION", "ALL", "SPAN", "EVENT", "AGENT", "TOOL", "CHAIN", "RETRIEVER", "EVALUATOR", "EMBEDDING", "GUARDRAIL"];

/** Observations, generations first: model, latency, time to first token, tokens and cost; filters by type, model, name, level. */
export function Observations({ projectId }: { projectId: string }) {
  const { query } = useLocation();
  const page = Number(query.get("page") ?? "1");
  const filters = { type: query.get("type") ?? "GENERATION", model: query.get("model") ?? "", name: query.get("name") ?? "", level: query.get("level") ?? "" };
  const [rows, setRows] = useState<Item[] | null>(null);
  const [hasMore, setHasMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const key = JSON.stringify(filters);
  useEffect(() => {
    setError(null);
    api("get", "/api/app/projects/{projectId}/observations", { params: { projectId }, query: { page, limit: LIMIT, ...filters } })
      .then((a) => { setRows(a.data ?? []); setHasMore(a.meta?.hasMore ?? false); }, (e: Error) => setError(e.message));
  }, [projectId, page, key]); // eslint-disable-line react-hooks/exhaustive-deps
  const set = (next: Record<string, string>) => {
    const q = new URLSearchParams(query);
    Object.entries(next).forEach(([k, v]) => (v ? q.set(k, v) : q.delete(k)));
    q.delete("page");
    navigate(`/project/${projectId}/observations?${q.toString()}`);
  };
  return (
    <div>
      <div className="toolbar">
        <h1>Observations</h1>
        <select aria-label="Type" value={filters.type} onChange={(e) => set({ type: e.target.value })}>{TYPES.map((t) => <option key={t}>{t}</option>)}</select>
        <select aria-label="Level" value={filters.level} onChange={(e) => set({ level: e.target.value })}>
          <option value="">any level</option>{["DEBUG", "DEFAULT", "WARNING", "ERROR"].map((l) => <option key={l}>{l}</option>)}
        </select>
        <form onSubmit={(e) => { e.preventDefault(); const f = new FormData(e.currentTarget); set({ model: String(f.get("model")), name: String(f.get("name")) }); }} className="inline">
          <input name="model" placeholder="Model" defaultValue={filters.model} aria-label="Model" />
          <input name="name" placeholder="Name" defaultValue={filters.name} aria-label="Name" />
          <button>Filter</button>
        </form>
        <span className="count">page {page}</span>
      </div>
      {error && <p className="error" role="alert">{error}</p>}
      {rows === null ? <p className="loading">Loading…</p> : rows.length === 0 ? <p className="empty">No observations match.</p> : (
        <table className="traces">
          <thead><tr><th>Start</th><th>Type</th><th>Name</th><th>Model</th><th>Latency</th><th>First token</th><th>Tokens (in / out)</th><th>Cost</th><th>Level</th></tr></thead>
          <tbody>
            {rows.map((o) => {
              const open = () => navigate(`/project/${projectId}/traces/${encodeURIComponent(o.traceId!)}`);
              return (
                <tr key={o.id} tabIndex={0} onClick={open} onKeyDown={(e) => onItemKeys(e, open)}>
                  <td>{formatTime(o.startTime)}</td><td><span className={`type ${o.type}`}>{o.type}</span></td><td>{o.name}</td><td>{o.model}</td>
                  <td>{formatSeconds(o.latency)}</td><td>{formatSeconds(o.timeToFirstToken)}</td>
                  <td>{o.usageDetails ? `${o.usageDetails.input ?? 0} / ${o.usageDetails.output ?? 0}` : ""}</td>
                  <td>{formatCost(o.calculatedTotalCost)}</td><td className={`level ${o.level}`}>{o.level}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <Pager limit={LIMIT} hasMore={hasMore} />
    </div>
  );
}
