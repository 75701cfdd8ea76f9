import { useState } from "react";

// The traces table's filter builder: Langfuse's filter JSON ({column, type, operator, value, key?}), kept in the URL.

export type Filter = { column: string; type: string; operator: string; value: string | number | string[]; key?: string };

const STRING_OPS = ["=", "contains", "does not contain", "starts with", "ends with"];
const NUMBER_OPS = [">", ">=", "<", "<=", "="];
export const COLUMNS: Record<string, { label: string; type: string; ops: string[] }> = {
  name: { label: "Name", type: "string", ops: STRING_OPS },
  userId: { label: "User", type: "string", ops: STRING_OPS },
  sessionId: { label: "Session", type: "string", ops: STRING_OPS },
  release: { label: "Release", type: "string", ops: STRING_OPS },
  version: { label: "Version", type: "string", ops: STRING_OPS },
  tags: { label: "Tags", type: "arrayOptions", ops: ["any of", "all of", "none of"] },
  metadata: { label: "Metadata", type: "stringObject", ops: STRING_OPS },
  latency: { label: "Latency (s)", type: "number", ops: NUMBER_OPS },
  totalCost: { label: "Cost ($)", type: "number", ops: NUMBER_OPS },
  totalTokens: { label: "Tokens", type: "number", ops: NUMBER_OPS },
  errorCount: { label: "Errors (level ERROR)", type: "number", ops: NUMBER_OPS },
  warningCount: { label: "Warnings", type: "number", ops: NUMBER_OPS },
  scores_avg: { label: "Score average", type: "number", ops: NUMBER_OPS },
};

export function parseFilters(text: string | null): Filter[] {
  try {
    const parsed = text ? JSON.parse(text) : [];
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
}

export function FilterBuilder({ filters, onChange }: { filters: Filter[]; onChange: (filters: Filter[]) => void }) {
  const [draft, setDraft] = useState({ column: "name", operator: "=", value: "", key: "" });
  const spec = COLUMNS[draft.column];
  const add = () => {
    if (!draft.value.trim()) return;
    const value = spec.type === "number" ? Number(draft.value) : spec.type === "arrayOptions" ? draft.value.split(",").map((v) => v.trim()).filter(Boolean) : draft.value;
    onChange([...filters, { column: draft.column, type: spec.type, operator: draft.operator, value, ...(spec.type === "stringObject" ? { key: draft.key } : {}) }]);
    setDraft({ ...draft, value: "" });
  };
  return (
    <div className="filters">
      {filters.map((f, i) => (
        <span key={i} className="chip">
          {COLUMNS[f.column]?.label ?? f.column}{f.key ? `.${f.key}` : ""} {f.operator} {Array.isArray(f.value) ? f.value.join(", ") : String(f.value)}
          <button className="link" aria-label="Remove filter" onClick={() => onChange(filters.filter((_, j) => j !== i))}>×</button>
        </span>
      ))}
      <select aria-label="Filter column" value={draft.column} onChange={(e) => setDraft({ ...draft, column: e.target.value, operator: COLUMNS[e.target.value].ops[0] })}>
        {Object.entries(COLUMNS).map(([k, c]) => <option key={k} value={k}>{c.label}</option>)}
      </select>
      {spec.type === "stringObject" && <input aria-label="Metadata key" placeholder="key" value={draft.key} onChange={(e) => setDraft({ ...draft, key: e.target.value })} />}
      <select aria-label="Filter operator" value={draft.operator} onChange={(e) => setDraft({ ...draft, operator: e.target.value })}>
        {spec.ops.map((o) => <option key={o}>{o}</option>)}
      </select>
      <input aria-label="Filter value" placeholder={spec.type === "arrayOptions" ? "a, b" : "value"} value={draft.value}
        type={spec.type === "number" ? "number" : "text"} step="any"
        onChange={(e) => setDraft({ ...draft, value: e.target.value })} onKeyDown={(e) => e.key === "Enter" && add()} />
      <button onClick={add}>Add filter</button>
    </div>
  );
}
