export const formatTime = (iso?: string | null) => (iso ? new Date(iso).toLocaleString() : "");
export const formatSeconds = (s?: number | null) => (s == null ? "" : s < 1 ? `${Math.round(s * 1000)} ms` : `${s.toFixed(2)} s`);
export const formatCost = (usd?: number | null) => (usd == null || usd === 0 ? "" : `$${usd < 0.01 ? usd.toFixed(6) : usd.toFixed(4)}`);
export const pretty = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value, null, 2));
