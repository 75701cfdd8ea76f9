import { useEffect, useState } from "react";
import { api } from "../api/client";
import type { components } from "../api/schema";
import { formatCost, formatSeconds } from "../format";
import { navigate, useLocation } from "../router";

type Dashboard = components["schemas"]["LangfuseFeaturesTracingDashboardResponse"];
type Point = components["schemas"]["LangfuseFeaturesTracingDashboardTimePoint"];
const RANGES: Record<string, number> = { "24h": 1, "7d": 7, "30d": 30, "90d": 90 };

/** Counts over time as SVG bars (no chart library: the page stays light). */
function Bars({ points, label }: { points: Point[]; label: string }) {
  const max = Math.max(1, ...points.map((p) => p.count ?? 0));
  const width = 600, height = 120, w = points.length ? width / points.length : width;
  return (
    <figure className="chart">
      <figcaption>{label}: {points.reduce((a, p) => a + (p.count ?? 0), 0)}</figcaption>
      {points.length === 0 ? <p className="empty">Nothing in this range.</p> : (
        <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
          {points.map((p, i) => {
            const h = ((p.count ?? 0) / max) * (height - 4);
            return <rect key={p.time} x={i * w + 1} y={height - h} width={Math.max(1, w - 2)} height={h}><title>{`${new Date(p.time!).toLocaleString()}: ${p.count}`}</title></rect>;
          })}
        </svg>
      )}
    </figure>
  );
}

export function DashboardPage({ projectId }: { projectId: string }) {
  const { query } = useLocation();
  const range = query.get("range") ?? "7d";
  const environment = query.get("environment") ?? "";
  const [data, setData] = useState<Dashboard | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setData(null);
    const to = new Date();
    const from = new Date(to.getTime() - (RANGES[range] ?? 7) * 86_400_000);
    api("get", "/api/app/projects/{projectId}/dashboard", {
      params: { projectId }, query: { fromTimestamp: from.toISOString(), toTimestamp: to.toISOString(), environment },
    }).then(setData, (e: Error) => setError(e.message));
  }, [projectId, range, environment]);
  const set = (key: string, value: string) => {
    const q = new URLSearchParams(query);
    if (value) q.set(key, value); else q.delete(key);
    navigate(`/project/${projectId}?${q.toString()}`);
  };
  const latency = (label: string, p?: components["schemas"]["LangfuseFeaturesTracingDashboardLatencyPercentiles"] | null) => (
    <tr><td>{label}</td>{p ? [p.p50, p.p90, p.p95, p.p99].map((v, i) => <td key={i}>{formatSeconds(v)}</td>) : <td colSpan={4} className="muted">no data</td>}</tr>
  );
  return (
    <div className="dashboard">
      <div className="toolbar">
        <h1>Dashboard</h1>
        <select aria-label="Time range" value={range} onChange={(e) => set("range", e.target.value)}>
          {Object.keys(RANGES).map((r) => <option key={r} value={r}>Last {r}</option>)}
        </select>
        <form onSubmit={(e) => { e.preventDefault(); set("environment", String(new FormData(e.currentTarget).get("environment"))); }}>
          <input name="environment" placeholder="Environment (all)" defaultValue={environment} aria-label="Environment" />
        </form>
      </div>
      {error && <p className="error" role="alert">{error}</p>}
      {!data ? <p className="loading">Loading…</p> : (
        <div className="grid">
          <div className="card"><Bars points={data.traces ?? []} label={`Traces per ${data.interval}`} /></div>
          <div className="card"><Bars points={data.observations ?? []} label={`Observations per ${data.interval}`} /></div>
          <div className="card">
            <h2>Cost by model <span className="muted">{formatCost(data.totalCost) || "$0"} · {data.totalTokens} tokens</span></h2>
            {(data.costByModel ?? []).length === 0 ? <p className="empty">No generations in this range.</p> : (
              <table><thead><tr><th>Model</th><th>Generations</th><th>Tokens</th><th>Cost</th></tr></thead>
                <tbody>{(data.costByModel ?? []).map((m) => <tr key={m.model}><td>{m.model}</td><td>{m.generations}</td><td>{m.tokens}</td><td>{formatCost(m.cost)}</td></tr>)}</tbody>
              </table>
            )}
          </div>
          <div className="card">
            <h2>Latency</h2>
            <table><thead><tr><th /><th>p50</th><th>p90</th><th>p95</th><th>p99</th></tr></thead>
              <tbody>{latency("Traces", data.traceLatency)}{latency("Generations", data.generationLatency)}</tbody>
            </table>
          </div>
          <div className="card">
            <h2>Scores</h2>
            {(data.scores ?? []).length === 0 ? <p className="empty">No numeric scores in this range.</p> : (
              <table><thead><tr><th>Name</th><th>Average</th><th>Count</th></tr></thead>
                <tbody>{(data.scores ?? []).map((s) => <tr key={s.name}><td>{s.name}</td><td>{s.average?.toFixed(3)}</td><td>{s.count}</td></tr>)}</tbody>
              </table>
            )}
          </div>
        </div>
      )}
    </div>
  );
}
