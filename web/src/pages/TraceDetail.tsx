import { useCallback, useEffect, useMemo, useState, type FormEvent } from "react";
import { api } from "../api/client";
import type { ObservationView, TraceView } from "../api/types";
import { formatCost, formatSeconds, formatTime } from "../format";
import { Link, navigate } from "../router";
import { Io } from "./Io";
import { onItemKeys } from "../keys";

type Node = { observation: ObservationView; depth: number };

/** Observations in tree order (children under their parent, each level by start time), with their depth. */
function tree(observations: ObservationView[]): Node[] {
  const children = new Map<string, ObservationView[]>();
  const ids = new Set(observations.map((o) => o.id));
  for (const o of observations) {
    const parent = o.parentObservationId && ids.has(o.parentObservationId) ? o.parentObservationId : "";
    children.set(parent, [...(children.get(parent) ?? []), o]);
  }
  const out: Node[] = [];
  const walk = (parent: string, depth: number) =>
    (children.get(parent) ?? []).sort((a, b) => (a.startTime ?? "").localeCompare(b.startTime ?? "")).forEach((o) => {
      out.push({ observation: o, depth });
      walk(o.id!, depth + 1);
    });
  walk("", 0);
  return out;
}

export function TraceDetail({ projectId, traceId }: { projectId: string; traceId: string }) {
  const [trace, setTrace] = useState<TraceView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [editing, setEditing] = useState<{ id: string; name: string; value: number; comment: string } | null>(null);
  const params = { projectId, traceId };

  const load = useCallback(async () => {
    try {
      setTrace(await api("get", "/api/app/projects/{projectId}/traces/{traceId}", { params }));
    } catch (e) {
      setError((e as Error).message);
    }
  }, [projectId, traceId]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => void load(), [load]);

  const nodes = useMemo(() => tree(trace?.observations ?? []), [trace]);
  if (error) return <p className="error" role="alert">{error}</p>;
  if (!trace) return <p className="loading">Loading…</p>;

  const start = Math.min(new Date(trace.timestamp!).getTime(), ...nodes.map((n) => new Date(n.observation.startTime!).getTime()));
  const end = Math.max(start + 1, ...nodes.map((n) => new Date(n.observation.endTime ?? n.observation.startTime!).getTime()));
  const current = nodes.find((n) => n.observation.id === selected)?.observation;

  // Scores go through the ingestion queue like an SDK's: show the change once it is stored.
  const refreshUntilChanged = async () => {
    const before = JSON.stringify(trace.scores ?? []);
    for (let i = 0; i < 20; i++) {
      await new Promise((r) => setTimeout(r, 250));
      const fresh = await api("get", "/api/app/projects/{projectId}/traces/{traceId}", { params });
      if (JSON.stringify(fresh.scores ?? []) !== before) { setTrace(fresh); return; }
    }
  };
  const saveScore = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const formElement = e.currentTarget;
    const form = new FormData(formElement);
    try {
      await api("post", "/api/app/projects/{projectId}/traces/{traceId}/scores", {
        params, body: {
          id: editing?.id ?? null, name: String(form.get("name")), value: Number(form.get("value")),
          comment: String(form.get("comment") || "") || null, observationId: editing ? null : selected,
        },
      });
      formElement.reset();
      setEditing(null);
      await refreshUntilChanged();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const deleteScore = async (id: string) => {
    try {
      await api("delete", "/api/app/projects/{projectId}/scores/{scoreId}", { params: { projectId, scoreId: id } });
      await refreshUntilChanged();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const remove = async () => {
    if (!window.confirm("Delete this trace with its observations and scores?")) return;
    await api("delete", "/api/app/projects/{projectId}/traces/{traceId}", { params });
    navigate(`/project/${projectId}/traces`);
  };

  return (
    <div className="trace">
      <div className="toolbar">
        <h1>{trace.name || "Trace"}</h1>
        <code className="id" title="Trace id">{trace.id}</code>
        <button className="link" onClick={() => navigator.clipboard?.writeText(trace.id!)}>Copy id</button>
        <span className="spacer" />
        <button className="danger" onClick={remove}>Delete trace</button>
      </div>
      <p className="facts">
        {formatTime(trace.timestamp)} · latency {formatSeconds(trace.latency)} · cost <span data-testid="total-cost">{formatCost(trace.totalCost) || "$0"}</span>
        {trace.userId && <> · user {trace.userId}</>}{trace.sessionId && <> · session {trace.sessionId}</>}
      </p>
      <div className="split">
        <div className="observations" role="tree" aria-label="Observations">
          <button role="treeitem" className={selected === null ? "node selected" : "node"} onClick={() => setSelected(null)}
            onKeyDown={(e) => onItemKeys(e, () => setSelected(null))} onFocus={() => setSelected(null)}>
            <span className="type">TRACE</span> {trace.name || trace.id}
          </button>
          {nodes.map(({ observation: o, depth }) => {
            const left = ((new Date(o.startTime!).getTime() - start) / (end - start)) * 100;
            const width = Math.max(0.5, ((new Date(o.endTime ?? o.startTime!).getTime() - new Date(o.startTime!).getTime()) / (end - start)) * 100);
            return (
              <button role="treeitem" key={o.id} className={selected === o.id ? "node selected" : "node"} style={{ paddingLeft: 8 + depth * 16 }} onClick={() => setSelected(o.id!)}
                onKeyDown={(e) => onItemKeys(e, () => setSelected(o.id!))} onFocus={() => setSelected(o.id!)}>
                <span className={`type ${o.type}`}>{o.type}</span> {o.name || o.id}
                <span className="bar" title={`starts at +${formatSeconds((new Date(o.startTime!).getTime() - start) / 1000)}, takes ${formatSeconds(o.latency)}`}>
                  <span style={{ marginLeft: `${left}%`, width: `${width}%` }} />
                </span>
                <span className="duration">{formatSeconds(o.latency)}</span>
              </button>
            );
          })}
        </div>
        <div className="detail">
          {current ? (
            <>
              <h2>{current.name || current.id} <span className={`type ${current.type}`}>{current.type}</span></h2>
              <p className="facts">
                {current.model && <>model {current.model} · </>}
                {formatSeconds(current.latency)}{current.timeToFirstToken != null && <> · first token {formatSeconds(current.timeToFirstToken)}</>}
                {current.level && current.level !== "DEFAULT" && <> · <span className={`level ${current.level}`}>{current.level}</span></>}
                {current.statusMessage && <> · {current.statusMessage}</>}
                {current.promptName && <> · prompt <Link to={`/project/${projectId}/prompts/${encodeURIComponent(current.promptName)}${current.promptVersion != null ? `?version=${current.promptVersion}` : ""}`}>{current.promptName} v{current.promptVersion}</Link></>}
              </p>
              {current.usageDetails && (
                <table className="usage">
                  <thead><tr><th /><th>Tokens</th><th>Cost</th></tr></thead>
                  <tbody>
                    {Object.entries(current.usageDetails).map(([k, v]) => (
                      <tr key={k}><td>{k}</td><td>{v}</td><td>{formatCost(current.costDetails?.[k])}</td></tr>
                    ))}
                  </tbody>
                </table>
              )}
              <Io label="Input" value={current.input} />
              <Io label="Output" value={current.output} />
              <Io label="Metadata" value={current.metadata} />
            </>
          ) : (
            <>
              <Io label="Input" value={trace.input} />
              <Io label="Output" value={trace.output} />
              <Io label="Metadata" value={trace.metadata} />
            </>
          )}
          <section>
            <h3>Scores</h3>
            <ul className="scores">
              {(trace.scores ?? []).filter((s) => (selected ? s.observationId === selected : true)).map((s) => (
                <li key={s.id}>
                  <strong>{s.name}</strong> {s.value ?? s.stringValue} <span className="muted">{s.source}</span> {s.comment}
                  {s.source === "ANNOTATION" && (
                    <>
                      <button className="link" onClick={() => setEditing({ id: s.id!, name: s.name!, value: s.value ?? 0, comment: s.comment ?? "" })}>Edit</button>
                      <button className="link danger" onClick={() => deleteScore(s.id!)}>Delete</button>
                    </>
                  )}
                </li>
              ))}
            </ul>
            <form onSubmit={saveScore} className="inline" aria-label={editing ? "Edit score" : "Add score"} key={editing?.id ?? "new"}>
              <input name="name" placeholder="Score name" required defaultValue={editing?.name} />
              <input name="value" type="number" step="any" placeholder="Value" required defaultValue={editing?.value} />
              <input name="comment" placeholder="Comment" defaultValue={editing?.comment} />
              <button>{editing ? "Save score" : "Add score"}</button>
              {editing && <button type="button" className="link" onClick={() => setEditing(null)}>Cancel</button>}
            </form>
          </section>
        </div>
      </div>
    </div>
  );
}
